/** Small statistics of the A/B judge: medians, means, variances and its t-test of per-process log ratios. Pure. */
import { tCdf, tQuantile } from '../stats/tdist.js'

/** Smallest spread between processes assumed for a paired comparison (log scale): 1%. */
export const PROCESS_FLOOR = 0.01

export const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
export const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length
export const variance = (v: readonly number[]) => {
  if (v.length < 2) return 0
  const m = mean(v)
  return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)
}

/** What the t-test gives: the mean log ratio, its standard error, the p-value, the quantile of the interval and the spread. */
export interface TTest {
  log_ratio: number
  se: number
  p: number
  q: number
  df: number
  spread: number
}

/** A one-sample t-test of per-process log ratios, their spread floored at `PROCESS_FLOOR`. */
export function tTest(x: readonly number[], alphaLook: number): TTest {
  const k = x.length
  const sd = Math.sqrt(variance(x))
  const se = Math.max(sd, PROCESS_FLOOR) / Math.sqrt(k)
  const m = mean(x)
  return {
    log_ratio: m,
    se,
    p: Math.min(1, 2 * (1 - tCdf(Math.abs(m / se), k - 1))),
    q: tQuantile(1 - alphaLook / 2, k - 1),
    df: k - 1,
    spread: sd,
  }
}

