import type { Thresholds } from '../config/options.js'
import type { BaselineMode, Severity, TestRef } from '../types.js'

export type VerdictKind = 'regression' | 'improvement' | 'unchanged' | 'inconclusive' | 'insufficient-data' | 'new'

/** The numbers behind a judged verdict. Times are per iteration, in nanoseconds. */
export interface Evidence {
  /** The judged metric. */
  metric: 'wall_ns'
  /** Baseline runs used. */
  baseline_runs: number
  /** The window the baseline runs were taken from. */
  window: { runs: number; days: number }
  /**
   * Baseline value the run is compared with: the centre (median of run medians) of the
   * baseline's main mode, or of the recurring mode in `mode` that explains this run best.
   */
  baseline: number
  /**
   * Present when the run was judged against a recurring secondary level of the baseline
   * (whole runs that land on another level, such as another JIT tier), not its main mode.
   */
  mode?: { runs: number; main: number; main_runs: number }
  /** This run's median (with `repeats`: the median over the runs of its repeat group). */
  current: number
  /** Runs of this run's repeat group (`--repeat`) pooled into `current`, this one included; absent for one run. */
  repeats?: number
  /** current / baseline. */
  ratio: number
  /** Interval of the ratio at `confidence`, for one new run against the baseline's spread. */
  interval: [number, number]
  /** Two-sided p-value of "no change". */
  p_value: number
  /** p-value adjusted for the number of tests judged in this run (Benjamini–Hochberg). */
  q_value: number
  confidence: number
  /** Run-to-run noise of this test: robust standard deviation of log run medians within a mode. */
  noise: number
  /**
   * Smallest slowdown one run of this test can show as a regression at this noise:
   * the larger of the `minor` band and the ratio whose interval starts at 1
   * (significance before the suite-wide adjustment).
   */
  detectable: number
  /** The bands the ratio was judged against. */
  thresholds: Thresholds
  /** `metrics.wall.floor`: changes smaller than this (ns) are never flagged. */
  floor_ns?: number
  /**
   * The share of a core the run's timed phase got and the median share its baseline runs
   * got, when it got clearly less: a slower wall time is then not called a regression.
   */
  contention?: { current: number; baseline: number }
  /**
   * A/B runs (`perf-regression ab`): the head judged against the base commit measured in the same
   * job. `baseline` is then the base's time, `baseline_runs` the processes, `confidence` that of one look.
   */
  ab?: AbEvidence
}

/** How an A/B verdict was measured. */
export interface AbEvidence {
  /** Short commit of the base. */
  base: string
  /** `paired`: alternating rounds of both versions in one process; `processes`: fresh processes of each, interleaved. */
  design: 'paired' | 'processes'
  processes: number
  /** Paired rounds (ABBA cycles) or process pairs that went into the estimate. */
  pairs: number
  /** Processes left out because base and head ran in different V8 tiers. */
  tier_mismatches: number
  /** Looks planned by sampling until decided; each tested at (1 - confidence) / looks. */
  looks: number
  /** When the per-process ratios split into two groups: the median ratio of each. */
  clusters?: [number, number]
  /** The ratio of each process (paired design: the mean of its cycles) or of each pair of processes. */
  per_process: number[]
}

/**
 * Something found about a test besides its wall-time verdict: another metric that
 * changed, a hard limit crossed, a leak, or a step or drift across its history.
 */
