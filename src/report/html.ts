import { formatChange, formatInterval, formatNs, formatRatio } from '../util/format.js'
import { dashboardData, type DashboardTest } from './html-data.js'
import { escapeHtml } from './html-escape.js'
import { loadFiguresHtml } from './html-load.js'
import { DASHBOARD_SCRIPT } from './html-script.js'
import { DASHBOARD_STYLE } from './html-style.js'
import { worstFirst, type ReportModel, type ReportVerdict } from './model.js'
import { commitUrl, type ReportLinks } from './next-steps.js'

/** The chart library's script and stylesheet (uPlot's), inlined into the page. */
export interface ChartLibrary {
  script: string
  style: string
}

export interface HtmlOptions {
  /** Page title and heading. @default 'perf-regression dashboard' */
  title?: string
  /** uPlot, read by the caller; without it the page has no charts and says so. */
  chartLibrary?: ChartLibrary
  /** Where commits can be linked. */
  links?: ReportLinks
}

/** The page's Content Security Policy: nothing is loaded from anywhere, only the inline style and script run. */
export const DASHBOARD_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

export { escapeHtml }

/**
 * JSON for a `<script type="application/json">` element: `<`, `>`, `&`, U+2028 and
 * U+2029 are written as \\u escapes, so no string in it can close the element.
 */
export function jsonForScript(value: object): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** `2025-06-01T12:00:00.000Z` → `2025-06-01 12:00 UTC`; anything else is shown as it is. */
function showTime(iso: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?Z$/.exec(iso)
  return m ? `${m[1]} ${m[2]} UTC` : iso
}

/**
 * Library text for a `<style>` or `<script>` element: a closing tag or a comment opener
 * inside it (uPlot has none) is broken with a backslash, which CSS and JavaScript read
 * the same way inside strings and regular expressions, where such text can only be.
 */
function inertIn(element: 'style' | 'script', text: string): string {
  return text.replace(new RegExp(`</(${element})`, 'gi'), '<\\/$1').replace(/<!--/g, '<\\!--')
}

/** CSS classes of a verdict: `v-<kind>` and, for regressions and improvements, `s-<severity>`. */
function verdictClasses(v: ReportVerdict): string {
  return `v-${v.kind}${v.kind === 'regression' || v.kind === 'improvement' ? ` s-${v.severity}` : ''}`
}

const SUMMARY: { filter: string; label: string; match: (v: ReportVerdict) => boolean }[] = [
  { filter: 'all', label: 'Tests', match: () => true },
  ...(['critical', 'moderate', 'minor'] as const).map((s) => ({
    filter: `regression:${s}`,
    label: `${s[0]!.toUpperCase()}${s.slice(1)} regressions`,
    match: (v: ReportVerdict) => v.kind === 'regression' && v.severity === s,
  })),
  { filter: 'improvement', label: 'Improvements', match: (v) => v.kind === 'improvement' },
  { filter: 'unchanged', label: 'Unchanged', match: (v) => v.kind === 'unchanged' },
  { filter: 'inconclusive', label: 'Inconclusive', match: (v) => v.kind === 'inconclusive' },
  { filter: 'insufficient-data', label: 'Insufficient data', match: (v) => v.kind === 'insufficient-data' },
  { filter: 'new', label: 'New', match: (v) => v.kind === 'new' },
]

const VERDICT_OPTIONS: [string, string][] = [
  ['all', 'All verdicts'],
  ['failing', 'Failing the run'],
  ['regression', 'Regressions (any)'],
  ['regression:critical', 'Regressions: critical'],
  ['regression:moderate', 'Regressions: moderate'],
  ['regression:minor', 'Regressions: minor'],
  ['improvement', 'Improvements'],
  ['unchanged', 'Unchanged'],
  ['inconclusive', 'Inconclusive'],
  ['insufficient-data', 'Insufficient data'],
  ['new', 'New'],
]

