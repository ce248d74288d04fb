import { Script } from 'node:vm'
import { describe, expect, test } from 'vitest'
import { loadChartLibrary } from '../../src/core/report-context.js'
import { band, RAW_BASELINE_RUNS, type DashboardData } from '../../src/report/html-data.js'
import { DASHBOARD_SCRIPT } from '../../src/report/html-script.js'
import { DASHBOARD_CSP, escapeHtml, jsonForScript, renderHtml } from '../../src/report/html.js'
import type { ReportModel } from '../../src/report/model.js'
import { formatNs } from '../../src/util/format.js'
import { abFixtureModel, EXPECTED, FIXTURE_RUN_ID, fixtureModel, HOSTILE, LOAD_TESTS, loadFixtureModel, SPECS } from './dashboard-fixtures.js'

const model = fixtureModel()
const chartLibrary = loadChartLibrary()
const html = renderHtml(model, { chartLibrary })
/** The page without the inlined chart library (its own script and stylesheet). */
const own = (page: string) => page.replace(`<script>${chartLibrary.script}</script>`, '').replace(`<style>${chartLibrary.style}</style>`, '')
const data = (page: string) => JSON.parse(dataText(page)) as DashboardData

/** The text of the embedded data element. */
function dataText(page: string): string {
  const m = /<script type="application\/json" id="perf-data">([\s\S]*?)<\/script>/.exec(page)
  if (!m) throw new Error('no perf-data element')
  return m[1]!
}

/** Every start tag in the page, as written (`>` inside attribute values is always escaped). */
const startTags = (page: string) => page.match(/<[a-zA-Z][^>]*>/g) ?? []

/**
 * The attributes of a start tag, parsed strictly: every value must be double-quoted
 * (or absent), so an attribute a hostile string opened or closed makes this throw.
 */
function attributes(tag: string): [string, string | undefined][] {
  const re = /\s+([a-zA-Z_:][a-zA-Z0-9_:.-]*)(?:="([^"]*)")?/y
  re.lastIndex = /^<[a-zA-Z][a-zA-Z0-9-]*/.exec(tag)![0].length
  const out: [string, string | undefined][] = []
  let end = re.lastIndex
  for (let m = re.exec(tag); m; m = re.exec(tag)) {
    out.push([m[1]!, m[2]])
    end = re.lastIndex
  }
  if (!/^\s*\/?>$/.test(tag.slice(end))) throw new Error(`malformed tag: ${tag}`)
  return out
}

