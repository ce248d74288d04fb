import type { Thresholds } from '../config/options.js'
import type { AbEvidence, Evidence, Finding, VerdictKind } from '../detect/verdict.js'
import type { BaselineMode, EnvInfo, GitInfo, Severity, TestRef } from '../types.js'
import type { HistoryPoint, LoadFigures, LoadRow, ReportModel, ReportVerdict } from './model.js'

/**
 * Version of `.perf/analysis.json` (documented in docs/report-json.md). Raised
 * only on an incompatible change: a field removed or renamed, or its type,
 * unit or meaning changed. New fields may appear without a change of version.
 */
export const ANALYSIS_SCHEMA_VERSION = 1

export interface AnalysisTest {
  file: string
  name: string
  project: string
  bench?: string
  /** Line of the test in its file, when the runner reports it (not part of the identity). */
  line?: number
}

export interface AnalysisEvidence {
  metric: 'wall_ns'
  baseline_runs: number
  window: { runs: number; days: number }
  baseline: number
  current: number
  ratio: number
  interval: [number, number]
  p_value: number
  q_value: number
  confidence: number
  noise: number
  /** Smallest slowdown one run of this test can show as a regression at its noise. */
  detectable: number
  /** Runs of the repeat group pooled into `current` (`--repeat`), this one included; absent for one run. */
  repeats?: number
  thresholds: Thresholds
  /** Present when the run was judged against a recurring secondary level of the baseline. */
  mode?: { runs: number; main: number; main_runs: number }
  /** A/B runs: how the head was measured against its base commit. */
  ab?: AbEvidence
  /** `metrics.wall.floor`, when set. */
  floor_ns?: number
}

/** A finding besides the wall-time verdict (other metric, limit, leak, step, drift); see docs/report-json.md. */
export interface AnalysisFinding {
  kind: Finding['kind']
  metric: string
  unit: string
  direction: 'worse' | 'better'
  severity: Severity
  gates: boolean
  /** Whether this finding fails the run (outside establish mode). */
  failing: boolean
  current: number
  baseline?: number
  ratio?: number
  interval?: [number, number]
  p_value?: number
  q_value?: number
  baseline_runs?: number
  limit?: number
  since?: { run_id: string; time: string; commit?: string; runs: number }
  per_run?: number
  reason: string
}

interface VerdictBase {
  key: string
  test: AnalysisTest
  /** Whether this verdict fails the run (a regression, or a gating finding, at or above fail_on, outside establish mode). */
  failing: boolean
  reason: string
  /** Findings besides the wall-time verdict; absent when there are none. */
  findings?: AnalysisFinding[]
}

export type AnalysisVerdict =
  | (VerdictBase & { kind: 'regression' | 'improvement'; severity: Severity; evidence: AnalysisEvidence })
  | (VerdictBase & { kind: 'unchanged' | 'inconclusive'; evidence: AnalysisEvidence })
  | (VerdictBase & { kind: 'insufficient-data'; current: number; baseline: number; baseline_runs: number; required: number })
  | (VerdictBase & { kind: 'new'; current: number; foreign_baseline_runs: number })

export interface AnalysisSummary {
  total: number
  /** Tests compared with a baseline (regression, improvement, unchanged, inconclusive). */
  judged: number
  failing: number
  by_kind: Record<VerdictKind, number>
  by_severity: { regression: Record<Severity, number>; improvement: Record<Severity, number> }
}

/** The document `renderJson` writes to `.perf/analysis.json`. */
export interface AnalysisDocument {
  schema: typeof ANALYSIS_SCHEMA_VERSION
  generator: 'perf-regression'
  run: { id: string; time: string; mode: BaselineMode; git: GitInfo; env: EnvInfo }
  /** Whether the run was appended to the history store. */
  recorded: boolean
  /** Baseline runs a test needs before it is judged. */
  min_samples: number
  fail_on: Severity | 'never'
  failed: boolean
  /** Keys of the failing verdicts, worst first. */
  failing: string[]
  summary: AnalysisSummary
  /** Commits of the baseline runs used, newest first. */
  baseline_commits: string[]
  /** One per benchmarked test, in the order the run reported them. */
  verdicts: AnalysisVerdict[]
  /** Per test key, compatible runs oldest first, the current run last. */
  history: Record<string, HistoryPoint[]>
  warnings: { file: string; line: number; message: string }[]
  /** Absolute path of the history store. */
  store: string
  /** The run's load tests with their figures and those of their baseline; absent when the run has none. */
  load?: AnalysisLoad[]
}

