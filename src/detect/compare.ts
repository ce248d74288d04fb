/**
 * The statistics of a wall-time verdict: one run (or the median of a repeat
 * group) against the baseline runs, on a log scale. Pure.
 */
import { median } from 'simple-statistics'
import type { Bands, ResolvedConfig } from '../config/options.js'
import { baselineModel, compareToModel } from './modes.js'
import type { Evidence } from './verdict.js'

/** Fewest runs of a repeat group (this one included) that are judged on their median. */
export const MIN_POOLED_RUNS = 3

/** The evidence of a comparison, before the suite-wide adjustment gives it its q-value. */
export type Comparison = Omit<Evidence, 'q_value'>

/**
 * Centre (median) and run-to-run noise of baseline run values on a log scale:
 * the main mode of the baseline and its robust standard deviation (see `baselineModel`).
 */
export function baselineSpread(baseline: readonly number[]): { center: number; noise: number } {
  const model = baselineModel(baseline)
  return { center: model.modes[0]!.center, noise: model.noise }
}

/**
 * Compares one run's value with the baseline runs' values, on a log scale: one
 * run is one observation, so the interval is a prediction interval for a new
 * run, with the baseline's own run-to-run noise (robust, never below
 * NOISE_FLOOR), against the mode of the baseline that explains the run best.
 * With `earlier` runs of its repeat group (at least MIN_POOLED_RUNS in all),
 * their median is judged instead. `floor` is `metrics.wall.floor` (ns), if set.
 */
export function compare(
  current: number,
  baseline: readonly number[],
  config: Pick<ResolvedConfig, 'confidence' | 'baselineWindow'>,
  bands: Bands,
  floor: number | undefined,
  earlier: readonly number[] = [],
): Comparison {
  const model = baselineModel(baseline)
  // The median of k runs: its variance is about π/(2k) times one run's (conservative for small k).
  const pooled = 1 + earlier.length >= MIN_POOLED_RUNS ? [current, ...earlier] : undefined
  const value = pooled ? median(pooled) : current
  const c = compareToModel(value, model, config.confidence, pooled ? Math.PI / (2 * pooled.length) : 1)
  const evidence: Comparison = {
    metric: 'wall_ns',
    baseline_runs: baseline.length,
    window: { ...config.baselineWindow },
    baseline: Math.exp(c.mode.center),
    current: value,
    ratio: Math.exp(c.d),
    interval: [Math.exp(c.d - c.half), Math.exp(c.d + c.half)],
    p_value: c.p,
    confidence: config.confidence,
    noise: model.noise,
    detectable: Math.exp(Math.max(Math.log(bands.minor), c.half)),
    thresholds: bands,
  }
  if (floor !== undefined) evidence.floor_ns = floor
  if (pooled) evidence.repeats = pooled.length
  if (c.modeIndex > 0) evidence.mode = { runs: c.mode.runs, main: Math.exp(model.modes[0]!.center), main_runs: model.modes[0]!.runs }
  return evidence
}
