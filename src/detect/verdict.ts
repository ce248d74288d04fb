import type { Thresholds } from '../config/options.js'
import type { Severity, TestRef } from '../types.js'

export type VerdictKind = 'regression' | 'improvement' | 'unchanged' | 'inconclusive' | 'insufficient-data' | 'new'

/** The numbers behind a judged verdict. Times are per iteration, in nanoseconds. */
export interface Evidence {
  /** The judged metric. */
  metric: 'wall_ns'
  /** Baseline runs used. */
  baseline_runs: number
  /** The window the baseline runs were taken from. */
  window: { runs: number; days: number }
  /** Typical baseline value: the median over baseline runs of each run's median. */
  baseline: number
  /** This run's median. */
  current: number
  /** current / baseline. */
  ratio: number
  /** Interval of the ratio at `confidence`, for one new run against the baseline's spread. */
  interval: [number, number]
  /** Two-sided p-value of "no change". */
  p_value: number
  /** p-value adjusted for the number of tests judged in this run (Benjamini–Hochberg). */
  q_value: number
  confidence: number
  /** Run-to-run noise of this test: robust standard deviation of log run medians. */
  noise: number
  /** The bands the ratio was judged against. */
  thresholds: Thresholds
}

interface Judged {
  test: TestRef
  key: string
  evidence: Evidence
  /** One line in plain words. */
  reason: string
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
    }
  | {
      kind: 'new'
      test: TestRef
      key: string
      current: number
      /** Baseline runs of this test from other environments (never compared). */
      foreign_baseline_runs: number
      reason: string
    }

const ORDER: Record<Severity | 'never', number> = { minor: 1, moderate: 2, critical: 3, never: Infinity }

/** True when the verdict is a regression at or above `failOn`. */
export function fails(verdict: TestVerdict, failOn: Severity | 'never'): boolean {
  return verdict.kind === 'regression' && ORDER[verdict.severity] >= ORDER[failOn]
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
