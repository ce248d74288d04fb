import { testKey } from '../detect/identity.js'
import { failureReasons, findingFails, type Finding, type TestVerdict } from '../detect/verdict.js'
import type { BaselineMode, EnvInfo, GitInfo, RunnerInfo, RunRecord, Severity, TestRef } from '../types.js'
import { buildLoadRows, judgedP50, loadFigures, loadLatencies, type JudgedSamples, type LoadLatencies, type LoadRow } from './load-model.js'

export type { JudgedSamples, LoadFigures, LoadLatencies, LoadLevel, LoadRow, LoadScalingLevel } from './load-model.js'

export const REPORT_SCHEMA_VERSION = 1

/** One earlier (or the current) run of a test, for charts and sparklines. */
export interface HistoryPoint {
  run_id: string
  /** ISO 8601. */
  time: string
  mode: 'baseline' | 'compare'
  commit?: string
  branch?: string
  /** Median wall time per iteration, ns. */
  wall_ns: number
  cpu_ns?: number
  heap_used_bytes?: number
  rss_bytes?: number
  /** The run's stored raw wall times per iteration (a bounded, evenly spaced subset), ns. */
  raw_wall_ns?: number[]
  /** Load tests: calls finished per second, the p95 latency (ns) and the error rate (%). */
  throughput?: number
  latency_p95_ns?: number
  error_rate?: number
  /** Load tests: the latency percentiles, ns (p90 and max only when the sample has them). */
  latency_ns?: LoadLatencies
  /** The verdict of this point when it is the current run and a regression. */
  flagged?: boolean
}

/** A finding of a verdict in the report, with whether it fails the run. */
export type ReportFinding = Finding & {
  /** Whether this finding fails the run (never in establish mode). */
  failing: boolean
}

type Flagged<V> = V extends unknown
  ? Omit<V, 'findings'> & {
      /** Whether this test fails the run: its regression or one of its findings, at or above fail_on, outside establish mode. */
      failing: boolean
      /** Why it fails, one line per cause (its own reason, then those of its failing findings); empty when it does not. */
      failures: string[]
      findings?: ReportFinding[]
    }
  : never

/** A verdict in the report: the detector's verdict with the run's failure policy applied to it. */
export type ReportVerdict = Flagged<TestVerdict>

/** A store line that was skipped while the history was read. */
export interface ReportWarning {
  file: string
  /** 1-based line number. */
  line: number
  message: string
}

/**
 * What the report is built from: a judged run (`finishRun`, `rejudge` and the A/B
 * command return one), with the verdicts that fail it, decided where the run was judged.
 */
export interface ReportInput {
  record: RunRecord
  verdicts: readonly TestVerdict[]
  /** The verdicts that fail the run (none in establish mode). */
  failing: readonly TestVerdict[]
  warnings: readonly ReportWarning[]
  storePath: string
  /** Whether the run was appended to the store. */
  recorded: boolean
  /** Earlier runs, for charts and sparklines. */
  history: readonly RunRecord[]
  config: { baselineMode: BaselineMode; failOn: Severity | 'never'; minSamples: number }
  /** What confirmation re-measured: the sample each suspect was judged on as its current run (see core/confirm.ts). */
  confirmation?: { judged?: JudgedSamples }
}

/** Everything a renderer needs about one run. Built once; every renderer is a pure function of it. */
export interface ReportModel {
  schema: typeof REPORT_SCHEMA_VERSION
  run: { id: string; time: string; mode: BaselineMode; git: GitInfo; env: EnvInfo; runner?: RunnerInfo['name'] }
  fail_on: Severity | 'never'
  /** Whether the run fails (regressions, or gating findings, at or above fail_on). */
  failed: boolean
  /** Keys of the verdicts that fail the run, worst first. */
  failing: string[]
  /** Each with its `failing` flag and the `failing` flag of each finding: renderers read these, never decide them. */
  verdicts: ReportVerdict[]
  /** Compatible runs of each test (key = testKey), oldest first, the current run last. */
  history: Record<string, HistoryPoint[]>
  /** Commits of the baseline runs the verdicts used, newest first (may be empty). */
  baseline_commits: string[]
  warnings: ReportWarning[]
  store: string
  /** Whether the run was appended to the store. */
  recorded: boolean
  /** Baseline runs a test needs before it is judged. */
  min_samples: number
  /** A/B runs: the base commit the head was measured against. */
  ab?: {
    base_commit: string
    base_ref: string
    design: 'paired' | 'processes'
    /** The base's raw wall times per iteration of each test (key = testKey), ns. */
    base_raw_wall_ns?: Record<string, number[]>
  }
  /** The run's load tests (`perf.load()`, k6 imports), with their baseline figures; absent when it has none. */
  load?: LoadRow[]
}

/** Test identity shown to people: `file > name [bench]`. */
export function label(test: TestRef): string {
  return `${test.file} > ${test.name}${test.bench ? ` [${test.bench}]` : ''}`
}

const SEVERITY_RANK: Record<Severity, number> = { minor: 1, moderate: 2, critical: 3 }