/** A commit as a link to its page when the repository is known, else as text. */
function commitHtml(commit: string, links: ReportLinks, length: number): string {
  const url = commitUrl(links, commit)
  const text = escapeHtml(commit.slice(0, length))
  return url ? `<a class="commit" href="${escapeHtml(url)}" rel="noreferrer">${text}</a>` : text
}

function header(model: ReportModel, title: string, links: ReportLinks): string {
  const { run } = model
  const env = run.env
  const establishing = run.mode === 'establish'
  const status = establishing
    ? '<span class="status establish">baseline run recorded</span>'
    : model.failed
      ? `<span class="status fail">failed: ${model.failing.length} regression${model.failing.length === 1 ? '' : 's'} at or above ${escapeHtml(model.fail_on)}</span>`
      : '<span class="status pass">passed</span>'
  const environment = `${env.cpu_model} ×${env.cpu_count} · ${env.os}/${env.arch} · Node ${env.node_version}${env.ci ? ` · CI: ${env.ci}` : ''}`
  // The third item of each entry is HTML: escaped text, or links made from checked addresses.
  const meta: [string, string, string][] = [
    ['run', 'Run', escapeHtml(run.id)],
    ['time', 'Time', escapeHtml(showTime(run.time))],
    ['commit', 'Commit', run.git.commit ? commitHtml(run.git.commit, links, 12) : '—'],
    ['branch', 'Branch', escapeHtml(run.git.branch ?? '—')],
    [
      'mode',
      'Mode',
      escapeHtml(
        establishing
          ? 'establish (recording a baseline)'
          : model.ab
            ? `A/B against base ${model.ab.base_commit.slice(0, 12)} (${model.ab.base_ref}), ${model.ab.design === 'paired' ? 'paired rounds in one process' : 'interleaved fresh processes'} (fails on ${model.fail_on})`
            : `compare (fails on ${model.fail_on})`,
      ),
    ],
    ['env', 'Environment', escapeHtml(environment)],
  ]
  if (model.baseline_commits.length > 0 && !model.ab) meta.push(['baseline-commits', 'Baseline commits', model.baseline_commits.map((c) => commitHtml(c, links, 8)).join(', ')])
  meta.push(['store', 'Store', escapeHtml(model.store)])
  const dl = meta.map(([key, dt, dd]) => `<div data-meta="${key}"><dt>${dt}</dt><dd>${dd}</dd></div>`).join('')
  const warnings = model.warnings.length
    ? `<ul class="warnings">${model.warnings.map((w) => `<li>${escapeHtml(`${w.file}:${w.line}: ${w.message}`)}</li>`).join('')}</ul>`
    : ''
  return `<header><h1><span>${escapeHtml(title)}</span>${status}</h1><dl class="meta">${dl}</dl>${warnings}</header>`
}

function summary(verdicts: readonly ReportVerdict[]): string {
  const tiles = SUMMARY.map(({ filter, label, match }) => {
    const n = verdicts.filter(match).length
    const [kind, severity] = filter.split(':')
    const cls = `tile k-${kind}${severity ? ` s-${severity}` : ''}${n === 0 ? ' zero' : ''}`
    return `<button type="button" class="${cls}" data-filter="${filter}"><span class="n">${n}</span><span class="l">${label}</span></button>`
  })
  return `<section class="summary" aria-label="Summary by verdict">${tiles.join('')}</section>`
}

function controls(files: readonly string[]): string {
  const fileOptions = files.map((f, i) => `<option value="${i}">${escapeHtml(f)}</option>`).join('')
  const verdictOptions = VERDICT_OPTIONS.map(([value, text]) => `<option value="${value}">${text}</option>`).join('')
  return (
    '<nav class="controls">' +
    '<input id="q" type="search" placeholder="Search test names…" aria-label="Search test names" autocomplete="off">' +
    `<label>File <select id="f-file"><option value="all">All files</option>${fileOptions}</select></label>` +
    `<label>Verdict <select id="f-verdict">${verdictOptions}</select></label>` +
    '<label>Sort <select id="sort"><option value="file">By file</option><option value="worst">Worst first</option>' +
    '<option value="ratio">Ratio (highest first)</option><option value="name">Name</option></select></label>' +
    '<span class="chart-controls"><label>X axis <select id="x-axis"><option value="time">Time</option><option value="run">Runs (commits)</option></select></label>' +
    '<label>Range <select id="range"><option value="all">All runs</option><option value="runs:50">Last 50 runs</option><option value="runs:20">Last 20 runs</option>' +
    '<option value="runs:10">Last 10 runs</option><option value="days:30">Last 30 days</option><option value="days:7">Last 7 days</option></select></label>' +
    '<label><input id="log" type="checkbox"> Log scale</label><button type="button" id="reset-zoom">Reset zoom</button></span>' +
    '<span id="shown"></span></nav>'
  )
}