/** A load test of the run (`perf.load()`, k6 imports); see docs/report-json.md. */
export interface AnalysisLoad {
  key: string
  test: AnalysisTest
  model?: 'closed' | 'open'
  failing: boolean
  current: LoadFigures
  baseline?: LoadFigures & { runs: number }
  unfinished: number
  error_messages: { message: string; count: number }[]
  levels: { level: number; throughput: number; p95_ns: number; errors: number; efficiency?: number }[]
  /** Confirmation runs that re-measured the test: the figures are the latest one's, as judged. */
  remeasured?: number
}

const KINDS: readonly VerdictKind[] = ['regression', 'improvement', 'unchanged', 'inconclusive', 'insufficient-data', 'new']

/** Copies only the set fields, in the order of `keys`: the JSON key order never depends on how the input was built. */
function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k]
  return out
}

function testOf(t: TestRef): AnalysisTest {
  return pick(t, ['file', 'name', 'project', 'bench', 'line'])
}

function evidenceOf(e: Evidence): AnalysisEvidence {
  return {
    metric: e.metric,
    baseline_runs: e.baseline_runs,
    window: { runs: e.window.runs, days: e.window.days },
    baseline: e.baseline,
    current: e.current,
    ratio: e.ratio,
    interval: [e.interval[0], e.interval[1]],
    p_value: e.p_value,
    q_value: e.q_value,
    confidence: e.confidence,
    noise: e.noise,
    detectable: e.detectable,
    thresholds: { minor: e.thresholds.minor, moderate: e.thresholds.moderate, critical: e.thresholds.critical },
    ...(e.mode ? { mode: { runs: e.mode.runs, main: e.mode.main, main_runs: e.mode.main_runs } } : {}),
    ...(e.floor_ns !== undefined ? { floor_ns: e.floor_ns } : {}),
    ...(e.repeats !== undefined ? { repeats: e.repeats } : {}),
    ...(e.ab
      ? {
          ab: {
            base: e.ab.base,
            design: e.ab.design,
            processes: e.ab.processes,
            pairs: e.ab.pairs,
            tier_mismatches: e.ab.tier_mismatches,
            looks: e.ab.looks,
            per_process: [...e.ab.per_process],
            ...(e.ab.clusters ? { clusters: [e.ab.clusters[0], e.ab.clusters[1]] as [number, number] } : {}),
          },
        }
      : {}),
  }
}

const FINDING_KEYS = ['kind', 'metric', 'unit', 'direction', 'severity', 'gates', 'current', 'baseline', 'ratio', 'interval', 'p_value', 'q_value', 'baseline_runs', 'limit', 'since', 'per_run', 'reason'] as const

function findingsOf(v: ReportVerdict): { findings?: AnalysisFinding[] } {
  if (!v.findings || v.findings.length === 0) return {}
  return { findings: v.findings.map((f) => ({ ...(pick(f, FINDING_KEYS) as Omit<AnalysisFinding, 'failing'>), failing: f.failing })) }
}

function verdictOf(v: ReportVerdict): AnalysisVerdict {
  const head = { key: v.key, test: testOf(v.test), failing: v.failing, ...findingsOf(v) }
  switch (v.kind) {
    case 'regression':
    case 'improvement':
      return { kind: v.kind, ...head, severity: v.severity, reason: v.reason, evidence: evidenceOf(v.evidence) }
    case 'unchanged':
    case 'inconclusive':
      return { kind: v.kind, ...head, reason: v.reason, evidence: evidenceOf(v.evidence) }
    case 'insufficient-data':
      return { kind: v.kind, ...head, reason: v.reason, current: v.current, baseline: v.baseline, baseline_runs: v.baseline_runs, required: v.required }
    case 'new':
      return { kind: v.kind, ...head, reason: v.reason, current: v.current, foreign_baseline_runs: v.foreign_baseline_runs }
  }
}

const POINT_KEYS = ['run_id', 'time', 'mode', 'commit', 'wall_ns', 'cpu_ns', 'heap_used_bytes', 'rss_bytes', 'throughput', 'latency_p95_ns', 'error_rate', 'flagged'] as const
const FIGURE_KEYS = ['throughput', 'p50_ns', 'p95_ns', 'p99_ns', 'calls', 'errors', 'error_rate'] as const

