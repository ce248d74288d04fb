import type { PerfSample } from '../../src/types.js'

export interface LoadFigures {
  throughput?: number
  /** Latencies in ms. */
  p50?: number
  p95?: number
  p99?: number
  errors?: number
  calls?: number
  unfinished?: number
  messages?: { message: string; count: number }[]
}

/** A load sample as perf.load() records it, with the given figures. */
export function loadSample(f: LoadFigures = {}, extra: Partial<PerfSample> = {}): PerfSample {
  const throughput = f.throughput ?? 1000
  const p50 = (f.p50 ?? 5) * 1e6
  const p95 = (f.p95 ?? 8) * 1e6
  const p99 = (f.p99 ?? 10) * 1e6
  const calls = f.calls ?? 1000
  const errors = f.errors ?? 0
  const ns = (value: number) => ({ value, better: 'lower' as const, unit: 'ns' })
  return {
    iterations: calls,
    warmup: { iterations: 100, time_ms: 200 },
    wall_ns: { n: calls, mean: p50, median: p50, p75: p50, p99, min: p50 / 2, max: p99 * 2, sd: p50 / 10 },
    raw_wall_ns: [p50, p95, p99],
    duration_ms: 1300,
    metrics: {
      throughput: { value: throughput, better: 'higher', unit: 'calls/s' },
      'latency p50': ns(p50),
      'latency p90': ns(p95 * 0.9),
      'latency p95': ns(p95),
      'latency p99': ns(p99),
      'latency max': ns(p99 * 2),
      errors: { value: errors, better: 'lower', unit: 'calls', absolute: true },
      'error rate': { value: (errors / calls) * 100, better: 'lower', unit: '%', absolute: true },
      concurrency: { value: 8, better: 'lower', unit: 'calls' },
    },
    load: {
      model: 'closed',
      duration_ms: 1000,
      unfinished: f.unfinished ?? 0,
      error_messages: f.messages ?? [],
      steps: [{ level: 8, calls, errors, throughput, concurrency: 8, efficiency: 1, latency_ns: { p50, p95, p99 } }],
    },
    ...extra,
  }
}