function numbers(v: ReportVerdict): string {
  if ('evidence' in v) {
    const e = v.evidence
    return (
      `<div class="nums"><span class="ratio">${formatRatio(e.ratio)}</span><span class="chg">${formatChange(e.ratio)}</span>` +
      `<span class="ival">${Math.round(e.confidence * 100)}% interval ${formatInterval(e.interval)}</span></div>` +
      `<div class="vals">baseline ${formatNs(e.baseline)} (${e.baseline_runs} run${e.baseline_runs === 1 ? '' : 's'}) → current ${formatNs(e.current)}</div>`
    )
  }
  if (v.kind === 'insufficient-data') {
    return (
      `<div class="nums"><span class="ratio">${formatRatio(v.current / v.baseline)}</span><span class="ival">not judged: ${v.baseline_runs} of ${v.required} baseline runs</span></div>` +
      `<div class="vals">baseline ${formatNs(v.baseline)} → current ${formatNs(v.current)}</div>`
    )
  }
  return `<div class="nums"><span class="ratio">—</span><span class="ival">no baseline yet</span></div><div class="vals">current ${formatNs(v.current)}</div>`
}

const CHARTS: { id: string; label: string }[] = [
  { id: 'cpu', label: 'CPU time per iteration' },
  { id: 'heap', label: 'Heap in use' },
  { id: 'rss', label: 'Resident set size' },
]

function figure(id: string, caption: string, extra = ''): string {
  return `<figure class="plot-fig f-${id}"${extra}><figcaption>${escapeHtml(caption)}</figcaption><div class="plot" data-chart="${id}"></div></figure>`
}

function card(v: ReportVerdict, i: number, data: DashboardTest, ab: boolean): string {
  const t = v.test
  const tags = [t.bench !== undefined ? `<span class="tag" data-tag="bench">${escapeHtml(t.bench)}</span>` : '', t.project ? `<span class="tag" data-tag="project">${escapeHtml(t.project)}</span>` : ''].join('')
  const runs = data.r.length
  const wallCaption = `Wall time per iteration, ${runs} run${runs === 1 ? '' : 's'}${data.band ? ` · band: ${data.band.label}` : ''}`
  const metrics = CHARTS.filter((c) => data[c.id as 'cpu' | 'heap' | 'rss'] !== null).map((c) => figure(c.id, c.label))
  const dist = data.raw
    ? figure(
        'dist',
        ab
          ? "This run's iterations (head) against the base commit's, as shares by wall time"
          : data.raw.base.length === 0
            ? "This run's iterations (no baseline run yet), as shares by wall time"
            : `This run's iterations against ${data.raw.baseLabel}, as shares by wall time`,
      )
    : ''
  const abChart = data.ab ? figure('ab', `A/B: head/base ratio of each of ${data.ab.per.length} process${data.ab.per.length === 1 ? '' : 'es'}, with the ${formatInterval([data.ab.lo, data.ab.hi])} interval`) : ''
  return (
    `<article class="card ${verdictClasses(v)}" data-i="${i}" data-kind="${v.kind}">` +
    `<div class="card-top"><span class="file mono" title="${escapeHtml(t.file)}">${escapeHtml(t.file)}</span><span class="badge ${verdictClasses(v)}">${escapeHtml(data.verdict)}</span></div>` +
    `<h3 class="name" title="${escapeHtml(t.name)}">${escapeHtml(t.name)}</h3>${tags}` +
    numbers(v) +
    figure('wall', wallCaption) +
    (metrics.length ? `<div class="minis">${metrics.join('')}</div>` : '') +
    (data.load ? loadFiguresHtml(data.load, runs) : '') +
    abChart +
    dist +
    '<p class="sel" hidden></p>' +
    `<p class="reason">${escapeHtml(v.reason)}</p>` +
    (v.findings ?? []).map((f) => `<p class="reason finding f-${f.direction}">${escapeHtml(f.reason)}</p>`).join('') +
    '</article>'
  )
}

