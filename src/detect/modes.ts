import { median } from 'simple-statistics'
import { tCdf, tQuantile } from '../stats/tdist.js'
import { NOISE_FLOOR, robustSd } from './noise.js'

/** Baseline runs further than this many robust SDs from the median are not part of the main mode. */
const CORE_SDS = 4
/** Outlying runs closer than this many SDs to each other form one group. */
const GROUP_SDS = 3
/** Runs a group needs before it counts as a mode of the baseline. */
export const MIN_MODE_RUNS = 2

/** One mode of a baseline: a level that whole runs keep landing on. */
export interface Mode {
  /** Centre, on the log scale (median of the log values of its runs). */
  center: number
  /** Baseline runs in this mode. */
  runs: number
}

/**
 * A test's baseline on the log scale. `modes[0]` is the main mode; further modes
 * are levels that recur in the baseline (for example a process that lands on
 * another JIT tier or memory layout in 10% of runs), each seen in at least
 * MIN_MODE_RUNS runs with main-mode runs between them. A block of consecutive
 * runs on another level (a regression recorded and reverted, or the start of a
 * step, which the trend analysis looks at) is not a mode.
 */
export interface BaselineModel {
  modes: Mode[]
  /** Run-to-run noise within a mode: robust SD of the main mode's log values, never below NOISE_FLOOR. */
  noise: number
  /** Runs of the main mode (the degrees of freedom of the noise estimate are `core - 1`). */
  core: number
  /** All baseline runs. */
  runs: number
}

/**
 * Builds the baseline model from positive values, newest first.
 * Pure and deterministic.
 */
export function baselineModel(newestFirst: readonly number[]): BaselineModel {
  const logs = newestFirst.map(Math.log)
  const m0 = median(logs)
  const sd0 = Math.max(robustSd(logs, m0), NOISE_FLOOR)
  const inCore = logs.map((l) => Math.abs(l - m0) <= CORE_SDS * sd0)
  const core = logs.filter((_, i) => inCore[i])
  const center = median(core)
  const noise = Math.max(robustSd(core, center), NOISE_FLOOR)
  const modes: Mode[] = [{ center, runs: core.length }]
  // Outlying runs, grouped by gaps of more than GROUP_SDS noise SDs.
  const outliers = logs.map((l, age) => ({ l, age })).filter((_, i) => !inCore[i])
  outliers.sort((a, b) => a.l - b.l)
  let group: typeof outliers = []
  const flush = () => {
    if (group.length >= MIN_MODE_RUNS) {
      const ages = group.map((g) => g.age)
      // A recurring level alternates with the main one. Runs that follow one another (a block of
      // consecutive runs, such as a regression recorded and then reverted, or the start of a step)
      // are a change that came and went, not a mode, and must not hide its return.
      if (Math.max(...ages) - Math.min(...ages) + 1 > group.length) modes.push({ center: median(group.map((g) => g.l)), runs: group.length })
    }
    group = []
  }
  for (const o of outliers) {
    const last = group[group.length - 1]
    if (last && (o.l - last.l > GROUP_SDS * noise || Math.sign(o.l - center) !== Math.sign(last.l - center))) flush()
    group.push(o)
  }
  flush()
  return { modes, noise, core: core.length, runs: logs.length }
}

/** Result of comparing one new value with a baseline model. */
export interface ModeComparison {
  /** The mode the value is judged against: the one that explains it best (highest p-value). */
  mode: Mode
  /** Index of that mode in `model.modes` (0 = main mode). */
  modeIndex: number
  /** log(value) - mode centre. */
  d: number
  /** Standard error of `d`: noise·√(observation variance + 1/runs of the mode). */
  se: number
  df: number
  /** Two-sided p-value of "no change" against that mode. */
  p: number
  /** Half-width of the interval of `d` at `confidence`. */
  half: number
}

/**
 * Compares one new value with the baseline. The main mode is the reference; a
 * secondary mode replaces it only when the main mode cannot explain the value
 * (p < 1 - confidence) and the secondary mode can: a run landing on a level the
 * baseline already knows is not a change. A value no mode explains is judged
 * against the main mode, the baseline's usual level. `observationVariance` is the variance of the
 * value in units of one run's (1 for one run; π/(2k) for the median of k runs).
 */
export function compareToModel(value: number, model: BaselineModel, confidence: number, observationVariance = 1): ModeComparison {
  const df = Math.max(model.core - 1, 1)
  const alpha = 1 - confidence
  const q = tQuantile(1 - alpha / 2, df)
  const against = (modeIndex: number): ModeComparison => {
    const mode = model.modes[modeIndex]!
    const d = Math.log(value) - mode.center
    const se = model.noise * Math.sqrt(observationVariance + 1 / mode.runs)
    const t = d / se
    const p = Math.min(1, 2 * Math.min(tCdf(t, df), 1 - tCdf(t, df)))
    return { mode, modeIndex, d, se, df, p, half: q * se }
  }
  const main = against(0)
  if (main.p >= alpha) return main
  let best = main
  for (let i = 1; i < model.modes.length; i++) {
    const c = against(i)
    if (c.p >= alpha && c.p > best.p) best = c
  }
  return best
}
