/**
 * The load tests of a run in the report model: each one's figures (throughput, latency
 * percentiles, errors), the same figures over its baseline runs, its levels and error
 * messages. Built from the run record and the history the run was judged against. Pure.
 */
import type { TestVerdict } from '../detect/verdict.js'
import type { PerfSample, RunRecord, TestRef } from '../types.js'

/** The figures of one load sample (or the medians of several). */
export interface LoadFigures {
  /** Calls finished per second. */
  throughput: number
  p50_ns: number
  p95_ns?: number
  p99_ns?: number
  /** Calls of the measured phase that finished, failed ones included. */
  calls: number
  errors: number
  /** Percent of those calls that failed. */
  error_rate: number
}

/** One level of a load test. */
export interface LoadLevel {
  /** Workers (closed model), calls per second (open model), virtual users (imports). */
  level: number
  throughput: number
  p95_ns: number
  errors: number
  /** Throughput per unit of level against the first level's. */
  efficiency?: number
}

/** The latency percentiles of one run of a load test, ns (for the dashboard's chart over runs). */
export interface LoadLatencies {
  p50: number
  p90?: number
  p95?: number
  p99?: number
  max?: number
}

/** One level's throughput and efficiency, for the scaling chart (baseline: medians over its runs). */
export interface LoadScalingLevel {
  level: number
  throughput: number
  efficiency?: number
}

/** A load test of the run, for the load sections of the reports. */
export interface LoadRow {
  key: string
  test: TestRef
  /** `closed` or `open`; absent for imported results. */
  model?: 'closed' | 'open'
  /** Whether the test fails the run (from its verdict). */
  failing: boolean
  current: LoadFigures
  /**
   * Medians over the baseline runs its verdict used; absent without any. `levels`: the medians
   * of each level over those of them that measured the same levels as this run, when there are any.
   */
  baseline?: LoadFigures & { runs: number; levels?: LoadScalingLevel[] }
  /** Calls cut off at the end. */
  unfinished: number
  error_messages: { message: string; count: number }[]
  levels: LoadLevel[]
  /**
   * Confirmation runs that re-measured the test: its figures are then those of the latest of
   * them, which the verdict judged as the current run (the first run's are in the history).
   */
  remeasured?: number
}

/** Re-measured tests (confirmation): the sample each was judged on as its current run and the runs that re-measured it, by test key. */
export type JudgedSamples = Readonly<Record<string, { sample: PerfSample; runs: number }>>

/** The p50 a verdict judged when it pooled several runs (a repeat group, confirmation runs): their median. */
export function judgedP50(v: TestVerdict | undefined): number | undefined {
  return v && 'evidence' in v && v.evidence.repeats !== undefined ? v.evidence.current : undefined
}

/** The figures of a load sample; undefined for a sample that is not one. */
export function loadFigures(sample: PerfSample): LoadFigures | undefined {
  const load = sample.load
  if (!load) return undefined
  const m = sample.metrics ?? {}
  const last = load.steps.at(-1)!
  const out: LoadFigures = {
    throughput: m.throughput?.value ?? last.throughput,
    p50_ns: m['latency p50']?.value ?? sample.wall_ns.median,
    calls: last.calls,
    errors: m.errors?.value ?? last.errors,
    error_rate: m['error rate']?.value ?? (last.calls > 0 ? (last.errors / last.calls) * 100 : 0),
  }
  const p95 = m['latency p95']?.value ?? last.latency_ns.p95
  const p99 = m['latency p99']?.value ?? last.latency_ns.p99
  if (p95 !== undefined) out.p95_ns = p95
  if (p99 !== undefined) out.p99_ns = p99
  return out
}

/** The latency percentiles of a load sample; undefined for a sample that is not one. */
export function loadLatencies(sample: PerfSample): LoadLatencies | undefined {
  const load = sample.load
  if (!load) return undefined
  const m = sample.metrics ?? {}
  const last = load.steps.at(-1)!
  const out: LoadLatencies = { p50: m['latency p50']?.value ?? sample.wall_ns.median }
  const p90 = m['latency p90']?.value
  const p95 = m['latency p95']?.value ?? last.latency_ns.p95
  const p99 = m['latency p99']?.value ?? last.latency_ns.p99
  const max = m['latency max']?.value
  if (p90 !== undefined) out.p90 = p90
  if (p95 !== undefined) out.p95 = p95
  if (p99 !== undefined) out.p99 = p99
  if (max !== undefined) out.max = max
  return out
}