/** Regressions first, worst severity and ratio first. */
export function worstFirst(a: TestVerdict, b: TestVerdict): number {
  const rank = (v: TestVerdict) => (v.kind === 'regression' ? SEVERITY_RANK[v.severity] : 0)
  const ratio = (v: TestVerdict) => ('evidence' in v ? v.evidence.ratio : 0)
  return rank(b) - rank(a) || ratio(b) - ratio(a)
}

/**
 * The verdict with the run's failure policy applied: a verdict fails when the run
 * judged it failing (`failing`); then each of its findings fails when it would fail
 * the run at `failOn` on its own.
 */
function flagged(v: TestVerdict, failing: boolean, failOn: Severity | 'never'): ReportVerdict {
  const findings = v.findings?.map((f) => ({ ...f, failing: failing && findingFails(f, failOn) }))
  return { ...v, failing, failures: failing ? failureReasons(v, failOn) : [], ...(findings ? { findings } : {}) } as ReportVerdict
}

/** The raw wall times of each test of an A/B run's base, by test key. */
function baseRaw(results: NonNullable<RunRecord['ab']>['base_results']): Record<string, number[]> {
  const out: Record<string, number[]> = {}
  for (const r of results) if (r.sample.raw_wall_ns.length > 0) out[testKey(r.test)] = r.sample.raw_wall_ns
  return out
}

/**
 * Builds the report model from a finished run and the history it was judged
 * against (any runs; only those with the same test and environment are kept). Pure.
 * Whether the run, each test and each finding fails is decided here, once, from the
 * verdicts the run's judging found failing; renderers only read the flags.
 */
export function buildReportModel(outcome: ReportInput, history: readonly RunRecord[] = outcome.history, historyLimit = 100): ReportModel {
  const { record } = outcome
  const current = new Map(record.results.map((r) => [testKey(r.test), r.env_key]))
  const points = new Map<string, HistoryPoint[]>()
  const failingKeys = new Set(outcome.failing.map((v) => v.key))
  const baselineCommits = new Set<string>()
  const judged = outcome.confirmation?.judged ?? {}
  const verdictOf = new Map(outcome.verdicts.map((v) => [v.key, v]))
  const runs = [...history.filter((r) => r.id !== record.id), record].sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
  for (const run of runs) {
    for (const r of run.results) {
      const key = testKey(r.test)
      if (current.get(key) !== r.env_key) continue
      const p: HistoryPoint = { run_id: run.id, time: run.time, mode: run.mode, wall_ns: r.sample.wall_ns.median }
      if (run.git.commit) p.commit = run.git.commit
      if (run.git.branch) p.branch = run.git.branch
      if (r.sample.raw_wall_ns.length > 0) p.raw_wall_ns = r.sample.raw_wall_ns
      if (r.sample.cpu_ns !== undefined) p.cpu_ns = r.sample.cpu_ns
      if (r.sample.heap_used_bytes !== undefined) p.heap_used_bytes = r.sample.heap_used_bytes
      if (r.sample.rss_bytes !== undefined) p.rss_bytes = r.sample.rss_bytes
      // This run's load figures are those its verdict judged (after confirmation, the latest re-measurement's).
      const again = run.id === record.id ? judged[key] : undefined
      const loadSample = again?.sample.load ? again.sample : r.sample
      const load = loadFigures(loadSample)
      const latency = loadLatencies(loadSample)
      if (load && latency) {
        const p50 = again ? judgedP50(verdictOf.get(key)) : undefined
        if (p50 !== undefined) latency.p50 = p50
        p.throughput = load.throughput
        if (load.p95_ns !== undefined) p.latency_p95_ns = load.p95_ns
        p.error_rate = load.error_rate
        p.latency_ns = latency
      }
      if (run.id === record.id && failingKeys.has(key)) p.flagged = true
      const list = points.get(key) ?? []
      list.push(p)
      points.set(key, list)
      if (run.mode === 'baseline' && run.id !== record.id && run.git.commit) baselineCommits.add(run.git.commit)
    }
  }
  const historyOut: Record<string, HistoryPoint[]> = {}
  for (const [key, list] of points) historyOut[key] = list.slice(-historyLimit)
  const failing = [...outcome.failing].sort(worstFirst).map((v) => v.key)
  const load = buildLoadRows(record, outcome.verdicts, failingKeys, history, testKey, judged)
  return {
    schema: REPORT_SCHEMA_VERSION,
    run: {
      id: record.id,
      time: record.time,
      mode: outcome.config.baselineMode,
      git: record.git,
      env: record.env,
      ...(record.results[0] ? { runner: record.results[0].runner.name } : {}),
    },
    fail_on: outcome.config.failOn,
    failed: failing.length > 0,
    failing,
    verdicts: outcome.verdicts.map((v) => flagged(v, failingKeys.has(v.key), outcome.config.failOn)),
    history: historyOut,
    baseline_commits: record.ab ? [record.ab.base_commit] : [...baselineCommits].reverse().slice(0, 10),
    warnings: [...outcome.warnings],
    store: outcome.storePath,
    recorded: outcome.recorded,
    min_samples: outcome.config.minSamples,
    ...(record.ab ? { ab: { base_commit: record.ab.base_commit, base_ref: record.ab.base_ref, design: record.ab.design, base_raw_wall_ns: baseRaw(record.ab.base_results) } } : {}),
    ...(load.length > 0 ? { load } : {}),
  }
}