describe('renderHtml: a self-contained page', () => {
  test('a complete document with the CSP meta tag first in the head', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy"')).toBe(true)
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:;`)
    expect(DASHBOARD_CSP).not.toMatch(/["<>&]/) // written into the attribute as it is
    expect(DASHBOARD_CSP).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:/)
    expect(html.trimEnd().endsWith('</body></html>')).toBe(true)
    expect(html).toContain('<title>perf-regression dashboard</title>')
  })

  test('the chart library is inlined as it is, once', () => {
    expect(chartLibrary.script).toMatch(/^\/\*! https:\/\/github\.com\/leeoniya\/uPlot \(v1\.\d+\.\d+\) \*\/\nvar uPlot=function/)
    expect(html.split(chartLibrary.script)).toHaveLength(2)
    expect(html.split(chartLibrary.style)).toHaveLength(2)
    expect(chartLibrary.script).not.toMatch(/<\/script|<!--|innerHTML|XMLHttpRequest|fetch\(|import\(/i)
    expect(chartLibrary.style).not.toMatch(/<\/style|@import|url\(/i)
    expect(loadChartLibrary()).toBe(chartLibrary)
  })

  test('without the chart library the page says it has no charts, and has no second script', () => {
    const page = renderHtml(model)
    expect(page).toContain('This page was rendered without its chart library, so it shows no charts.')
    expect(startTags(page).filter((t) => /^<script\b/i.test(t))).toEqual(['<script type="application/json" id="perf-data">', '<script>'])
    expect(page).not.toContain('var uPlot=')
    expect(html).not.toContain('no-charts')
  })

  test('nothing is loaded from anywhere', () => {
    // The library's only address is in its licence comment.
    expect(html.match(/https?:\/\//gi)).toHaveLength(1)
    expect(own(html)).not.toMatch(/https?:\/\//i)
    expect(own(html)).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}\//i)
    expect(html).not.toMatch(/@import|url\(/i)
    // The only src/href attribute is the empty data: favicon (it keeps browsers from asking for /favicon.ico).
    const refs = startTags(own(html)).flatMap((t) => attributes(t).filter(([name]) => /^(src|href|xlink:href|action|formaction|srcset|poster|data)$/i.test(name)))
    expect(refs).toEqual([['href', 'data:,']])
  })

  test('the only scripts are the data element, the chart library and the dashboard script', () => {
    const scripts = startTags(html).filter((t) => /^<script\b/i.test(t))
    expect(scripts).toEqual(['<script type="application/json" id="perf-data">', '<script>', '<script>'])
    expect(html.match(/<\/script/gi)).toHaveLength(3)
    expect(html.endsWith(`<script>${DASHBOARD_SCRIPT}</script>\n</body></html>\n`)).toBe(true)
    expect(DASHBOARD_SCRIPT).not.toMatch(/<\/script|innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|fetch\(|XMLHttpRequest/i)
    // It parses: a syntax error would only show in a browser.
    expect(() => new Script(DASHBOARD_SCRIPT)).not.toThrow()
  })

  test('hostile names never become markup', () => {
    expect(html).not.toContain('<script>alert')
    expect(html).not.toMatch(/<img/i)
    expect(html).not.toMatch(/<svg onload/i)
    expect(html).not.toContain('<b>bench</b>')
    expect(html).not.toContain('<!--')
    // Every tag parses with double-quoted values only, and none carries an event handler or a style.
    const names = startTags(own(html)).flatMap((t) => attributes(t).map(([name]) => name))
    expect(names.filter((n) => /^on|^style$|^srcdoc$/i.test(n))).toEqual([])
    expect(new Set(names)).toEqual(
      new Set(['lang', 'charset', 'http-equiv', 'content', 'name', 'rel', 'href', 'type', 'class', 'data-filter', 'id', 'placeholder', 'aria-label', 'autocomplete', 'value', 'aria-hidden', 'hidden', 'data-f', 'data-i', 'data-kind', 'title', 'data-tag', 'data-chart', 'data-meta']),
    )
  })

  test('hostile names are shown escaped, in text and in attributes', () => {
    expect(html).toContain(`<h3 class="name" title="${escapeHtml(HOSTILE.scriptClose)}">&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h3>`)
    expect(html).toContain('>&lt;img src=x onerror=alert(1)&gt;</h3>')
    expect(html).toContain('parse &gt; &quot;double&quot; &amp; &#39;single&#39; quotes')
    expect(html).toContain('<span class="tag" data-tag="bench">&quot;&gt;&lt;b&gt;bench&lt;/b&gt;&lt;!--</span>')
    expect(html).toContain('<h2 class="file-head mono" data-f="0">test/&lt;svg onload=alert(1)&gt;.test.ts</h2>')
    expect(html).toContain('render ✓ 測試 😀 \u2028line\u2029para</h3>')
    expect(html).toContain(`>${HOSTILE.long}</h3>`)
    expect(html).toContain('feature/&#39;&gt;&lt;script&gt;alert(2)&lt;/script&gt;')
    expect(html).toContain('Evil &lt;CPU&gt; &quot;9000&quot; &amp; co')
    expect(html).toContain('skipped: &lt;script&gt;alert(3)&lt;/script&gt;')
  })

  test('the data for the script is JSON that cannot close its element', () => {
    const text = dataText(html)
    expect(text).not.toMatch(/[<>&\u2028\u2029]/)
    expect(text).toContain('\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e')
    const d = JSON.parse(text) as DashboardData
    expect(d.run).toBe(FIXTURE_RUN_ID)
    expect(d.files).toEqual([HOSTILE.file, 'test/io.test.ts', 'test/parse.test.ts'])
    expect(d.tests.map((t) => t.name).sort()).toEqual(SPECS.map((s) => s.test.name).sort())
    expect(d.tests.filter((t) => t.failing)).toHaveLength(3)
  })

  test('deterministic and pure: the same model gives the same page, and is not changed', () => {
    const before = structuredClone(model)
    expect(renderHtml(model, { chartLibrary })).toBe(html)
    expect(renderHtml(structuredClone(model), { chartLibrary })).toBe(html)
    expect(renderHtml(fixtureModel(), { chartLibrary })).toBe(html)
    expect(model).toEqual(before)
  })

  test('the title option is escaped', () => {
    const page = renderHtml(model, { title: 'Nightly </title><script>alert(4)</script>' })
    expect(page).toContain('<title>Nightly &lt;/title&gt;&lt;script&gt;alert(4)&lt;/script&gt;</title>')
    expect(page).not.toContain('<script>alert')
  })
})

describe('renderHtml: header, summary and cards', () => {
  test('the header shows the run', () => {
    expect(html).toContain('<div data-meta="run"><dt>Run</dt><dd>run-0000-current</dd></div>')
    expect(html).toContain('<dd>2025-06-01 12:00 UTC</dd>')
    expect(html).toContain('<div data-meta="commit"><dt>Commit</dt><dd>0123456789ab</dd></div>')
    expect(html).toContain('<dd>compare (fails on minor)</dd>')
    expect(html).toMatch(/<div data-meta="env"><dt>Environment<\/dt><dd>Evil [^<]* ×8 · linux\/x64 · Node 20\.19\.0 · CI: &lt;\/script&gt;&#39;ci&#39;<\/dd>/)
    expect(html).toContain('<span class="status fail">failed: 3 regressions at or above minor</span>')
  })

  test('the summary counts every verdict kind and severity', () => {
    const count = (filter: string) => new RegExp(`data-filter="${filter}"><span class="n">(\\d+)</span>`).exec(html)?.[1]
    expect(count('all')).toBe('9')
    expect(count('regression:critical')).toBe('1')
    expect(count('regression:moderate')).toBe('1')
    expect(count('regression:minor')).toBe('1')
    expect(count('improvement')).toBe('1')
    expect(count('unchanged')).toBe('2')
    expect(count('inconclusive')).toBe('1')
    expect(count('insufficient-data')).toBe('1')
    expect(count('new')).toBe('1')
  })

  test('one card per test, grouped by file, with its verdict', () => {
    const cards = html.match(/<article class="card [^"]*" data-i="\d+" data-kind="[a-z-]+">/g) ?? []
    expect(cards).toHaveLength(SPECS.length)
    const kinds = model.verdicts.map((v) => (v.kind === 'regression' || v.kind === 'improvement' ? `${v.kind}:${v.severity}` : v.kind))
    expect(kinds).toEqual([...EXPECTED])
    const heads = html.match(/<h2 class="file-head[^>]*>[^<]*<\/h2>/g) ?? []
    expect(heads).toHaveLength(3)
    // Cards come in file order: each file's cards follow its heading.
    const order = [...html.matchAll(/<h2 class="file-head mono" data-f="(\d)"|<article class="card [^"]*" data-i="(\d+)"/g)].map((m) => (m[1] ? `f${m[1]}` : m[2]))
    expect(order).toEqual(['f0', '0', '1', 'f1', '2', '3', '4', '5', 'f2', '6', '7', '8'])
    expect(html).toContain('<span class="badge v-regression s-critical">regression (critical)</span>')
    expect(html).toContain('<span class="badge v-insufficient-data">insufficient data (2/5)</span>')
    expect(html).toContain('<span class="badge v-new">new (no baseline)</span>')
  })

  test('ratios and intervals of judged tests', () => {
    const critical = model.verdicts[0]!
    if (!('evidence' in critical)) throw new Error('expected a judged verdict')
    expect(html).toMatch(/<span class="ratio">2\.\d\d×<\/span><span class="chg">\+1\d\d%<\/span><span class="ival">95% interval 2\.\d\d–2\.\d\d×<\/span>/)
    expect(html).toContain(`baseline ${formatNs(critical.evidence.baseline)} (10 runs) → current 2.50 ms`)
    expect(html).toContain('not judged: 2 of 5 baseline runs')
    expect(html).toContain('<span class="ratio">—</span><span class="ival">no baseline yet</span>')
  })

  test('every card has a place for its wall-time chart and the distribution of its iterations; CPU and memory only where recorded', () => {
    const cards = html.split('<article ').slice(1)
    expect(cards).toHaveLength(SPECS.length)
    for (const card of cards) {
      const spec = SPECS.find((s) => card.includes(`title="${escapeHtml(s.test.name)}"`))!
      const charts = [...card.matchAll(/<div class="plot" data-chart="([a-z]+)"><\/div>/g)].map((m) => m[1])
      expect(charts).toEqual(['wall', ...(spec.metrics ? ['cpu', 'heap', 'rss'] : []), 'dist'])
      expect(card).toContain('<p class="sel" hidden></p>')
    }
    expect(html).toContain('<figcaption>Wall time per iteration, 11 runs · band: baseline ')
    expect(html).toContain("This run&#39;s iterations against the last 10 baseline runs, as shares by wall time")
    expect(html).toContain("This run&#39;s iterations (no baseline run yet), as shares by wall time")
  })

  test('the chart controls: x axis, range, log scale and reset', () => {
    expect(html).toContain('<select id="x-axis"><option value="time">Time</option><option value="run">Runs (commits)</option></select>')
    for (const v of ['all', 'runs:50', 'runs:20', 'runs:10', 'days:30', 'days:7']) expect(html).toContain(`<option value="${v}">`)
    expect(html).toContain('<input id="log" type="checkbox">')
    expect(html).toContain('<button type="button" id="reset-zoom">Reset zoom</button>')
  })

  test('a file filter option per file, and every verdict filter', () => {
    expect(html).toContain('<option value="0">test/&lt;svg onload=alert(1)&gt;.test.ts</option>')
    for (const v of ['all', 'failing', 'regression', 'regression:critical', 'improvement', 'unchanged', 'inconclusive', 'insufficient-data', 'new']) {
      expect(html).toContain(`<option value="${v}">`)
    }
    expect(html).toContain('<input id="q" type="search"')
  })

  test('an empty run renders a page that says so', () => {
    const empty: ReportModel = { ...model, verdicts: [], history: {}, failing: [], failed: false, warnings: [], baseline_commits: [] }
    const page = renderHtml(empty)
    expect(page).toContain('No tests in this run.')
    expect(page).toContain('<span class="status pass">passed</span>')
    expect(page).not.toContain('<article')
    expect(page).not.toContain('Baseline commits')
  })

  test('establish mode', () => {
    const page = renderHtml({ ...model, run: { ...model.run, mode: 'establish' }, failed: false, failing: [] })
    expect(page).toContain('<span class="status establish">baseline run recorded</span>')
    expect(page).toContain('<dd>establish (recording a baseline)</dd>')
  })
})

describe('helpers', () => {
  test('escapeHtml', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>\u0000`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;\uFFFD')
    expect(escapeHtml('plain ✓ 😀')).toBe('plain ✓ 😀')
  })

  test('jsonForScript escapes < > & U+2028 U+2029 and stays valid JSON', () => {
    const value = { s: '</script><!-- & \u2028\u2029 >' }
    const text = jsonForScript(value)
    expect(text).toBe('{"s":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029 \\u003e"}')
    expect(JSON.parse(text)).toEqual(value)
  })

  test('the band is the baseline ÷/× the minor threshold; a line for too few runs; nothing for new tests', () => {
    const [critical, , , , , , insufficient, fresh] = model.verdicts
    if (!critical || !('evidence' in critical)) throw new Error('expected a judged verdict')
    const b = band(critical)!
    expect(b.line).toBe(critical.evidence.baseline)
    expect(b.lo).toBeCloseTo(critical.evidence.baseline / 1.2)
    expect(b.hi).toBeCloseTo(critical.evidence.baseline * 1.2)
    expect(b.label).toContain('÷/× 1.20 (minor threshold)')
    expect(band(insufficient!)).toEqual({ line: 205000, lo: null, hi: null, label: 'median of 2 baseline runs, 205 µs' })
    expect(band(fresh!)).toBeNull()
  })
})