export interface Finding {
  /**
   * - `metric`: another metric changed beyond its band (judged like wall time);
   * - `limit`: a value crossed a hard `max`/`min` limit (critical);
   * - `leak`: the heap kept growing across the calls of the leak phase (moderate);
   * - `step` / `drift`: a change across the test's recent baseline runs, ending at this run (reported, never failing).
   */
  kind: 'metric' | 'limit' | 'leak' | 'step' | 'drift'
  /** `wall`, `p75`, `p99`, `cpu`, `thread_cpu`, `heap`, `rss`, `leak` or a custom metric's name. */
  metric: string
  /** `ns`, `B`, `B/call` or a custom unit. */
  unit: string
  direction: 'worse' | 'better'
  severity: Severity
  /** Whether a finding of this kind can fail the run (kinds metric, limit and leak; steps and drifts only report). It fails when it is also `worse` and its severity is at or above `failOn`. */
  gates: boolean
  /** This run's value. */
  current: number
  /** The baseline value it was compared with. */
  baseline?: number
  /** current / baseline (step: after / before; drift: fitted end / start). */
  ratio?: number
  /** Interval of the ratio (leak: of the growth per call, in bytes) at the run's confidence. */
  interval?: [number, number]
  p_value?: number
  /** p-value adjusted over everything judged in the run (metric findings). */
  q_value?: number
  baseline_runs?: number
  /** The limit crossed (limit), or the floor reached (leak). */
  limit?: number
  /** Step and drift: the first run of the change, and how many runs (this one included) show it. */
  since?: { run_id: string; time: string; commit?: string; runs: number }
  /** Drift: fitted change per run, as a factor. */
  per_run?: number
  /** One line in plain words. */
  reason: string
}

interface Judged {
  test: TestRef
  key: string
  evidence: Evidence
  /** One line in plain words. */
  reason: string
  findings?: Finding[]
}

export type TestVerdict =
  | (Judged & { kind: 'regression'; severity: Severity })
  | (Judged & { kind: 'improvement'; severity: Severity })
  | (Judged & { kind: 'unchanged' })
  | (Judged & { kind: 'inconclusive' })
  | {
      kind: 'insufficient-data'
      test: TestRef
      key: string
      current: number
      /** Median of the baseline runs there are, if any. */
      baseline: number
      baseline_runs: number
      required: number
      reason: string
      findings?: Finding[]
    }
  | {
      kind: 'new'
      test: TestRef
      key: string
      current: number
      /** Baseline runs of this test from other environments (never compared). */
      foreign_baseline_runs: number
      reason: string
      findings?: Finding[]
    }

const ORDER: Record<Severity | 'never', number> = { minor: 1, moderate: 2, critical: 3, never: Infinity }

/** True when the finding fails the run at `failOn`. */
export function findingFails(finding: Finding, failOn: Severity | 'never'): boolean {
  return finding.gates && finding.direction === 'worse' && ORDER[finding.severity] >= ORDER[failOn]
}

/** True when the verdict is a regression at or above `failOn`, or carries a finding that fails at `failOn`. */
export function fails(verdict: TestVerdict, failOn: Severity | 'never'): boolean {
  if (verdict.kind === 'regression' && ORDER[verdict.severity] >= ORDER[failOn]) return true
  return (verdict.findings ?? []).some((f) => findingFails(f, failOn))
}

/**
 * The run's failure policy, in one place: the verdicts that fail a run in `mode` at
 * `failOn`. A run that establishes a baseline never fails; a compare run fails on
 * every verdict that `fails` at `failOn`.
 */
export function failingVerdicts<V extends TestVerdict>(verdicts: readonly V[], mode: BaselineMode, failOn: Severity | 'never'): V[] {
  return mode === 'establish' ? [] : verdicts.filter((v) => fails(v, failOn))
}

/** Why a failing verdict fails, one line per cause: its own reason and those of its failing findings. */
export function failureReasons(verdict: TestVerdict, failOn: Severity | 'never'): string[] {
  const out: string[] = []
  if (verdict.kind === 'regression' && ORDER[verdict.severity] >= ORDER[failOn]) out.push(verdict.reason)
  for (const f of verdict.findings ?? []) if (findingFails(f, failOn)) out.push(f.reason)
  return out
}

/** Highest band a ratio (>= 1, slower direction) reaches, or undefined below `minor`. */
export function severityOf(ratio: number, bands: Thresholds): Severity | undefined {
  if (reaches(ratio, bands.critical)) return 'critical'
  if (reaches(ratio, bands.moderate)) return 'moderate'
  if (reaches(ratio, bands.minor)) return 'minor'
  return undefined
}

/**
 * `value >= edge`, forgiving the rounding of exp(log(a) - log(b)):
 * 1.5x a constant baseline computes as 1.4999999999999991 and must reach 1.5.
 */
export function reaches(value: number, edge: number): boolean {
  return value >= edge * (1 - 1e-9)
}
