/**
 * Change points and slow drifts at the end of a test's history of run values.
 *
 * Works on log values with rank statistics and robust levels only, because
 * run medians are noisy (2-10%), often multi-modal (bursts of runs in a fast
 * or slow mode) and have single wild runs:
 * - step: the last k runs (k = 2 .. 8) against all runs before them, by the
 *   Mann–Whitney U test, with the Hodges–Lehmann shift as the ratio;
 * - drift: the last s runs (s = 12, 16, 24, all), by the Mann–Kendall test,
 *   with the Theil–Sen slope as the rate.
 * p-values are exact and multiplied by the number of splits (or spans) tried.
 * A significant change is only reported when it reaches the minor band, has
 * brought the last runs to a new level (persistence), and that level is not
 * one the series already visited and left (a mode). The level of the runs
 * before a change is estimated by trend-level.ts, which says why that is not
 * the baseline model of modes.ts.
 * Pure: no I/O, no clock, no randomness.
 */

import { median } from 'simple-statistics'
import type { Bands, Thresholds } from '../config/options.js'
import { hodgesLehmann, mannKendall, mannWhitney, theilSen, twoSided } from '../stats/rank.js'
import type { Severity } from '../types.js'
import { MAIN_SD, mainMode } from './trend-level.js'
import { reaches, severityOf } from './verdict.js'

export interface TrendOptions {
  thresholds: Thresholds
  /** e.g. 0.95; alpha = 1 - confidence. */
  confidence: number
  /** Direction of the metric. @default 'lower' (times: lower is better) */
  better?: 'lower' | 'higher'
  /** Fewest runs before a change point (the "pre" segment). @default 8 */
  minBefore?: number
}

export interface TrendFinding {
  kind: 'step' | 'drift'
  /** 'worse' = slower/bigger for better:'lower' (smaller for better:'higher'). */
  direction: 'worse' | 'better'
  /** Index into `values` of the first run of the change (step: first run after the change point; drift: first run of the trending span). */
  since: number
  /** Runs from `since` to the end, the last value (the current run) included. */
  runs: number
  /**
   * Step: Hodges–Lehmann shift of the runs after against the main mode of the runs before, on the
   * log scale. Drift: fitted change across the span, end / start. Value-space ratio (> 1: the values grew).
   */
  ratio: number
  /** Interval of `ratio` at `confidence` (not widened for the splits or spans tried). */
  interval: [number, number]
  /** p-value of "no change", adjusted (Bonferroni) for the number of split points / spans tried. */
  p_value: number
  /** Band reached by the change: by ratio when it got worse, by the improvement (its inverse) when it got better. */
  severity?: Severity
  /** Drift only: fitted change per run as a factor (1.02 = +2% per run). */
  per_run?: number
}

/** Longest post segment tried: a step that has lasted longer has long been reported. */
const MAX_POST = 8
/** Shortest post segment; one run is the ordinary per-run comparison. */
const MIN_POST = 2
/**
 * Shortest post segment of an improvement. Fast modes (a whole process at
 * 0.5-0.7x) come in bursts of two or three runs; a real speed-up still shows
 * on the fourth run, and nothing fails on an improvement meanwhile.
 */
const MIN_POST_BETTER = 4
/** Spans (runs ending at the last value) tried for a drift, besides the whole history. */
const DRIFT_SPANS = [12, 16, 24]
/** The last runs that must all sit at the drift's new level (more for an improvement, as for a step). */
const DRIFT_END = 4
const DRIFT_END_BETTER = 5
/**
 * A level already visited: earlier runs count as "at the new level" when they
 * lie at least MODE_NEAR_SD robust SDs and half-way out from the earlier
 * level, and not much further out than the new level (MODE_FAR times as far,
 * or MAIN_SD robust SDs beyond it).
 */
const MODE_NEAR_SD = 2.5
const MODE_FAR = 1.6
/** Earlier runs at the new level that make it a known mode rather than a change. */
const MODE_RUNS = 2

/** A candidate on the log scale, before its p-value is adjusted. */
interface Candidate {
  kind: 'step' | 'drift'
  since: number
  shift: number
  interval: [number, number]
  p: number
  perRun?: number
}

/**
 * The most significant step or drift that ends at the last value, or undefined.
 * `values` are positive, oldest first; the last is the current run.
 */
