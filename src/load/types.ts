/** The types of `perf.load()`: what each call gets, the checked plan, and the result. */

/** What each call of the function under load is given. */
export interface LoadCall {
  /** Aborted when `perf.load()` cuts off the calls still running at its end, or when the test is aborted: pass it on (`fetch(url, { signal })`). */
  signal: AbortSignal
}

/** A checked load test: which model, its levels, and its phases in milliseconds. */
export interface LoadPlan {
  readonly model: 'closed' | 'open'
  /** Workers (closed) or calls per second (open), one measured phase each. */
  readonly levels: readonly number[]
  /** Most calls in flight at once: `maxConcurrency` (open), the highest level (closed). */
  readonly maxConcurrency: number
  /** Length of each measured phase, unless `calls` ends it. */
  readonly durationMs: number | undefined
  readonly calls: number | undefined
  readonly rampUpMs: number
  readonly warmupMs: number
  readonly drainMs: number
}

/** Latencies of a load test, in milliseconds. */
export interface LatencyMs {
  p50: number
  p90: number
  p95: number
  p99: number
  max: number
  mean: number
}

/** One level of a load test. */
export interface LoadStepResult {
  /** Workers (closed model) or calls per second (open model). */
  level: number
  /** Calls started in the measured phase that finished, failed ones included. */
  calls: number
  errors: number
  /** errors / calls, from 0 to 1. */
  errorRate: number
  /** Calls finished per second of the measured phase. */
  throughput: number
  latencyMs: LatencyMs
  /** Calls in flight on average. */
  concurrency: number
  /** Throughput per unit of level against the first level's (1 for the first): how well it scales. */
  efficiency: number
}

/** What `perf.load()` resolves to: the last level's figures, and every level's. */
export interface LoadResult extends Omit<LoadStepResult, 'level' | 'efficiency'> {
  model: 'closed' | 'open'
  /** Calls still running, or waiting for a slot, when they were cut off at the end. */
  unfinished: number
  /** The first distinct error messages (printable, cut to 200 characters) and how often each was seen. */
  errorMessages: { message: string; count: number }[]
  steps: LoadStepResult[]
}