describe('the data behind the charts', () => {
  const d = data(html)
  const byName = (name: string) => d.tests.find((t) => t.name === name)!

  test('runs once each, in time order; each test refers to its own', () => {
    expect(d.schema).toBe(2)
    expect(d.runs.map((r) => r.id)).toEqual([...new Set(d.runs.map((r) => r.id))])
    expect(d.runs.map((r) => r.t)).toEqual([...d.runs.map((r) => r.t)].sort((a, b) => a - b))
    expect(d.runs.at(-1)).toEqual({ id: FIXTURE_RUN_ID, t: Date.parse(model.run.time), m: 'c', c: model.run.git.commit, br: HOSTILE.branch })
    expect(d.runs.filter((r) => r.m === 'b')).toHaveLength(10)
    for (const v of model.verdicts) {
      const t = d.tests.find((x) => x.key === v.key)!
      const points = model.history[v.key]!
      expect(t.r.map((i) => d.runs[i]!.id)).toEqual(points.map((p) => p.run_id))
      expect(t.wall).toEqual(points.map((p) => Number(p.wall_ns.toPrecision(4))))
    }
  })

  test('CPU and memory only for the tests that recorded them', () => {
    expect(d.tests.filter((t) => t.cpu !== null).map((t) => t.name).sort()).toEqual(SPECS.filter((s) => s.metrics).map((s) => s.test.name).sort())
    expect(byName('noisy io').heap).toBeNull()
    expect(byName('steady').rss!.every((x) => x !== null && x > 90e6)).toBe(true)
  })

  test('rings: wall time for a regression (failing or not), another metric only for its own finding', () => {
    expect(byName(HOSTILE.scriptClose).rings).toEqual({ wall: 'fail' })
    expect(byName('steady').rings).toEqual({})
    const withCpu = structuredClone(model)
    const v = withCpu.verdicts.find((x) => x.test.name === 'steady')!
    v.findings = [{ kind: 'metric', metric: 'cpu', unit: 'ns', direction: 'worse', severity: 'minor', gates: true, current: 2, reason: 'cpu 2× slower', failing: false }]
    expect(data(renderHtml(withCpu)).tests.find((t) => t.name === 'steady')!.rings).toEqual({ cpu: 'warn' })
  })

  test("raw samples: this run's and the latest baseline runs' pooled", () => {
    const t = byName('steady')
    expect(t.raw!.cur).toHaveLength(48)
    expect(t.raw!.base).toHaveLength(RAW_BASELINE_RUNS * 48)
    expect(t.raw!.baseLabel).toBe('the last 10 baseline runs')
    expect(byName('fresh & new').raw).toMatchObject({ base: [], baseLabel: 'the last 0 baseline runs' })
    expect(byName('warm cache').raw!.base).toHaveLength(2 * 48)
  })

  test('A/B runs: the per-process ratios and the base commit raw samples', () => {
    const ab = abFixtureModel()
    const d2 = data(renderHtml(ab, { chartLibrary }))
    const slow = d2.tests.find((t) => t.name === 'parse > big')!
    expect(slow.ab!.per).toHaveLength(6)
    expect(slow.ab!.ratio).toBeCloseTo(1.3, 1)
    expect(slow.ab!.lo).toBeLessThan(slow.ab!.ratio)
    expect(slow.raw).toMatchObject({ baseLabel: 'the base commit' })
    expect(slow.raw!.base).toHaveLength(48)
    expect(Math.min(...slow.raw!.cur)).toBeGreaterThan(Math.min(...slow.raw!.base))
    const page = renderHtml(ab, { chartLibrary })
    expect(page.match(/<div class="plot" data-chart="ab">/g)).toHaveLength(2)
    expect(page).toContain('A/B: head/base ratio of each of 6 processes')
  })

  test('links: the commit in the header and the baseline commits, when the repository is known', () => {
    const repo = 'https://github.com/acme/widgets'
    const page = renderHtml(model, { links: { repository: repo } })
    expect(page).toContain(`<div data-meta="commit"><dt>Commit</dt><dd><a class="commit" href="${repo}/commit/0123456789abcdef0123456789abcdef01234567" rel="noreferrer">0123456789ab</a></dd></div>`)
    expect(page.match(/<a class="commit" href="https:\/\/github\.com\/acme\/widgets\/commit\/b\d0+"/g)).toHaveLength(10)
    expect(data(page).repo).toBe(repo)
    expect(data(html).repo).toBeNull()
    expect(html).not.toContain('<a ')
  })
})

