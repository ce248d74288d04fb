/**
 * The cells and notes of a load test in the reports, shared by the terminal and Markdown
 * renderers. Texts from the store (error messages) come out as they are: each renderer makes
 * them safe for where it prints them.
 */
import { formatNs, formatRatio } from '../util/format.js'
import type { LoadFigures, LoadRow } from './load-model.js'

/** Calls per second with three significant digits: `812/s`, `1.60k/s`, `2.10M/s`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return String(perSecond)
  const [value, suffix] = perSecond >= 999_500 ? [perSecond / 1e6, 'M'] : perSecond >= 999.5 ? [perSecond / 1e3, 'k'] : [perSecond, '']
  const abs = Math.abs(value)
  return `${value.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2)}${suffix}/s`
}

/** A percentage with up to two decimals: `0%`, `1.2%`, `0.05%`. */
export function formatShare(percent: number): string {
  return `${Number(percent.toFixed(percent >= 10 ? 1 : 2))}%`
}

/** The columns of the load tables and the metric each shows (for its finding). */
export const LOAD_COLUMNS = [
  { title: 'Throughput', metric: 'throughput' },
  { title: 'p50', metric: 'latency p50' },
  { title: 'p95', metric: 'latency p95' },
  { title: 'p99', metric: 'latency p99' },
  { title: 'Errors', metric: 'error rate' },
] as const

/** The cells of one set of figures, in the order of `LOAD_COLUMNS`. */
export function figureCells(f: LoadFigures): string[] {
  const ns = (v: number | undefined) => (v === undefined ? '—' : formatNs(v))
  return [formatRate(f.throughput), formatNs(f.p50_ns), ns(f.p95_ns), ns(f.p99_ns), `${Math.round(f.errors)} (${formatShare(f.error_rate)})`]
}

/** current / baseline of each column (none for errors, which are judged by their limit). */
export function ratioCells(row: LoadRow): string[] {
  const b = row.baseline
  const ratio = (now: number | undefined, then: number | undefined) => (now !== undefined && then !== undefined && then > 0 ? formatRatio(now / then) : '—')
  if (!b) return []
  const c = row.current
  return [ratio(c.throughput, b.throughput), ratio(c.p50_ns, b.p50_ns), ratio(c.p95_ns, b.p95_ns), ratio(c.p99_ns, b.p99_ns), '']
}

/** Lines under a load test's figures: where re-measured figures come from, its levels, its error messages, calls cut off. */
export function loadNotes(row: LoadRow): string[] {
  const out: string[] = []
  if (row.remeasured !== undefined) {
    const n = row.remeasured
    out.push(`re-measured in ${n} fresh process${n === 1 ? '' : 'es'}: figures of ${n === 1 ? 'it' : 'the last'}, as judged`)
  }
  if (row.levels.length > 1) {
    const unit = row.model === 'open' ? '/s' : ''
    const levels = row.levels.map((l, i) => `${l.level}${unit} → ${formatRate(l.throughput)}${i > 0 && l.efficiency !== undefined ? ` (${Math.round(l.efficiency * 100)}% efficiency)` : ''}`)
    out.push(`levels: ${levels.join(', ')}`)
  }
  if (row.error_messages.length > 0) {
    const shown = row.error_messages.map((m) => `${JSON.stringify(m.message)} ×${m.count}`)
    const listed = row.error_messages.reduce((sum, m) => sum + m.count, 0)
    const others = Math.round(row.current.errors) - listed
    out.push(`errors: ${shown.join(', ')}${others > 0 ? `, and ${others} more of other kinds` : ''}`)
  }
  if (row.unfinished > 0) out.push(`${row.unfinished} call${row.unfinished === 1 ? ' was' : 's were'} still running at the end and cut off`)
  return out
}

/** How the load test ran, in words: `closed model, 16 workers`, `open model, 200 calls/s`. */
export function modelText(row: LoadRow): string {
  const level = row.levels.at(-1)?.level
  if (row.model === 'closed') return `closed model, ${level} worker${level === 1 ? '' : 's'}`
  if (row.model === 'open') return `open model, ${level} calls/s`
  return `imported, ${level} virtual user${level === 1 ? '' : 's'}`
}
