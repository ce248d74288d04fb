import { formatBytes, formatChange, formatInterval, formatNs, formatRatio } from '../util/format.js'
import { band, chartSvg, escapeHtml, legendSvg, type Metric } from './html-chart.js'
import { DASHBOARD_SCRIPT } from './html-script.js'
import { DASHBOARD_STYLE } from './html-style.js'
import { worstFirst, type HistoryPoint, type ReportModel, type ReportVerdict } from './model.js'

export interface HtmlOptions {
  /** Page title and heading. @default 'perf-regression dashboard' */
  title?: string
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

function verdictText(v: ReportVerdict): string {
  switch (v.kind) {
    case 'regression':
    case 'improvement':
      return `${v.kind} (${v.severity})`
    case 'insufficient-data':
      return `insufficient data (${v.baseline_runs}/${v.required})`
    case 'new':
      return 'new (no baseline)'
    default:
      return v.kind
  }
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

const METRICS: Metric[] = [
  { label: 'CPU', pick: (p) => p.cpu_ns, format: formatNs },
  { label: 'Heap', pick: (p) => p.heap_used_bytes, format: formatBytes },
  { label: 'RSS', pick: (p) => p.rss_bytes, format: formatBytes },
]
const WALL: Metric = { label: 'Wall time', pick: (p) => p.wall_ns, format: formatNs }

function header(model: ReportModel, title: string): string {
  const { run } = model
  const env = run.env
  const establishing = run.mode === 'establish'
  const status = establishing
    ? '<span class="status establish">baseline run recorded</span>'
    : model.failed
      ? `<span class="status fail">failed: ${model.failing.length} regression${model.failing.length === 1 ? '' : 's'} at or above ${escapeHtml(model.fail_on)}</span>`
      : '<span class="status pass">passed</span>'
  const environment = `${env.cpu_model} ×${env.cpu_count} · ${env.os}/${env.arch} · Node ${env.node_version}${env.ci ? ` · CI: ${env.ci}` : ''}`
  const meta: [string, string, string][] = [
    ['run', 'Run', run.id],
    ['time', 'Time', showTime(run.time)],
    ['commit', 'Commit', run.git.commit ? run.git.commit.slice(0, 12) : '—'],
    ['branch', 'Branch', run.git.branch ?? '—'],
    [
      'mode',
      'Mode',
      establishing
        ? 'establish (recording a baseline)'
        : model.ab
          ? `A/B against base ${model.ab.base_commit.slice(0, 12)} (${model.ab.base_ref}), ${model.ab.design === 'paired' ? 'paired rounds in one process' : 'interleaved fresh processes'} (fails on ${model.fail_on})`
          : `compare (fails on ${model.fail_on})`,
    ],
    ['env', 'Environment', environment],
  ]
  if (model.baseline_commits.length > 0 && !model.ab) meta.push(['baseline-commits', 'Baseline commits', model.baseline_commits.map((c) => c.slice(0, 8)).join(', ')])
  meta.push(['store', 'Store', model.store])
  const dl = meta.map(([key, dt, dd]) => `<div data-meta="${key}"><dt>${dt}</dt><dd>${escapeHtml(dd)}</dd></div>`).join('')
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

function card(v: ReportVerdict, i: number, points: readonly HistoryPoint[]): string {
  const t = v.test
  const tags = [t.bench !== undefined ? `<span class="tag" data-tag="bench">${escapeHtml(t.bench)}</span>` : '', t.project ? `<span class="tag" data-tag="project">${escapeHtml(t.project)}</span>` : ''].join('')
  const b = band(v)
  const wall = chartSvg(points, WALL, { width: 320, height: 120, axes: true, band: b })
  const minis = METRICS.filter((m) => points.some((p) => m.pick(p) !== undefined)).map((m) => {
    const last = [...points].reverse().map(m.pick).find((x) => x !== undefined)
    const caption = `${m.label} ${last === undefined ? '' : m.format(last)}`
    return `<figure class="mini" data-metric="${m.label.toLowerCase()}"><figcaption>${escapeHtml(caption)}</figcaption>${chartSvg(points, m, { width: 110, height: 40, axes: false })}</figure>`
  })
  const caption = `Wall time per iteration over ${points.length} run${points.length === 1 ? '' : 's'}${b ? `; band: ${b.label}` : ''}`
  return (
    `<article class="card ${verdictClasses(v)}" data-i="${i}" data-kind="${v.kind}">` +
    `<div class="card-top"><span class="file mono" title="${escapeHtml(t.file)}">${escapeHtml(t.file)}</span><span class="badge ${verdictClasses(v)}">${escapeHtml(verdictText(v))}</span></div>` +
    `<h3 class="name" title="${escapeHtml(t.name)}">${escapeHtml(t.name)}</h3>${tags}` +
    numbers(v) +
    `<figure class="wall"><figcaption>${escapeHtml(caption)}</figcaption>${wall}</figure>` +
    (minis.length ? `<div class="minis">${minis.join('')}</div>` : '') +
    `<p class="reason">${escapeHtml(v.reason)}</p>` +
    (v.findings ?? []).map((f) => `<p class="reason finding f-${f.direction}">${escapeHtml(f.reason)}</p>`).join('') +
    '</article>'
  )
}

/**
 * Renders the report model as one self-contained HTML page: no network access,
 * charts as inline SVG, a small inline script for search, filters and sorting.
 * Every string from the model is escaped; the script's data is JSON that cannot
 * close its element. Pure: the same model gives the same page.
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
  const tests = verdicts.map((v) => ({
    key: v.key,
    name: v.test.name,
    search: v.test.bench !== undefined ? `${v.test.name} ${v.test.bench}` : v.test.name,
    file: fileIndex.get(v.test.file)!,
    kind: v.kind,
    severity: v.kind === 'regression' || v.kind === 'improvement' ? v.severity : null,
    ratio: 'evidence' in v ? v.evidence.ratio : null,
    worst: worst.get(v)!,
    failing: v.failing,
  }))
  const data = { schema: 1, run: model.run.id, files, tests }
  const body: string[] = []
  verdicts.forEach((v, i) => {
    if (i === 0 || verdicts[i - 1]!.test.file !== v.test.file) {
      body.push(`<h2 class="file-head mono" data-f="${fileIndex.get(v.test.file)!}">${escapeHtml(v.test.file)}</h2>`)
    }
    body.push(card(v, i, model.history[v.key] ?? []))
  })
  const legend =
    `<div class="legend">${legendSvg('pt pt-baseline')} baseline run ${legendSvg('pt pt-compare')} compare run ` +
    `${legendSvg('pt flagged')} flagged (failing regression) <span>Green band: the baseline ÷/× the minor threshold — runs inside it are too close to the baseline to be judged a change.</span></div>`
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${DASHBOARD_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${DASHBOARD_STYLE}</style></head><body>`,
    header(model, title),
    summary(verdicts),
    controls(files),
    legend,
    '<main>',
    verdicts.length === 0 ? '<p class="empty">No tests in this run.</p>' : '',
    `<p id="none" class="empty" hidden>No test matches the search and filters.</p>`,
    `<div id="cards">${body.join('')}</div>`,
    '</main>',
    `<script type="application/json" id="perf-data">${jsonForScript(data)}</script>`,
    `<script>${DASHBOARD_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n')
}