describe('load tests: the latency percentiles and the scaling curve', () => {
  const loadModel = loadFixtureModel()
  const page = renderHtml(loadModel, { chartLibrary })
  const d = data(page)
  const byName = (name: string) => d.tests.find((t) => t.name === name)!
  const card = (name: string) => page.split('<article ').find((c) => c.includes(`title="${escapeHtml(name)}"`))!

  test('each run of a load test carries its percentiles; the current run is the last, with the slower p95', () => {
    const t = byName(LOAD_TESTS.steps.name)
    expect(t.load!.lat.map((s) => s.k)).toEqual(['p50', 'p90', 'p95', 'p99', 'max'])
    for (const s of t.load!.lat) expect(s.v).toHaveLength(t.r.length)
    const p95 = t.load!.lat.find((s) => s.k === 'p95')!.v
    expect(p95.at(-1)! / p95[0]!).toBeGreaterThan(2)
    expect(p95.slice(0, -1).every((x) => x !== null && x > 2.8e6 && x < 3.2e6)).toBe(true)
    const row = loadModel.load!.find((r) => r.test.name === LOAD_TESTS.steps.name)!
    expect(t.load!.p95).toBe(Number(row.baseline!.p95_ns!.toPrecision(4)))
    // Values as the store has them, rounded to four digits like the rest of the data.
    const points = loadModel.history[t.key]!
    expect(t.load!.lat[0]!.v).toEqual(points.map((p) => Number(p.latency_ns!.p50.toPrecision(4))))
  })

  test('a test measured at several levels gets its scaling curve against the baseline medians at the same levels', () => {
    const s = byName(LOAD_TESTS.steps.name).load!.scale!
    expect(s.unit).toBe('workers')
    expect(s.x).toEqual([1, 4, 16])
    expect(s.cur[2]! / s.base![2]!).toBeCloseTo(1 / 1.5, 1)
    expect(s.cur[0]! / s.base![0]!).toBeCloseTo(1, 1)
    expect(s.eff[0]).toBe(1)
    expect(s.eff[2]).toBeCloseTo((9000 / 1.5 / 16 / 900), 1)
    expect(s.baseEff![2]).toBeCloseTo(9000 / 16 / 900, 1)
    expect(card(LOAD_TESTS.steps.name)).toContain('<div class="plot" data-chart="scale"></div>')
    expect(card(LOAD_TESTS.steps.name)).toContain("Throughput per level (workers): this run against the baseline&#39;s medians, and efficiency against the first level")
  })

  test('one level: percentiles but no scaling curve; a plain test: no load data and no load charts', () => {
    const single = byName(LOAD_TESTS.single.name)
    expect(single.load!.scale).toBeNull()
    expect(single.load!.lat.map((s) => s.k)).toEqual(['p50', 'p90', 'p95', 'p99', 'max'])
    const charts = (name: string) => [...card(name).matchAll(/data-chart="([a-z]+)"/g)].map((m) => m[1])
    expect(charts(LOAD_TESTS.steps.name)).toEqual(['wall', 'lat', 'scale', 'dist'])
    expect(charts(LOAD_TESTS.single.name)).toEqual(['wall', 'lat', 'dist'])
    const plain = byName(LOAD_TESTS.plain.name)
    expect(plain.load).toBeNull()
    expect(charts(LOAD_TESTS.plain.name)).toEqual(['wall', 'dist'])
    // The fixture without load tests has no load data at all.
    expect(data(html).tests.every((t) => t.load === null)).toBe(true)
    expect(html).not.toMatch(/data-chart="(lat|scale)"/)
  })

  test('the legends name the percentiles and the two sides; the hostile name stays escaped', () => {
    const lat = card(LOAD_TESTS.steps.name)
    for (const k of ['p50', 'p90', 'p95', 'p99', 'max']) expect(lat).toContain(`<span class="sw sw-line sw-${k}" aria-hidden="true"></span>${k}</span>`)
    expect(lat).toContain('baseline p95 (median)')
    expect(lat).toContain('this run (ringed)')
    expect(lat).toContain('this run, calls/s')
    expect(lat).toContain('baseline, efficiency')
    expect(page).toContain('search &lt;b&gt;under&lt;/b&gt; load')
    expect(page).not.toContain('<b>under')
    expect(dataText(page)).toContain('search \\u003cb\\u003eunder\\u003c/b\\u003e load')
  })

  test('the payload stays small: four digits per number, no raw data beyond what the charts draw', () => {
    const t = byName(LOAD_TESTS.steps.name)
    expect(Object.keys(t.load!).sort()).toEqual(['lat', 'p95', 'scale'])
    expect(Object.keys(t.load!.scale!).sort()).toEqual(['base', 'baseEff', 'cur', 'eff', 'unit', 'x'])
    const numbers = JSON.stringify(t.load).match(/-?\d+(\.\d+)?(e[+-]?\d+)?/g)!
    expect(numbers.length).toBeGreaterThan(60)
    expect(numbers.filter((n) => Number(n) !== Number(Number(n).toPrecision(4)))).toEqual([])
  })
})
