import { formatNs } from '../util/format.js'
import { loadData, type DashboardLoad } from './html-load.js'
import type { HistoryPoint, ReportModel, ReportVerdict } from './model.js'
import type { ReportLinks } from './next-steps.js'

/** Raw samples of this many of the latest baseline runs are pooled for the distribution chart (the history keeps theirs: core/history.ts). */
export const RAW_BASELINE_RUNS = 10

/** A run the charts show: one row of the shared runs table. */
export interface DashboardRun {
  id: string
  /** Milliseconds since 1970. */
  t: number
  /** `b` baseline, `c` compare. */
  m: 'b' | 'c'
  c: string | null
  br: string | null
}

/** The shaded baseline band of the wall-time chart: the baseline line and its no-change range. */
export interface DashboardBand {
  line: number
  lo: number | null
  hi: number | null
  label: string
}

/** Everything the script needs about one test (arrays of the history are aligned with `r`). */
export interface DashboardTest {
  key: string
  name: string
  search: string
  file: number
  kind: ReportVerdict['kind']
  severity: string | null
  ratio: number | null
  worst: number
  failing: boolean
  verdict: string
  /** Indexes into `runs`, oldest first; the current run last. */
  r: number[]
  wall: number[]
  cpu: (number | null)[] | null
  heap: (number | null)[] | null
  rss: (number | null)[] | null
  /** The metrics whose chart rings the current run, and whether that finding fails the run. */
  rings: Record<string, 'fail' | 'warn'>
  band: DashboardBand | null
  /** The current run's raw wall times and those of the latest baseline runs (A/B: the base's), ns. */
  raw: { cur: number[]; base: number[]; baseLabel: string } | null
  /** A/B runs: the head/base ratio of each process, and the interval of the estimate. */
  ab: { per: number[]; lo: number; hi: number; ratio: number } | null
  /** Load tests: latency percentiles over the runs and the levels' throughput; null for other tests. */
  load: DashboardLoad | null
}

export interface DashboardData {
  schema: 2
  run: string
  /** The repository's web page, for commit links; null when not known. */
  repo: string | null
  files: string[]
  runs: DashboardRun[]
  tests: DashboardTest[]
}

/** Four significant digits: the charts need no more, and the page stays small. */
const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : 0)

