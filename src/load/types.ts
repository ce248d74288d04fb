/** The types of `perf.load()`: what each call gets, the checked plan, the generator's parts and run, and the result. */
import type { Latencies } from './histogram.js'

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

/** Time and timers. Milliseconds, monotonic. */
export interface LoadClock {
  now(): number
  /** Resolves once `now()` has reached `at`, or at once when `signal` is (or gets) aborted. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>
  /** Lets the rest of the event loop (I/O, timers) run before resolving. */
  yield(): Promise<void>
}

/** Process readings around the measured phases. */
export interface LoadProbes {
  /** CPU time of the process in microseconds, like `process.cpuUsage()`. */
  cpuUsage(): { user: number; system: number }
  /** Like `process.memoryUsage()`. */
  memoryUsage(): { heapUsed: number; rss: number }
}

export interface LoadDeps {
  clock: LoadClock
  probes: LoadProbes
  /** A new latency histogram. @default an HDR histogram (`latencies()`) */
  histogram?: () => Latencies
}

/** When the load test must be over (the test's timeout), and the test's abort signal. */
export interface LoadBudget {
  /** Deadline on the clock, in milliseconds. */
  until: number
  signal?: AbortSignal | undefined
}

/** What one level's measured phase saw. */
export interface StepRun {
  level: number
  /** Length of the measured phase, ms. */
  durationMs: number
  /** Latencies (ns) of the calls started (open model: scheduled) in the phase that finished, failed ones included. */
  latencies: Latencies
  /** Of those, the calls that threw or rejected. */
  errors: number
  /** Calls that finished while the phase lasted, whenever they started: the throughput's numerator. */
  completed: number
  /** Calls in flight on average over the phase. */
  concurrency: number
  /** CPU time of the process over the phase, in microseconds. */
  cpuUs: number
}

export interface LoadRun {
  steps: StepRun[]
  /** Calls that finished outside every measured phase (ramp-up and warm-up), and the time those phases took, ms. */
  warmup: { calls: number; ms: number }
  /** Calls still running (or, open model, still waiting for a slot) when they were cut off at the end. */
  unfinished: number
  /** The first distinct error messages, printable and cut short, with how often each was seen. */
  errorMessages: { message: string; count: number }[]
  /** What the test's timeout cut short, in words. */
  capped: string[]
  memory: { heapBefore: number; heapAfter: number; rss: number }
  /** Wall time of the whole load test, ms. */
  totalMs: number
}
