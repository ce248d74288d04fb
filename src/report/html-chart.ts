import type { TestVerdict } from '../detect/verdict.js'
import { formatNs } from '../util/format.js'
import type { HistoryPoint } from './model.js'

/** One metric of a history point, with its formatting. */
export interface Metric {
  label: string
  pick: (p: HistoryPoint) => number | undefined
  format: (value: number) => string
}

/** The shaded baseline band (and line) of a wall-time chart. */
export interface Band {
  /** Drawn as a dashed line: the baseline value. */
  line: number
  /** The shaded range, when there is one. */
  range?: [number, number]
  label: string
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\u0000': '\uFFFD' }

/** Escapes text for HTML (and inline SVG) element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"'\u0000]/g, (c) => ENTITIES[c]!)
}
const esc = escapeHtml
const num = (n: number) => (Math.round(n * 10) / 10).toString()


/**
 * The band drawn behind a test's wall times. For a judged test: the baseline
 * (median of the baseline run medians, on a log scale) divided and multiplied by
 * the test's `minor` threshold — the ratios the detector calls neither a
 * regression nor an improvement. For a test with too few baseline runs: only the
 * line at their median. Nothing for a new test.
 */
export function band(v: TestVerdict): Band | undefined {
  if ('evidence' in v) {
    const { baseline, thresholds } = v.evidence
    return {
      line: baseline,
      range: [baseline / thresholds.minor, baseline * thresholds.minor],
      label: `baseline ${formatNs(baseline)} ÷/× ${thresholds.minor.toFixed(2)} (minor threshold)`,
    }
  }
  if (v.kind === 'insufficient-data') {
    return { line: v.baseline, label: `median of ${v.baseline_runs} baseline run${v.baseline_runs === 1 ? '' : 's'}, ${formatNs(v.baseline)}` }
  }
  return undefined
}

function pointTitle(p: HistoryPoint, value: number, metric: Metric): string {
  const parts = [p.time, p.mode === 'baseline' ? 'baseline run' : 'compare run', `${metric.label} ${metric.format(value)}`]
  if (p.commit) parts.push(`commit ${p.commit.slice(0, 8)}`)
  if (p.flagged) parts.push('flagged: failing regression')
  return parts.join(' · ')
}

/**
 * An inline SVG line chart of one metric over a test's runs, evenly spaced,
 * oldest left. Baseline runs are filled blue dots, compare runs hollow orange
 * dots, flagged runs red dots with a ring; the current (last) run is outlined.
 */
export function chartSvg(points: readonly HistoryPoint[], metric: Metric, opts: { width: number; height: number; axes: boolean; band?: Band | undefined }): string {
  const { width: w, height: h, axes } = opts
  const values = points.map(metric.pick)
  const present = values.filter((x): x is number => x !== undefined && Number.isFinite(x))
  const aria = `${metric.label} over ${points.length} run${points.length === 1 ? '' : 's'}`
  const open = `<svg class="chart${axes ? '' : ' mini-chart'}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(aria)}">`
  if (present.length === 0) return `${open}<text class="axis" x="${w / 2}" y="${h / 2}" text-anchor="middle">no data</text></svg>`
  const left = axes ? 48 : 4
  const right = axes ? 8 : 4
  const top = axes ? 8 : 5
  const bottom = axes ? 16 : 5
  const domain = [...present]
  if (opts.band) domain.push(opts.band.line, ...(opts.band.range ?? []))
  let lo = Math.min(...domain)
  let hi = Math.max(...domain)
  const pad = hi > lo ? (hi - lo) * 0.08 : Math.abs(hi) * 0.05 || 1
  lo -= pad
  hi += pad
  if (lo < 0 && Math.min(...domain) >= 0) lo = 0
  const x = (i: number) => (points.length === 1 ? left + (w - left - right) / 2 : left + (i * (w - left - right)) / (points.length - 1))
  const y = (v: number) => top + ((hi - v) / (hi - lo)) * (h - top - bottom)
  const parts: string[] = [open]
  if (axes) {
    parts.push(`<line class="grid" x1="${left}" x2="${w - right}" y1="${top}" y2="${top}"/><line class="grid" x1="${left}" x2="${w - right}" y1="${h - bottom}" y2="${h - bottom}"/>`)
    parts.push(`<text class="axis" x="${left - 4}" y="${top + 3}" text-anchor="end">${esc(metric.format(hi))}</text>`)
    parts.push(`<text class="axis" x="${left - 4}" y="${h - bottom + 3}" text-anchor="end">${esc(metric.format(lo))}</text>`)
    // Dates, or month-day and time (UTC) when the runs span less than two days.
    const t0 = points[0]!.time
    const t1 = points[points.length - 1]!.time
    const short = Math.abs(Date.parse(t1) - Date.parse(t0)) < 2 * 86_400_000
    const at = (t: string) => (short && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(t) ? `${t.slice(5, 10)} ${t.slice(11, 16)}` : t.slice(0, 10))
    const first = at(t0)
    const last = at(t1)
    parts.push(`<text class="axis" x="${left}" y="${h - 3}" text-anchor="start">${esc(first)}</text>`)
    if (points.length > 1) parts.push(`<text class="axis" x="${w - right}" y="${h - 3}" text-anchor="end">${esc(last)}</text>`)
  }
  if (opts.band) {
    const b = opts.band
    if (b.range) {
      const y1 = y(b.range[1])
      parts.push(`<rect class="band" x="${left}" y="${num(y1)}" width="${w - left - right}" height="${num(y(b.range[0]) - y1)}"><title>${esc(b.label)}</title></rect>`)
    }
    parts.push(`<line class="base-line" x1="${left}" x2="${w - right}" y1="${num(y(b.line))}" y2="${num(y(b.line))}"><title>${esc(b.label)}</title></line>`)
  }
  const coords = values.map((v, i) => (v === undefined || !Number.isFinite(v) ? undefined : { i, v, cx: num(x(i)), cy: num(y(v)) }))
  const drawn = coords.filter((c): c is NonNullable<typeof c> => c !== undefined)
  if (drawn.length > 1) parts.push(`<polyline class="trend" points="${drawn.map((c) => `${c.cx},${c.cy}`).join(' ')}"/>`)
  const r = axes ? 3.2 : 2.2
  for (const c of drawn) {
    const p = points[c.i]!
    const current = c.i === points.length - 1
    const cls = `pt ${p.mode === 'baseline' ? 'pt-baseline' : 'pt-compare'}${p.flagged ? ' flagged' : ''}${current ? ' current' : ''}`
    if (p.flagged) parts.push(`<circle class="flag-ring" cx="${c.cx}" cy="${c.cy}" r="${num(r * 2)}"/>`)
    parts.push(`<circle class="${cls}" cx="${c.cx}" cy="${c.cy}" r="${p.flagged ? num(r * 1.3) : r}" data-run="${esc(p.run_id)}"><title>${esc(pointTitle(p, c.v, metric))}</title></circle>`)
  }
  parts.push('</svg>')
  return parts.join('')
}

/** A small dot for the legend, styled like the chart points. */
export function legendSvg(cls: string): string {
  return `<svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><circle class="${cls}" cx="6" cy="6" r="4"/></svg>`
}