function loadOf(row: LoadRow): AnalysisLoad {
  return {
    key: row.key,
    test: testOf(row.test),
    ...(row.model ? { model: row.model } : {}),
    failing: row.failing,
    current: pick(row.current, FIGURE_KEYS),
    ...(row.baseline ? { baseline: { runs: row.baseline.runs, ...pick(row.baseline, FIGURE_KEYS) } } : {}),
    unfinished: row.unfinished,
    error_messages: row.error_messages.map((m) => ({ message: m.message, count: m.count })),
    levels: row.levels.map((l) => pick(l, ['level', 'throughput', 'p95_ns', 'errors', 'efficiency'])),
    ...(row.remeasured !== undefined ? { remeasured: row.remeasured } : {}),
  }
}

function summaryOf(model: ReportModel, failing: number): AnalysisSummary {
  const zero = (): Record<Severity, number> => ({ minor: 0, moderate: 0, critical: 0 })
  const by_kind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<VerdictKind, number>
  const by_severity = { regression: zero(), improvement: zero() }
  for (const v of model.verdicts) {
    by_kind[v.kind]++
    if (v.kind === 'regression' || v.kind === 'improvement') by_severity[v.kind][v.severity]++
  }
  const judged = by_kind.regression + by_kind.improvement + by_kind.unchanged + by_kind.inconclusive
  return { total: model.verdicts.length, judged, failing, by_kind, by_severity }
}

/** The history of the document: per test key (the verdicts' order first), its points. */
function* historyOf(model: ReportModel): Generator<[string, HistoryPoint[]]> {
  const seen = new Set<string>()
  for (const key of [...model.verdicts.map((v) => v.key), ...Object.keys(model.history)]) {
    const points = model.history[key]
    if (points === undefined || seen.has(key)) continue
    seen.add(key)
    yield [key, points.map((p) => pick(p, POINT_KEYS) as HistoryPoint)]
  }
}

/** Builds the analysis document from the report model. Pure. */
export function buildAnalysisDocument(model: ReportModel): AnalysisDocument {
  return { ...documentWithout(model), history: Object.fromEntries(historyOf(model)) }
}

/** The document with an empty history (renderJson writes the history as it goes). */
function documentWithout(model: ReportModel): AnalysisDocument {
  const history: Record<string, HistoryPoint[]> = {}
  return {
    schema: ANALYSIS_SCHEMA_VERSION,
    generator: 'perf-regression',
    run: {
      id: model.run.id,
      time: model.run.time,
      mode: model.run.mode,
      git: pick(model.run.git, ['commit', 'branch']),
      env: pick(model.run.env, ['cpu_model', 'cpu_count', 'os', 'arch', 'node_version', 'ci']),
    },
    recorded: model.recorded,
    min_samples: model.min_samples,
    fail_on: model.fail_on,
    failed: model.failed,
    failing: [...model.failing],
    summary: summaryOf(model, model.failing.length),
    baseline_commits: [...model.baseline_commits],
    verdicts: model.verdicts.map(verdictOf),
    history,
    warnings: model.warnings.map((w) => ({ file: w.file, line: w.line, message: w.message })),
    store: model.store,
    ...(model.load ? { load: model.load.map(loadOf) } : {}),
  }
}

/** Stands for `history` while the rest is rendered. */
const HISTORY_SLOT = '\u0000history\u0000'

/**
 * Renders `.perf/analysis.json`: the analysis document, indented by two
 * spaces, each history point on one line (a thousand tests over a hundred runs
 * stay a third of the size), with a final newline. Pure.
 */
export function renderJson(model: ReportModel): string {
  // The history is written test by test, never held whole a second time.
  const text = JSON.stringify({ ...documentWithout(model), history: HISTORY_SLOT }, null, 2)
  const slot = `\n  "history": ${JSON.stringify(HISTORY_SLOT)}`
  const at = text.indexOf(slot)
  const tests: string[] = []
  for (const [key, points] of historyOf(model)) {
    const inner = points.length === 0 ? '' : `\n${points.map((p) => `      ${JSON.stringify(p)}`).join(',\n')}\n    `
    tests.push(`    ${JSON.stringify(key)}: [${inner}]`)
  }
  const history = tests.length === 0 ? '{}' : `{\n${tests.join(',\n')}\n  }`
  return `${text.slice(0, at)}\n  "history": ${history}${text.slice(at + slot.length)}\n`
}