export function detectTrend(values: readonly number[], options: TrendOptions): TrendFinding | undefined {
  checkOptions(options, options.minBefore ?? 8, options.better ?? 'lower')
  // Checked just above.
  return trendOf(values, options as TrendOptions & { thresholds: Bands })
}

/**
 * `detectTrend` for options that were checked already: the detector's bands and
 * confidence come from a validated configuration.
 */
export function trendOf(values: readonly number[], options: TrendOptions & { thresholds: Bands }): TrendFinding | undefined {
  const minBefore = options.minBefore ?? 8
  const better = options.better ?? 'lower'
  values.forEach((v, i) => {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new RangeError(`values[${i}] must be a positive finite number (got ${v})`)
    }
  })
  const n = values.length
  if (n < minBefore + 2) return undefined
  const logs = values.map(Math.log)
  const alpha = 1 - options.confidence
  // The minor band on the log scale.
  const minor = Math.log(options.thresholds.minor)
  // 'lower' is better: a rise is worse.
  const worse = (shift: number) => (shift > 0) === (better === 'lower')

  const steps: Candidate[] = []
  const maxPost = Math.min(MAX_POST, n - minBefore)
  for (let k = MIN_POST; k <= maxPost; k++) {
    const c = stepAt(logs, k, minor, options.confidence, worse)
    if (c) steps.push(c)
  }
  const spans = [...new Set([...DRIFT_SPANS.filter((s) => s < n), n])]
  const drifts: Candidate[] = []
  for (const s of spans) {
    const c = driftOver(logs, s, minor, options.confidence, worse)
    if (c) drifts.push(c)
  }

  // Bonferroni over the splits (spans) tried.
  const significant = (list: Candidate[], tried: number) =>
    list.map((c) => ({ ...c, p: Math.min(1, c.p * tried) })).filter((c) => c.p <= alpha)
  // The step at the most significant split; the drift over the shortest significant span, whose start
  // and rate are closest to the drift's own (a longer span adds flat runs before it).
  const step = significant(steps, maxPost - MIN_POST + 1).reduce<Candidate | undefined>((a, c) => (!a || c.p < a.p ? c : a), undefined)
  const drift = significant(drifts, spans.length)[0]
  const pick = step && (!drift || step.p <= drift.p) ? step : drift
  if (!pick) return undefined

  const ratio = Math.exp(pick.shift)
  const direction = worse(pick.shift) ? 'worse' : 'better'
  const finding: TrendFinding = {
    kind: pick.kind,
    direction,
    since: pick.since,
    runs: n - pick.since,
    ratio,
    interval: [Math.exp(pick.interval[0]), Math.exp(pick.interval[1])],
    p_value: pick.p,
  }
  const severity = severityOf(ratio >= 1 ? ratio : 1 / ratio, options.thresholds)
  if (severity) finding.severity = severity
  if (pick.perRun !== undefined) finding.per_run = Math.exp(pick.perRun)
  return finding
}

/**
 * The last k log values against all before them. The p-value is the exact
 * Mann–Whitney test against all earlier runs; the shift (Hodges–Lehmann) and
 * its interval are taken against their main mode, so that earlier runs in a
 * fast or slow mode do not inflate it. Undefined unless the shift reaches the
 * minor band, every run after the change is at least half-way there and
 * near the new level (for a regression, all but one from five runs on), and
 * the new level is not one the earlier runs already visited (a mode). An
 * improvement needs MIN_POST_BETTER runs.
 */
function stepAt(
  logs: readonly number[],
  k: number,
  minor: number,
  confidence: number,
  worse: (shift: number) => boolean,
): Candidate | undefined {
  const pre = logs.slice(0, logs.length - k)
  const post = logs.slice(logs.length - k)
  const { main, center, noise } = mainMode(pre)
  const hl = hodgesLehmann(post, main, confidence)
  const shift = hl.estimate
  const sign = Math.sign(shift)
  if (sign === 0 || !reaches(Math.exp(Math.abs(shift)), Math.exp(minor))) return undefined
  const regression = worse(shift)
  if (!regression && k < MIN_POST_BETTER) return undefined
  const test = mannWhitney(post, pre)
  if ((sign > 0) !== test.pGreater < test.pLess) return undefined
  const width = Math.max(MAIN_SD * noise, Math.abs(shift) / 2)
  const out = post.filter((x) => sign * (x - center) >= minor / 2 && Math.abs(x - center - shift) <= width).length
  if (out < (regression && k >= 5 ? k - 1 : k)) return undefined
  if (visits(pre, center, noise, shift, () => true) >= MODE_RUNS) return undefined
  return { kind: 'step', since: logs.length - k, shift, interval: hl.interval, p: twoSided(test) }
}

