/**
 * Opens the HTML dashboard in a real Chromium (Debian's, driven by playwright-core):
 * the hostile test names must not run any script, the page must load nothing,
 * and search, filters, sorting and charts must work. Writes the page and a
 * full-page screenshot to test/browser/.out/.
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { renderHtml } from '../../src/report/html.js'
import { EXPECTED, fixtureModel, HOSTILE, SPECS } from '../unit/dashboard-fixtures.js'

// Browser globals used inside page.evaluate(); this file is type-checked without the DOM library.
interface Canvas {
  width: number
  height: number
  getContext(kind: '2d'): { drawImage(image: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null
}
declare const document: { createElement(tag: 'canvas'): Canvas }
declare const Image: new () => { src: string; naturalWidth: number; naturalHeight: number; decode(): Promise<void> }
declare function getComputedStyle(element: unknown): { fill: string }

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '.out')
const HTML_PATH = path.join(OUT, 'dashboard.html')
const PNG_PATH = path.join(OUT, 'dashboard.png')
// Where scripts/ensure-chromium.mjs (run before npm test) looks: CHROMIUM_PATH, then PATH.
const onPath = (name: string) => (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, name)).find((file) => existsSync(file))
const CHROMIUM = process.env.CHROMIUM_PATH || onPath('chromium') || onPath('chromium-browser') || '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

const model = fixtureModel()
const url = pathToFileURL(HTML_PATH).href
let browser: Browser | undefined
let page: Page
const problems: string[] = []
const dialogs: string[] = []
const requests: string[] = []

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Run \`node scripts/ensure-chromium.mjs\`, which installs it with apt-get (or set CHROMIUM_PATH to a Chromium binary).`)
  }
  await mkdir(OUT, { recursive: true })
  await writeFile(HTML_PATH, renderHtml(model, { title: 'perf-regression dashboard (browser test)' }))
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 })
  page = await context.newPage()
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`)
    void d.dismiss()
  })
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url())
  })
  await page.goto(url, { waitUntil: 'load' })
}, 120_000)

afterAll(async () => {
  await browser?.close()
})

const visibleNames = () => page.$$eval('#cards .card:not([hidden]) h3.name', (els) => els.map((e) => e.textContent))
const visibleCount = async () => (await visibleNames()).length

async function reset(): Promise<void> {
  await page.fill('#q', '')
  await page.selectOption('#f-file', 'all')
  await page.selectOption('#f-verdict', 'all')
  await page.selectOption('#sort', 'file')
}

describe('the dashboard in Chromium', { timeout: 60_000 }, () => {
  test('the script ran; the hostile names were not injected', async () => {
    expect(await page.getAttribute('body', 'data-visible')).toBe('9')
    expect(await page.textContent('#shown')).toBe('9 of 9 tests shown')
    expect(await page.$$eval('script', (s) => s.map((e) => e.getAttribute('type')))).toEqual(['application/json', null])
    expect(await page.locator('img, iframe, object, embed, b').count()).toBe(0)
    expect(await page.locator('[onerror], [onload]').count()).toBe(0)
    expect(dialogs).toEqual([])
  })

  test('the header and the summary counts', async () => {
    expect(await page.textContent('h1')).toContain('failed: 3 regressions at or above minor')
    expect(await page.textContent('[data-meta="branch"] dd')).toBe(HOSTILE.branch)
    expect(await page.textContent('[data-meta="env"] dd')).toContain('Evil <CPU> "9000" & co')
    const counts = await page.$$eval('.tile', (tiles) => Object.fromEntries(tiles.map((t) => [t.getAttribute('data-filter'), t.querySelector('.n')?.textContent])))
    expect(counts).toEqual({
      all: '9',
      'regression:critical': '1',
      'regression:moderate': '1',
      'regression:minor': '1',
      improvement: '1',
      unchanged: '2',
      inconclusive: '1',
      'insufficient-data': '1',
      new: '1',
    })
  })

  test('one card per test, grouped by file, hostile names shown as text', async () => {
    const names = await visibleNames()
    expect([...names].sort()).toEqual(SPECS.map((s) => s.test.name).sort())
    expect(names).toContain(HOSTILE.scriptClose)
    expect(names).toContain(HOSTILE.img)
    expect(names).toContain(HOSTILE.unicode)
    expect(await page.$$eval('.file-head:not([hidden])', (h) => h.map((e) => e.textContent))).toEqual([HOSTILE.file, 'test/io.test.ts', 'test/parse.test.ts'])
    const card = page.locator('.card', { has: page.locator('h3', { hasText: 'alert(1)</script>' }) })
    expect(await card.locator('.badge').textContent()).toBe('regression (critical)')
    expect(await card.locator('.ratio').textContent()).toMatch(/^2\.\d\d×$/)
    expect(await card.locator('.ival').textContent()).toMatch(/^95% interval 2\.\d\d–2\.\d\d×$/)
    const badges = await page.$$eval('.card .badge', (b) => b.map((e) => e.textContent))
    expect(badges.filter((b) => b === 'unchanged')).toHaveLength(EXPECTED.filter((e) => e === 'unchanged').length)
    expect(await page.locator('[data-tag="bench"]').textContent()).toBe(HOSTILE.bench)
  })

  test('the search box filters by name', async () => {
    await page.fill('#q', 'alert')
    expect((await visibleNames()).sort()).toEqual([HOSTILE.scriptClose, HOSTILE.img].sort())
    await page.fill('#q', 'STEADY')
    expect(await visibleNames()).toEqual(['steady'])
    await page.fill('#q', 'no test is called this')
    expect(await visibleCount()).toBe(0)
    expect(await page.isVisible('#none')).toBe(true)
    expect(await page.locator('.file-head:visible').count()).toBe(0)
    await page.fill('#q', '')
    expect(await visibleCount()).toBe(9)
    expect(await page.isVisible('#none')).toBe(false)
  })

  test('the verdict and file filters', async () => {
    await page.selectOption('#f-verdict', 'regression')
    expect(await visibleCount()).toBe(3)
    await page.selectOption('#f-verdict', 'regression:critical')
    expect(await visibleNames()).toEqual([HOSTILE.scriptClose])
    await page.selectOption('#f-verdict', 'new')
    expect(await visibleNames()).toEqual(['fresh & new'])
    await page.selectOption('#f-verdict', 'failing')
    expect(await visibleCount()).toBe(3)
    await page.selectOption('#f-verdict', 'all')
    await page.selectOption('#f-file', { label: 'test/io.test.ts' })
    expect((await visibleNames()).sort()).toEqual(['fresh & new', 'noisy io', 'steady', 'warm cache'])
    expect(await page.$$eval('.file-head:not([hidden])', (h) => h.map((e) => e.textContent))).toEqual(['test/io.test.ts'])
    await page.fill('#q', 'cache')
    expect(await visibleNames()).toEqual(['warm cache'])
    await reset()
    expect(await visibleCount()).toBe(9)
  })

  test('the summary tiles set the verdict filter', async () => {
    await page.click('.tile[data-filter="unchanged"]')
    expect(await page.inputValue('#f-verdict')).toBe('unchanged')
    expect((await visibleNames()).sort()).toEqual([HOSTILE.img, 'steady'])
    await reset()
  })

  test('sorting: worst first, then back to grouping by file', async () => {
    const grouped = await visibleNames()
    await page.selectOption('#sort', 'worst')
    expect((await visibleNames()).slice(0, 3)).toEqual([HOSTILE.scriptClose, HOSTILE.unicode, HOSTILE.quotes])
    expect(await page.locator('.file-head:visible').count()).toBe(0)
    await page.selectOption('#sort', 'file')
    expect(await page.locator('.file-head:visible').count()).toBe(3)
    expect(await visibleNames()).toEqual(grouped)
    expect(grouped.slice(0, 2).sort()).toEqual([HOSTILE.long, HOSTILE.unicode])
  })

  test('every card has a wall-time chart with its points; the flagged run is red', async () => {
    const charts = await page.$$eval('#cards .card', (cards) =>
      cards.map((card) => {
        const svg = card.querySelector('figure.wall svg.chart')
        const pts = [...(svg?.querySelectorAll('circle.pt') ?? [])]
        const flagged = svg?.querySelector('circle.pt.flagged')
        const box = svg?.getBoundingClientRect()
        return {
          name: card.querySelector('h3')?.textContent ?? '',
          points: pts.length,
          flaggedIsLast: flagged ? pts.indexOf(flagged) === pts.length - 1 : null,
          flaggedFill: flagged ? getComputedStyle(flagged).fill : null,
          band: svg?.querySelectorAll('rect.band').length ?? 0,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
        }
      }),
    )
    expect(charts).toHaveLength(9)
    for (const c of charts) {
      const v = model.verdicts.find((x) => x.test.name === c.name)!
      expect(c.points, c.name).toBe(model.history[v.key]!.length)
      expect(c.width, c.name).toBeGreaterThan(200)
      expect(c.height, c.name).toBeGreaterThan(60)
      expect(c.band, c.name).toBe('evidence' in v ? 1 : 0)
      if (v.kind === 'regression') {
        expect(c.flaggedIsLast, c.name).toBe(true)
        expect(c.flaggedFill, c.name).toBe('rgb(207, 34, 46)')
      } else {
        expect(c.flaggedIsLast, c.name).toBeNull()
      }
    }
    expect(await page.locator('figure.mini svg').count()).toBe(3 * SPECS.filter((s) => s.metrics).length)
  })

  test('a full-page screenshot that is not blank', async () => {
    await reset()
    const png = await page.screenshot({ path: PNG_PATH, fullPage: true })
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR')
    const width = png.readUInt32BE(16)
    const height = png.readUInt32BE(20)
    expect(width).toBe(1280)
    expect(height).toBeGreaterThan(1200)
    expect(png.length).toBeGreaterThan(50_000)
    // Decode it in a blank page (no CSP there) and count the pixels that are not background.
    const scratch = await page.context().newPage()
    const stats = await scratch.evaluate(async (b64) => {
      const img = new Image()
      img.src = `data:image/png;base64,${b64}`
      await img.decode()
      const canvas = document.createElement('canvas')
      canvas.width = img.naturalWidth
      canvas.height = img.naturalHeight
      const ctx = canvas.getContext('2d')!
      ctx.drawImage(img, 0, 0)
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
      let ink = 0
      let red = 0
      let blue = 0
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!]
        if (Math.max(r, g, b) - Math.min(r, g, b) > 24 || r < 200) ink++
        if (r > 180 && g < 90 && b < 90) red++
        if (b > 180 && r < 60 && g < 140) blue++
      }
      return { ink: ink / (data.length / 4), red, blue, width: canvas.width }
    }, png.toString('base64'))
    await scratch.close()
    expect(stats.width).toBe(1280)
    expect(stats.ink).toBeGreaterThan(0.03)
    expect(stats.red).toBeGreaterThan(300) // the flagged points and the failing badges
    expect(stats.blue).toBeGreaterThan(1000) // the baseline points
  })

  test('no console errors, page errors, dialogs or network requests the whole time', () => {
    expect(problems).toEqual([])
    expect(dialogs).toEqual([])
    expect(requests).toEqual([])
  })
})
