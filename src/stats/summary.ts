import { mean, quantileSorted, sampleStandardDeviation } from 'simple-statistics'
import type { SampleStats } from '../types.js'

/**
 * Summary statistics of a non-empty list of finite numbers.
 * @throws RangeError when `values` is empty or holds a non-finite number.
 */
export function summarize(values: readonly number[]): SampleStats {
  if (values.length === 0) throw new RangeError('summarize() needs at least one value')
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`summarize() got a non-finite value (${v})`)
  }
  const sorted = [...values].sort((a, b) => a - b)
  return {
    n: sorted.length,
    mean: mean(sorted),
    median: quantileSorted(sorted, 0.5),
    p75: quantileSorted(sorted, 0.75),
    p99: quantileSorted(sorted, 0.99),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    sd: sorted.length > 1 ? sampleStandardDeviation(sorted) : 0,
  }
}

/**
 * At most `limit` values, evenly spaced over `values` in their original order
 * (so a trend across iterations stays visible), always including the first and last.
 */
export function thin(values: readonly number[], limit: number): number[] {
  if (limit <= 0) return []
  if (values.length <= limit) return [...values]
  if (limit === 1) return [values[values.length - 1]!]
  const out: number[] = []
  const step = (values.length - 1) / (limit - 1)
  for (let i = 0; i < limit; i++) out.push(values[Math.round(i * step)]!)
  return out
}