/**
 * A trend over the last s log values: Mann–Kendall test, Theil–Sen slope.
 * Undefined unless the fitted change across the span reaches the minor band;
 * each of the last DRIFT_END runs (DRIFT_END_BETTER for an improvement) lies
 * at least half-way from the main level of the runs before them to the fitted
 * end and to the minor band (for a regression, one may instead be far on the
 * other side: a run in a fast mode); and the series has not already been at
 * the end level and come back. A drift brings the series to a new level,
 * which bursts of a mode at either end of a span, or wild runs, do not.
 */
function driftOver(
  logs: readonly number[],
  s: number,
  minor: number,
  confidence: number,
  worse: (shift: number) => boolean,
): Candidate | undefined {
  const span = logs.slice(logs.length - s)
  const test = mannKendall(span)
  const ts = theilSen(span, confidence)
  const shift = ts.estimate * (s - 1)
  const sign = Math.sign(shift)
  if (sign === 0 || (sign > 0) !== test.pGreater < test.pLess || !reaches(Math.exp(Math.abs(shift)), Math.exp(minor))) return undefined
  const last = worse(shift) ? DRIFT_END : DRIFT_END_BETTER
  const before = logs.slice(0, logs.length - last)
  const { center, noise } = mainMode(before)
  const end = median(span.map((y, i) => y - ts.estimate * i)) + shift - center
  if (sign * end <= 0) return undefined
  const edge = Math.max(minor, sign * end) / 2
  const off = logs.slice(logs.length - last).filter((x) => sign * (x - center) < edge)
  if (off.length > (worse(shift) ? 1 : 0) || off.some((x) => sign * (x - center) > -MAIN_SD * noise)) return undefined
  // Only runs followed by one back on the other side of the main level count: a drift does not come back.
  const back: boolean[] = []
  for (let i = before.length - 1, seen = false; i >= 0; i--) {
    back[i] = seen
    seen ||= sign * (before[i]! - center) <= 0
  }
  if (visits(before, center, noise, end, (i) => back[i]!) >= MODE_RUNS) return undefined
  return {
    kind: 'drift',
    since: logs.length - s,
    shift,
    interval: [ts.interval[0] * (s - 1), ts.interval[1] * (s - 1)],
    p: twoSided(test),
    perRun: ts.estimate,
  }
}

/**
 * Earlier runs (those `counts`) already at the level `shift` away from
 * `center`: at least MODE_NEAR_SD robust SDs and half-way out, and not much
 * further out than the level (a 3.9x slow mode does not make a 1.3x step a mode).
 */
function visits(xs: readonly number[], center: number, noise: number, shift: number, counts: (i: number) => boolean): number {
  const sign = Math.sign(shift)
  const size = Math.abs(shift)
  const near = Math.max(size / 2, MODE_NEAR_SD * noise)
  const far = Math.max(MODE_FAR * size, size + MAIN_SD * noise)
  return xs.filter((x, i) => {
    const d = sign * (x - center)
    return d >= near && d <= far && counts(i)
  }).length
}

function checkOptions(options: TrendOptions, minBefore: number, better: string): void {
  const problems: string[] = []
  const { confidence, thresholds } = options
  if (!(confidence > 0 && confidence < 1)) problems.push(`confidence must be in (0, 1) (got ${confidence})`)
  const { minor, moderate, critical } = thresholds ?? {}
  if (!(Number.isFinite(minor) && minor > 1)) problems.push(`thresholds.minor must be a finite number greater than 1 (got ${minor})`)
  if (!(Number.isFinite(moderate) && moderate > minor)) {
    problems.push(`thresholds.moderate must be greater than thresholds.minor (got ${moderate})`)
  }
  if (!(Number.isFinite(critical) && critical > moderate)) {
    problems.push(`thresholds.critical must be greater than thresholds.moderate (got ${critical})`)
  }
  if (better !== 'lower' && better !== 'higher') problems.push(`better must be 'lower' or 'higher' (got ${String(better)})`)
  if (!(Number.isInteger(minBefore) && minBefore >= 2)) problems.push(`minBefore must be an integer of at least 2 (got ${minBefore})`)
  if (problems.length > 0) throw new RangeError(`invalid trend options: ${problems.join('; ')}`)
}
