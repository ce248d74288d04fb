/**
 * Opens the HTML dashboard in a real Chromium (Debian's, driven by playwright-core):
 * the hostile test names must not run any script, the page must load nothing,
 * and search, filters, sorting and the uPlot charts (zoom, range, tooltips, log
 * scale, dark mode) must work. Writes the pages and full-page screenshots, light
 * and dark at 1400 and 420 px, to test/browser/.out/.
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { loadChartLibrary } from '../../src/core/report-context.js'
import { renderHtml } from '../../src/report/html.js'
import { formatNs } from '../../src/util/format.js'
import { abFixtureModel, EXPECTED, fixtureModel, HOSTILE, LOAD_TESTS, loadFixtureModel, SPECS } from '../unit/dashboard-fixtures.js'

// Browser globals used inside page.evaluate(); this file is type-checked without the DOM library.
interface Canvas {
  width: number
  height: number
  getContext(kind: '2d'): { drawImage(image: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null
}
declare const document: { createElement(tag: 'canvas'): Canvas }
declare const Image: new () => { src: string; naturalWidth: number; naturalHeight: number; decode(): Promise<void> }

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '.out')
const HTML_PATH = path.join(OUT, 'dashboard.html')
const AB_PATH = path.join(OUT, 'dashboard-ab.html')
const LOAD_PATH = path.join(OUT, 'dashboard-load.html')
const REPO = 'https://github.com/acme/widgets'
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
  const chartLibrary = loadChartLibrary()
  await writeFile(HTML_PATH, renderHtml(model, { title: 'perf-regression dashboard (browser test)', chartLibrary, links: { repository: REPO } }))
  await writeFile(AB_PATH, renderHtml(abFixtureModel(), { chartLibrary }))
  await writeFile(LOAD_PATH, renderHtml(loadFixtureModel(), { title: 'load tests (browser test)', chartLibrary }))
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 })
  page = await context.newPage()
  watch(page)
  await page.goto(url, { waitUntil: 'load' })
  await chartsReady(page)
}, 120_000)

/** Records console errors and warnings, page errors, dialogs and every request but the page's own. */
function watch(p: Page): void {
  p.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`)
  })
  p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  p.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`)
    void d.dismiss()
  })
  p.on('request', (r) => {
    if (!r.url().startsWith('file://') || !r.url().endsWith('.html')) requests.push(r.url())
  })
}

const chartsReady = (p: Page) => p.waitForSelector('body[data-charts="ready"]', { state: 'attached', timeout: 20_000 })

afterAll(async () => {
  await browser?.close()
})

const visibleNames = () => page.$$eval('#cards .card:not([hidden]) h3.name', (els) => els.map((e) => e.textContent))
const visibleCount = async () => (await visibleNames()).length

/** The plotting area of a card's chart, scrolled into view, in viewport coordinates. */
async function overBox(p: Page, name: string, kind: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const over = p.locator('.card', { has: p.locator('h3.name', { hasText: name }) }).locator(`.plot[data-chart="${kind}"] .u-over`)
  await over.scrollIntoViewIfNeeded()
  return (await over.boundingBox())!
}

/** The wall time of the oldest run of the critical test, as the tooltip shows it. */
async function firstWall(): Promise<string> {
  const v = model.verdicts.find((x) => x.test.name === HOSTILE.scriptClose)!
  return formatNs(Number(model.history[v.key]![0]!.wall_ns.toPrecision(4)))
}

