/**
 * Latencies of a load test in an HDR histogram (Node's `perf_hooks.createHistogram`): each
 * call is one native record, nothing is kept per call or sorted, and percentiles are read to
 * three significant digits whatever the number of calls.
 */
import { createHistogram } from 'node:perf_hooks'

/** The part of Node's `RecordableHistogram` a load test uses. Values are nanoseconds. */
export interface Latencies {
  record(ns: number): void
  percentile(p: number): number
  readonly count: number
  readonly min: number
  readonly max: number
  readonly mean: number
  readonly stddev: number
}

/** A histogram for latencies from 1 ns to about 290 years, with 3 significant digits. */
export function latencies(): Latencies {
  const h = createHistogram({ lowest: 1, highest: Number.MAX_SAFE_INTEGER, figures: 3 })
  return {
    // The histogram takes whole numbers from 1 up.
    record: (ns) => h.record(Math.max(1, Math.round(ns))),
    percentile: (p) => h.percentile(p),
    get count() {
      return h.count
    },
    get min() {
      return h.min
    },
    get max() {
      return h.max
    },
    get mean() {
      return h.mean
    },
    get stddev() {
      return h.stddev
    },
  }
}

/** Percentiles of a load test's latencies, in nanoseconds. */
export interface LatencySummary {
  n: number
  mean: number
  min: number
  p50: number
  p75: number
  p90: number
  p95: number
  p99: number
  max: number
  sd: number
}

/** The summary of a histogram; all zeros when it is empty. */
export function summarizeLatencies(h: Latencies): LatencySummary {
  if (h.count === 0) return { n: 0, mean: 0, min: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, max: 0, sd: 0 }
  return {
    n: h.count,
    mean: h.mean,
    min: h.min,
    p50: h.percentile(50),
    p75: h.percentile(75),
    p90: h.percentile(90),
    p95: h.percentile(95),
    p99: h.percentile(99),
    max: h.max,
    sd: h.count > 1 ? h.stddev : 0,
  }
}

/** `k` evenly spaced quantiles of the distribution (the midpoints of k equal slices), lowest first: a spread of it like `perf()`'s raw samples. */
export function spreadOf(h: Latencies, k: number): number[] {
  if (h.count === 0 || k <= 0) return []
  return Array.from({ length: k }, (_, i) => h.percentile(((i + 0.5) / k) * 100))
}