/**
 * Renders the report model as one self-contained HTML page: no network access; the
 * charts are drawn by uPlot (inlined from `options.chartLibrary`) and a small inline
 * script, which also searches, filters and sorts. Every string from the model is
 * escaped; the script's data is JSON that cannot close its element, and the script
 * puts text on the page with textContent only. Pure: the same input gives the same page.
 */
export function renderHtml(model: ReportModel, options: HtmlOptions = {}): string {
  const title = options.title ?? 'perf-regression dashboard'
  const verdicts = [...model.verdicts].sort(
    (a, b) => cmp(a.test.file, b.test.file) || cmp(a.test.name, b.test.name) || cmp(a.test.bench ?? '', b.test.bench ?? '') || cmp(a.test.project, b.test.project) || cmp(a.key, b.key),
  )
  const files = [...new Set(verdicts.map((v) => v.test.file))]
  const fileIndex = new Map(files.map((f, i) => [f, i]))
  const position = new Map(verdicts.map((v, i) => [v, i]))
  const worst = new Map(
    [...verdicts].sort((a, b) => worstFirst(a, b) || position.get(a)! - position.get(b)!).map((v, i) => [v, i]),
  )
  const links = options.links ?? {}
  const data = dashboardData(model, verdicts, files, worst, links)
  const body: string[] = []
  verdicts.forEach((v, i) => {
    if (i === 0 || verdicts[i - 1]!.test.file !== v.test.file) {
      body.push(`<h2 class="file-head mono" data-f="${fileIndex.get(v.test.file)!}">${escapeHtml(v.test.file)}</h2>`)
    }
    body.push(card(v, i, data.tests[i]!, model.ab !== undefined))
  })
  const key = (cls: string, text: string) => `<span class="key"><span class="sw ${cls}" aria-hidden="true"></span>${text}</span>`
  const legend =
    `<div class="legend">${key('sw-baseline', 'baseline run')}${key('sw-compare', 'compare run')}${key('sw-current', 'this run')}` +
    `${key('sw-ring', 'ring: a finding of this run on that metric (red: fails the run)')}${key('sw-band', 'baseline ÷/× the minor threshold (no change inside it)')}` +
    '<span class="key">Drag across a chart to zoom, double-click to reset; click a point for its run.</span></div>'
  const lib = options.chartLibrary
  const lines = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${DASHBOARD_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(title)}</title>`,
    lib ? `<style>${inertIn('style', lib.style)}</style>` : '',
    `<style>${DASHBOARD_STYLE}</style>`,
    '</head><body>',
    header(model, title, links),
    summary(verdicts),
    controls(files),
    legend,
    lib ? '' : '<p class="warnings no-charts">This page was rendered without its chart library, so it shows no charts.</p>',
    '<main>',
    verdicts.length === 0 ? '<p class="empty">No tests in this run.</p>' : '',
    `<p id="none" class="empty" hidden>No test matches the search and filters.</p>`,
    `<div id="cards">${body.join('')}</div>`,
    '</main>',
    `<script type="application/json" id="perf-data">${jsonForScript(data)}</script>`,
    lib ? `<script>${inertIn('script', lib.script)}</script>` : '',
    `<script>${DASHBOARD_SCRIPT}</script>`,
    '</body></html>',
  ]
  return `${lines.filter((line) => line !== '').join('\n')}\n`
}