/** The words shown for a verdict on its card and in tooltips. */
export function verdictText(v: ReportVerdict): string {
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

/** The band of the wall-time chart: baseline ÷/× the minor threshold, or the median of too few baseline runs. */
export function band(v: ReportVerdict): DashboardBand | null {
  if ('evidence' in v) {
    const { baseline, thresholds } = v.evidence
    return { line: baseline, lo: baseline / thresholds.minor, hi: baseline * thresholds.minor, label: `baseline ${formatNs(baseline)} ÷/× ${thresholds.minor.toFixed(2)} (minor threshold)` }
  }
  if (v.kind === 'insufficient-data') return { line: v.baseline, lo: null, hi: null, label: `median of ${v.baseline_runs} baseline run${v.baseline_runs === 1 ? '' : 's'}, ${formatNs(v.baseline)}` }
  return null
}

/** Finding metrics and the chart that shows them. */
const CHART_OF: Record<string, string> = { wall: 'wall', p75: 'wall', p99: 'wall', cpu: 'cpu', heap: 'heap', rss: 'rss' }

/** The charts that ring the current run: wall time for a regression, another metric only for its own finding. */
function rings(v: ReportVerdict): Record<string, 'fail' | 'warn'> {
  const out: Record<string, 'fail' | 'warn'> = {}
  if (v.kind === 'regression') out.wall = v.failing ? 'fail' : 'warn'
  for (const f of v.findings ?? []) {
    const chart = CHART_OF[f.metric]
    if (chart === undefined || f.direction !== 'worse' || f.kind === 'step' || f.kind === 'drift') continue
    if (f.failing || out[chart] === undefined) out[chart] = f.failing ? 'fail' : 'warn'
  }
  return out
}

function metric(points: readonly HistoryPoint[], pick: (p: HistoryPoint) => number | undefined): (number | null)[] | null {
  const values = points.map((p) => {
    const x = pick(p)
    return x === undefined || !Number.isFinite(x) ? null : round(x)
  })
  return values.some((x) => x !== null) ? values : null
}

function raw(model: ReportModel, v: ReportVerdict, points: readonly HistoryPoint[]): DashboardTest['raw'] {
  const cur = points.at(-1)?.run_id === model.run.id ? (points.at(-1)!.raw_wall_ns ?? []) : []
  const base = model.ab
    ? (model.ab.base_raw_wall_ns?.[v.key] ?? [])
    : points.slice(0, -1).filter((p) => p.mode === 'baseline' && p.raw_wall_ns).slice(-RAW_BASELINE_RUNS).flatMap((p) => p.raw_wall_ns!)
  if (cur.length === 0 && base.length === 0) return null
  const runs = model.ab ? 'the base commit' : `the last ${Math.min(RAW_BASELINE_RUNS, points.slice(0, -1).filter((p) => p.mode === 'baseline' && p.raw_wall_ns).length)} baseline runs`
  return { cur: cur.map(round), base: base.map(round), baseLabel: runs }
}

function ab(v: ReportVerdict): DashboardTest['ab'] {
  if (!('evidence' in v) || !v.evidence.ab) return null
  const e = v.evidence
  return { per: e.ab!.per_process.map(round), lo: round(e.interval[0]), hi: round(e.interval[1]), ratio: round(e.ratio) }
}

/**
 * The data embedded in the dashboard for its script, from the model and the verdicts in
 * the page's order. Runs are listed once and referred to by index. Pure.
 */
export function dashboardData(model: ReportModel, verdicts: readonly ReportVerdict[], files: readonly string[], worst: ReadonlyMap<ReportVerdict, number>, links: ReportLinks = {}): DashboardData {
  const runs: DashboardRun[] = []
  const runIndex = new Map<string, number>()
  // Each run once (its first point), then in time order: a thousand tests share a hundred runs.
  const first = new Map<string, HistoryPoint>()
  for (const v of verdicts) for (const p of model.history[v.key] ?? []) if (!first.has(p.run_id)) first.set(p.run_id, p)
  const byTime = [...first.values()].map((p) => ({ p, t: Date.parse(p.time) })).sort((a, b) => a.t - b.t)
  for (const { p, t } of byTime) {
    runIndex.set(p.run_id, runs.length)
    runs.push({ id: p.run_id, t: Number.isFinite(t) ? t : 0, m: p.mode === 'baseline' ? 'b' : 'c', c: p.commit ?? null, br: p.branch ?? null })
  }
  const fileIndex = new Map(files.map((f, i) => [f, i]))
  const loadRows = new Map((model.load ?? []).map((row) => [row.key, row]))
  const tests = verdicts.map((v): DashboardTest => {
    const points = model.history[v.key] ?? []
    return {
      key: v.key,
      name: v.test.name,
      search: v.test.bench !== undefined ? `${v.test.name} ${v.test.bench}` : v.test.name,
      file: fileIndex.get(v.test.file)!,
      kind: v.kind,
      severity: v.kind === 'regression' || v.kind === 'improvement' ? v.severity : null,
      ratio: 'evidence' in v ? v.evidence.ratio : null,
      worst: worst.get(v)!,
      failing: v.failing,
      verdict: verdictText(v),
      r: points.map((p) => runIndex.get(p.run_id)!),
      wall: points.map((p) => round(p.wall_ns)),
      cpu: metric(points, (p) => p.cpu_ns),
      heap: metric(points, (p) => p.heap_used_bytes),
      rss: metric(points, (p) => p.rss_bytes),
      rings: rings(v),
      band: band(v),
      raw: raw(model, v, points),
      ab: ab(v),
      load: loadData(loadRows.get(v.key), points),
    }
  })
  return { schema: 2, run: model.run.id, repo: links.repository ?? null, files: [...files], runs, tests }
}