/** The levels of baseline samples that measured the same levels as `current`, as medians per level; undefined without any. */
function baselineLevels(current: readonly { level: number }[], past: readonly PerfSample[]): LoadScalingLevel[] | undefined {
  const same = past.map((s) => s.load!.steps).filter((steps) => steps.length === current.length && steps.every((s, i) => s.level === current[i]!.level))
  if (same.length === 0) return undefined
  return current.map((c, i) => {
    const efficiencies = same.map((steps) => steps[i]!.efficiency).filter((e): e is number => e !== undefined)
    return {
      level: c.level,
      throughput: median(same.map((steps) => steps[i]!.throughput)),
      ...(efficiencies.length > 0 ? { efficiency: median(efficiencies) } : {}),
    }
  })
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

function medianFigures(list: readonly LoadFigures[]): LoadFigures & { runs: number } {
  const of = (pick: (f: LoadFigures) => number | undefined) => {
    const values = list.map(pick).filter((v): v is number => v !== undefined)
    return values.length > 0 ? median(values) : undefined
  }
  const out: LoadFigures & { runs: number } = {
    runs: list.length,
    throughput: of((f) => f.throughput)!,
    p50_ns: of((f) => f.p50_ns)!,
    calls: of((f) => f.calls)!,
    errors: of((f) => f.errors)!,
    error_rate: of((f) => f.error_rate)!,
  }
  const p95 = of((f) => f.p95_ns)
  const p99 = of((f) => f.p99_ns)
  if (p95 !== undefined) out.p95_ns = p95
  if (p99 !== undefined) out.p99_ns = p99
  return out
}

/** How many baseline runs a verdict was judged on. */
function baselineRuns(v: TestVerdict | undefined): number {
  if (!v) return 0
  if ('evidence' in v) return v.evidence.baseline_runs
  return v.kind === 'insufficient-data' ? v.baseline_runs : 0
}

/**
 * The load rows of a run, in the order of its results. The baseline figures are the medians over
 * the most recent baseline runs of the same test and machine before this run, as many as its
 * verdict used (so they are the baseline's, without repeating how the detector picked it).
 * A test that confirmation runs re-measured (`judged`) shows the figures its verdict judged:
 * those of the sample judged as the current run, with the pooled p50 when its runs were pooled.
 */
export function buildLoadRows(
  record: RunRecord,
  verdicts: readonly TestVerdict[],
  failing: ReadonlySet<string>,
  history: readonly RunRecord[],
  testKey: (test: TestRef) => string,
  judged: JudgedSamples = {},
): LoadRow[] {
  const rows: LoadRow[] = []
  const byKey = new Map(verdicts.map((v) => [v.key, v]))
  const before = history.filter((r) => r.id !== record.id && r.mode === 'baseline' && Date.parse(r.time) <= Date.parse(record.time)).sort((a, b) => Date.parse(b.time) - Date.parse(a.time))
  for (const r of record.results) {
    const key = testKey(r.test)
    const again = judged[key]?.sample.load ? judged[key] : undefined
    const sample = again?.sample ?? r.sample
    const current = loadFigures(sample)
    const load = sample.load
    if (!current || !load) continue
    const p50 = again ? judgedP50(byKey.get(key)) : undefined
    if (p50 !== undefined) current.p50_ns = p50
    const wanted = baselineRuns(byKey.get(key))
    const past: LoadFigures[] = []
    const pastSamples: PerfSample[] = []
    for (const run of before) {
      if (past.length >= wanted) break
      const match = run.results.find((x) => x.env_key === r.env_key && testKey(x.test) === key)
      const figures = match && loadFigures(match.sample)
      if (figures) {
        past.push(figures)
        pastSamples.push(match.sample)
      }
    }
    const levels = load.steps.length > 1 ? baselineLevels(load.steps, pastSamples) : undefined
    rows.push({
      key,
      test: r.test,
      ...(load.model ? { model: load.model } : {}),
      failing: failing.has(key),
      current,
      ...(past.length > 0 ? { baseline: { ...medianFigures(past), ...(levels ? { levels } : {}) } } : {}),
      unfinished: load.unfinished,
      error_messages: load.error_messages.map((m) => ({ message: m.message, count: m.count })),
      levels: load.steps.map((s) => ({
        level: s.level,
        throughput: s.throughput,
        p95_ns: s.latency_ns.p95,
        errors: s.errors,
        ...(s.efficiency !== undefined ? { efficiency: s.efficiency } : {}),
      })),
      ...(again ? { remeasured: again.runs } : {}),
    })
  }
  return rows
}