/** Decodes a PNG in a blank page (no CSP there) and counts its pixels: ink, colours, reds and blues, and the background's brightness. */
async function pixels(png: Buffer): Promise<{ width: number; ink: number; colours: number; red: number; blue: number; background: number }> {
  const scratch = await browser!.newPage()
  try {
    return await scratch.evaluate(async (b64) => {
      const img = new Image()
      img.src = `data:image/png;base64,${b64}`
      await img.decode()
      const canvas = document.createElement('canvas')
      canvas.width = img.naturalWidth
      canvas.height = img.naturalHeight
      const ctx = canvas.getContext('2d')!
      ctx.drawImage(img, 0, 0)
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
      const counts = new Map<number, number>()
      for (let i = 0; i < data.length; i += 4) {
        const c = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!
        counts.set(c, (counts.get(c) ?? 0) + 1)
      }
      const [bg] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!
      const [br, bgG, bb] = [bg >> 16, (bg >> 8) & 255, bg & 255]
      let ink = 0
      let red = 0
      let blue = 0
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!]
        if (Math.abs(r - br) + Math.abs(g - bgG) + Math.abs(b - bb) > 60) ink++
        if (r > 180 && g < 100 && b < 100) red++
        if (b > 180 && r < 90 && g < 160) blue++
      }
      return { width: canvas.width, ink: ink / (data.length / 4), colours: counts.size, red, blue, background: (br + bgG + bb) / 3 }
    }, png.toString('base64'))
  } finally {
    await scratch.close()
  }
}

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
    expect(await page.$$eval('script', (s) => s.map((e) => e.getAttribute('type')))).toEqual(['application/json', null, null])
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


  test('every card has its charts: wall time, CPU/heap/RSS where recorded, and the iterations of this run', async () => {
    const cards = await page.$$eval('#cards .card', (els) =>
      els.map((card) => ({
        name: card.querySelector('h3')?.textContent ?? '',
        charts: [...card.querySelectorAll('.plot[data-chart]')].map((el) => ({
          kind: el.getAttribute('data-chart'),
          canvas: el.querySelectorAll('canvas').length,
          width: el.getBoundingClientRect().width,
          height: el.getBoundingClientRect().height,
          ring: el.getAttribute('data-ring'),
        })),
      })),
    )
    expect(cards).toHaveLength(9)
    for (const c of cards) {
      const v = model.verdicts.find((x) => x.test.name === c.name)!
      const spec = SPECS.find((s) => s.test.name === c.name)!
      expect(c.charts.map((x) => x.kind), c.name).toEqual(['wall', ...(spec.metrics ? ['cpu', 'heap', 'rss'] : []), 'dist'])
      for (const chart of c.charts) {
        expect(chart.canvas, `${c.name} ${chart.kind}`).toBe(1)
        expect(chart.width, `${c.name} ${chart.kind}`).toBeGreaterThan(chart.kind === 'wall' || chart.kind === 'dist' ? 300 : 150)
        expect(chart.height, `${c.name} ${chart.kind}`).toBeGreaterThan(90)
      }
      // A ring only on the metric with the finding: wall time for a regression, never CPU or memory here.
      const rings = Object.fromEntries(c.charts.filter((x) => x.ring).map((x) => [x.kind, x.ring]))
      expect(rings, c.name).toEqual(v.kind === 'regression' ? { wall: 'fail' } : {})
    }
  })

  test('the tooltip shows the value, the run, its commit, branch and time', async () => {
    await reset()
    const box = await overBox(page, HOSTILE.scriptClose, 'wall')
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2)
    await page.waitForSelector('#tip:not([hidden])')
    const lines = await page.$$eval('#tip div', (els) => els.map((e) => e.textContent))
    expect(lines[0]).toBe('Wall time 2.50 ms')
    expect(lines[1]).toBe('this run: regression (critical)')
    expect(lines[2]).toBe(`commit 01234567 · branch ${HOSTILE.branch}`)
    expect(lines[3]).toBe('2025-06-01 12:00 UTC')
    await page.mouse.move(box.x + 2, box.y + box.height / 2)
    expect(await page.$$eval('#tip div', (els) => els.map((e) => e.textContent))).toEqual(['Wall time ' + (await firstWall()), 'baseline run', 'commit b9000000 · branch main', '2025-06-01 02:00 UTC'])
    await page.mouse.move(0, 0)
    expect(await page.isHidden('#tip')).toBe(true)
  })

  test('a click on a point shows its run, with a link to the commit', async () => {
    const card = page.locator('.card', { has: page.locator('h3', { hasText: 'alert(1)</script>' }) })
    const box = await overBox(page, HOSTILE.scriptClose, 'wall')
    await page.mouse.click(box.x + box.width - 1, box.y + box.height / 2)
    expect(await card.locator('.sel').textContent()).toMatch(/^Wall time 2\.50 ms · this run: regression \(critical\) · 2025-06-01 12:00 UTC · commit 01234567 · branch .* · run run-0000$/)
    expect(await card.locator('.sel a').getAttribute('href')).toBe(`${REPO}/commit/0123456789abcdef0123456789abcdef01234567`)
    expect(await page.getAttribute('[data-meta="commit"] a', 'href')).toBe(`${REPO}/commit/0123456789abcdef0123456789abcdef01234567`)
  })

  test('zoom: dragging across a chart narrows its x-scale; a double click resets it', async () => {
    const plot = page.locator('.card', { has: page.locator('h3', { hasText: 'alert(1)</script>' }) }).locator('.plot[data-chart="wall"]')
    const scale = async () => [Number(await plot.getAttribute('data-xmin')), Number(await plot.getAttribute('data-xmax'))] as const
    const [min0, max0] = await scale()
    expect(max0 - min0).toBeGreaterThan(9 * 3600)
    const box = await overBox(page, HOSTILE.scriptClose, 'wall')
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 4 })
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 4 })
    await page.mouse.up()
    const [min1, max1] = await scale()
    expect(min1).toBeGreaterThan(min0)
    expect(max1).toBeLessThan(max0)
    expect(max1 - min1).toBeLessThan((max0 - min0) * 0.5)
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2)
    const [min2, max2] = await scale()
    expect(min2).toBeLessThanOrEqual(min0 + 60)
    expect(max2).toBeGreaterThanOrEqual(max0 - 60)
  })

  test('the range control: the last 10 runs, then all of them again', async () => {
    const plot = page.locator('.card', { has: page.locator('h3', { hasText: 'alert(1)</script>' }) }).locator('.plot[data-chart="wall"]')
    const min0 = Number(await plot.getAttribute('data-xmin'))
    await page.selectOption('#range', 'runs:10')
    const min1 = Number(await plot.getAttribute('data-xmin'))
    expect(min1).toBeGreaterThan(min0 + 2 * 3600)
    await page.click('#reset-zoom')
    expect(await page.inputValue('#range')).toBe('all')
    expect(Number(await plot.getAttribute('data-xmin'))).toBe(min0)
  })

  test('the x axis by run: commits in order', async () => {
    const plot = page.locator('.card', { has: page.locator('h3', { hasText: 'alert(1)</script>' }) }).locator('.plot[data-chart="wall"]')
    await page.selectOption('#x-axis', 'run')
    await chartsReady(page)
    // 13 runs at 0 to 12, with a little room on either side.
    expect(Number(await plot.getAttribute('data-xmax'))).toBeGreaterThanOrEqual(12)
    expect(Number(await plot.getAttribute('data-xmax'))).toBeLessThanOrEqual(14)
    await page.selectOption('#x-axis', 'time')
    await chartsReady(page)
    expect(Number(await plot.getAttribute('data-xmax'))).toBeGreaterThan(1e9)
  })

  test('the log-scale toggle redraws every chart on a log scale, and back', async () => {
    const canvas = page.locator('.card', { has: page.locator('h3', { hasText: 'alert(1)</script>' }) }).locator('.plot[data-chart="wall"] canvas')
    const before = await canvas.evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL())
    await page.check('#log')
    await chartsReady(page)
    expect(await page.getAttribute('body', 'data-log')).toBe('1')
    expect(new Set(await page.$$eval('.plot[data-chart]', (els) => els.map((e) => e.getAttribute('data-ylog'))))).toEqual(new Set(['1']))
    const logged = await canvas.evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL())
    expect(logged).not.toBe(before)
    await page.uncheck('#log')
    await chartsReady(page)
    expect(new Set(await page.$$eval('.plot[data-chart]', (els) => els.map((e) => e.getAttribute('data-ylog'))))).toEqual(new Set(['0']))
  })

  test('cards hidden by the search get their charts when they show again', async () => {
    await page.fill('#q', 'steady')
    expect(await visibleNames()).toEqual(['steady'])
    await page.check('#log')
    await page.fill('#q', '')
    await chartsReady(page)
    expect(await page.$$eval('.plot[data-chart]', (els) => els.filter((e) => !e.querySelector('canvas')).length)).toBe(0)
    await page.uncheck('#log')
    await chartsReady(page)
  })

  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1400, 420]) {
      test(`a full-page screenshot, ${scheme}, ${width} px wide, that is not blank`, async () => {
        const context = await browser!.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1, colorScheme: scheme })
        const p = await context.newPage()
        watch(p)
        await p.goto(url, { waitUntil: 'load' })
        await chartsReady(p)
        const file = path.join(OUT, `dashboard-${scheme}-${width}.png`)
        const png = await p.screenshot({ path: file, fullPage: true })
        await context.close()
        expect(png.readUInt32BE(16)).toBe(width)
        const stats = await pixels(png)
        expect(stats.width).toBe(width)
        // The background is light or dark as asked, and a good part of the page is something else.
        expect(stats.background < 128).toBe(scheme === 'dark')
        expect(stats.ink).toBeGreaterThan(0.05)
        expect(stats.colours).toBeGreaterThan(200)
        expect(stats.red).toBeGreaterThan(150) // the rings and the failing badges
        expect(stats.blue).toBeGreaterThan(500) // the baseline points and bars
      })
    }
  }

  test('switching the colour scheme redraws the charts in the dark theme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await chartsReady(page)
    expect(await page.evaluate(() => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { body: unknown } }).getComputedStyle((globalThis as unknown as { document: { body: unknown } }).document.body).backgroundColor)).toBe('rgb(13, 17, 23)')
    await page.emulateMedia({ colorScheme: 'light' })
    await chartsReady(page)
  })

  test('an A/B run: per-process ratios and the iterations of head and base', async () => {
    const context = await browser!.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 })
    const p = await context.newPage()
    watch(p)
    await p.goto(pathToFileURL(AB_PATH).href, { waitUntil: 'load' })
    await chartsReady(p)
    expect(await p.locator('.plot[data-chart="ab"] canvas').count()).toBe(2)
    expect(await p.locator('.plot[data-chart="dist"] canvas').count()).toBe(2)
    expect(await p.locator('.f-dist figcaption').first().textContent()).toContain("against the base commit's")
    const box = await overBox(p, 'parse > big', 'ab')
    await p.mouse.move(box.x + 2, box.y + box.height / 2)
    await p.waitForSelector('#tip:not([hidden])')
    expect(await p.textContent('#tip')).toMatch(/^process 1: head\/base 1\.\d\d×estimate 1\.\d\d×, interval 1\.\d\d×–1\.\d\d×$/)
    await p.screenshot({ path: path.join(OUT, 'dashboard-ab.png'), fullPage: true })
    await context.close()
  })

  test('load tests: the latency percentiles over the runs and the scaling curve, with their keys, tooltips and the range control', async () => {
    const context = await browser!.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 })
    const p = await context.newPage()
    watch(p)
    await p.goto(pathToFileURL(LOAD_PATH).href, { waitUntil: 'load' })
    await chartsReady(p)
    const cardOf = (name: string) => p.locator('.card', { has: p.locator('h3.name', { hasText: name }) })
    const steps = cardOf(LOAD_TESTS.steps.name)
    expect(await steps.locator('.plot[data-chart="lat"] canvas').count()).toBe(1)
    expect(await steps.locator('.plot[data-chart="scale"] canvas').count()).toBe(1)
    for (const kind of ['lat', 'scale']) {
      const box = (await steps.locator(`.plot[data-chart="${kind}"]`).boundingBox())!
      expect(box.width, kind).toBeGreaterThan(300)
      expect(box.height, kind).toBeGreaterThan(140)
    }
    expect(await steps.locator('.f-lat .chart-key .key').allTextContents()).toEqual(['p50', 'p90', 'p95', 'p99', 'max', 'baseline p95 (median)', 'this run (ringed)', 'filled: baseline runs, hollow: compare runs'])
    expect(await steps.locator('.f-scale .chart-key .key').allTextContents()).toEqual(['this run, calls/s', 'baseline, calls/s', 'this run, efficiency', 'baseline, efficiency'])
    const single = cardOf(LOAD_TESTS.single.name)
    expect(await single.locator('.plot[data-chart="lat"] canvas').count()).toBe(1)
    expect(await single.locator('.plot[data-chart="scale"]').count()).toBe(0)
    expect(await cardOf(LOAD_TESTS.plain.name).locator('.plot[data-chart="lat"], .plot[data-chart="scale"]').count()).toBe(0)
    // The percentiles of this run, in the tooltip at the right edge.
    let box = await overBox(p, LOAD_TESTS.steps.name, 'lat')
    await p.mouse.move(box.x + box.width - 1, box.y + box.height / 2)
    await p.waitForSelector('#tip:not([hidden])')
    const lines = await p.$$eval('#tip div', (els) => els.map((e) => e.textContent))
    expect(lines[0]).toMatch(/^p50 1\.\d\d ms$/)
    expect(lines[1]).toMatch(/^p90 [\d.]+ ms · p95 [\d.]+ ms · p99 [\d.]+ ms · max [\d.]+ ms$/)
    expect(lines[2]).toMatch(/^baseline p95 [\d.]+ ms \(median\)$/)
    expect(lines[3]).toMatch(/^this run: /)
    // The scaling curve: this run against the baseline at each level.
    box = await overBox(p, LOAD_TESTS.steps.name, 'scale')
    await p.mouse.move(box.x + box.width - 2, box.y + box.height / 2)
    await p.waitForSelector('#tip:not([hidden])')
    expect(await p.$$eval('#tip div', (els) => els.map((e) => e.textContent))).toEqual([
      '16 workers',
      expect.stringMatching(/^this run: 6\.\d\dk\/s · efficiency 4\d%$/),
      expect.stringMatching(/^baseline: 9\.\d\dk\/s · efficiency 6\d%$/),
    ])
    await p.mouse.move(0, 0)
    // The percentile chart follows the range control like the wall-time chart; the scaling curve keeps its levels.
    const lat = steps.locator('.plot[data-chart="lat"]')
    const scale = steps.locator('.plot[data-chart="scale"]')
    const min0 = Number(await lat.getAttribute('data-xmin'))
    const scale0 = await scale.getAttribute('data-xmin')
    await p.selectOption('#range', 'runs:10')
    expect(Number(await lat.getAttribute('data-xmin'))).toBeGreaterThan(min0 + 2 * 3600)
    expect(await scale.getAttribute('data-xmin')).toBe(scale0)
    await p.click('#reset-zoom')
    expect(Number(await lat.getAttribute('data-xmin'))).toBe(min0)
    await context.close()
    for (const scheme of ['light', 'dark'] as const) {
      const ctx = await browser!.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1, colorScheme: scheme })
      const page2 = await ctx.newPage()
      watch(page2)
      await page2.goto(pathToFileURL(LOAD_PATH).href, { waitUntil: 'load' })
      await chartsReady(page2)
      const png = await page2.screenshot({ path: path.join(OUT, `dashboard-load-${scheme}.png`), fullPage: true })
      await ctx.close()
      const stats = await pixels(png)
      expect(stats.background < 128).toBe(scheme === 'dark')
      expect(stats.ink).toBeGreaterThan(0.03)
      expect(stats.blue).toBeGreaterThan(200) // the baseline's curve and points
    }
  })

  test('no console errors, page errors, dialogs or network requests the whole time', () => {
    expect(problems).toEqual([])
    expect(dialogs).toEqual([])
    expect(requests).toEqual([])
  })
})
