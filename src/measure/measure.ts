import { thin } from '../stats/summary.js'
import type { CustomMetric, PerfSample, SampleStats } from '../types.js'
import type { ResolvedMeasureOptions } from '../config/options.js'
import { leakPhase } from './leak.js'
import { batchRunner, timedPhase, warmUp } from './phases.js'
import { quantileOfSorted, standardDeviation } from './samples.js'
import { coreShare, type ThreadClock } from './thread.js'
import { round3 } from '../util/format.js'

/** Process readings `measure()` takes around the timed phase; injectable for tests. */
export interface Probes {
  /** Milliseconds, monotonic. */
  now: () => number
  /** CPU time of the process in microseconds, like `process.cpuUsage()`. */
  cpuUsage: () => { user: number; system: number }
  /** Like `process.memoryUsage()`. */
  memoryUsage: () => { heapUsed: number; rss: number }
  /** The process's CPU % (of one core) since the previous call, and its RSS in bytes. */
  processStats: () => Promise<{ cpu: number; memory: number }>
  /** A full, synchronous garbage collection (V8's `gc()`); used by the leak phase only. */
  gc: () => void
  /** CPU time of the measuring thread (see `threadClock`); without it no core share is recorded. */
  thread?: ThreadClock | undefined
}

/** Options of one `measure()` call. */
export type MeasureCallOptions = ResolvedMeasureOptions & {
  name?: string | undefined
  rawSamples: number
  /**
   * Turns the first call's result into custom metrics (already checked), recorded
   * on the sample. An error it throws propagates and nothing is measured.
   */
  record?: ((result: unknown) => Record<string, CustomMetric> | Promise<Record<string, CustomMetric>>) | undefined
  /** When the measurement must be done by: the test's timeout (see `timeBudget`). */
  budget?: MeasureBudget | undefined
}

/**
 * A deadline the measurement fits inside, so that `perf()` never outlives its
 * test: warm-up, timed phase and leak phase are cut to end by `until`, even
 * below their minimum iterations (said once through `onCapped`).
 */
export interface MeasureBudget {
  /** Deadline on the probes' clock, in milliseconds. */
  until: number
  /** Aborted when the test is (timed out, or cancelled): the measurement stops and rejects with its reason. */
  signal?: AbortSignal | undefined
  /** Told once when the deadline forces fewer iterations than the options ask for. */
  onCapped?: ((message: string) => void) | undefined
}

/** Share of the time left after the first call that the warm-up may use when a deadline is near. */
const WARMUP_SHARE = 0.2

/**
 * The deadline for a test that started at `start` with `timeoutMs` (0 or
 * Infinity: none). Leaves a margin of a tenth of the timeout, at least 50 ms,
 * for the test's own code after `perf()` and for the runner's bookkeeping.
 */
export function timeBudget(start: number, timeoutMs: number | undefined): number {
  if (!timeoutMs || !Number.isFinite(timeoutMs) || timeoutMs <= 0) return Infinity
  return start + timeoutMs - Math.max(50, 0.1 * timeoutMs)
}

function aborted(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason
  return reason instanceof Error ? reason : new Error('perf(): the test was aborted, so the measurement stopped')
}

export interface MeasureDeps {
  probes: Probes
}

export interface Measured<T> {
  /** What the first call of the function returned (awaited). */
  result: T
  sample: PerfSample
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function'

const MS_TO_NS = 1e6
const roundShare = (c: { cpu: number; wait?: number }) => ({ cpu: round3(c.cpu), ...(c.wait !== undefined ? { wait: round3(c.wait) } : {}) })

/**
 * Benchmarks `fn` and reads CPU and memory around the timed phase.
 *
 * `fn` is called once first: that call's result is returned, and if it throws
 * (or rejects) the error propagates unchanged and nothing is measured; `record`
 * turns that result into custom metrics. Calls are timed in batches (see
 * `phases.ts`); readings are taken outside the timed phase only. With the `leak`
 * metric, a leak phase follows the timed phase.
 */
export async function measure<T>(
  fn: () => T | Promise<T>,
  options: MeasureCallOptions,
  deps: MeasureDeps,
): Promise<Measured<Awaited<T>>> {
  const { probes } = deps
  const now = probes.now
  const until = options.budget?.until ?? Infinity
  const signal = options.budget?.signal
  const check = () => {
    if (signal?.aborted) throw aborted(signal)
  }
  const capped: string[] = []
  check()
  const started = now()
  const first = fn()
  const async = isThenable(first)
  const result = (async ? await first : first) as Awaited<T>
  const firstCallMs = now() - started
  const metrics = options.record ? await options.record(result) : undefined
  check()
  const run = batchRunner(fn, async, signal)

  // Warm-up by wall clock, which also sets the batch size of the timed phase.
  const thread = probes.thread
  const warmupThread = thread?.read()
  const warmupStart = now()
  const warmup = await warmUp(
    run,
    {
      iterations: options.warmupIterations,
      time: options.warmupTime,
      until: warmupStart + Math.max(0, (until - warmupStart) * WARMUP_SHARE),
      firstCallMs,
    },
    now,
    check,
  )
  if (warmup.cut) capped.push(`warm-up ran ${warmup.calls} of ${options.warmupIterations} iterations`)
  const warmupShare = warmupThread && thread ? coreShare(warmupThread, thread.read(), warmup.ms) : undefined
  const wantLeak = options.metrics.includes('leak')
  // With a deadline, the leak phase gets half of what is left after the timed phase's share.
  const timedUntil = wantLeak && until !== Infinity ? now() + (until - now()) / 2 : until

  const wantCpu = options.metrics.includes('cpu')
  const wantMemory = options.metrics.includes('memory')
  let cpuBefore = { user: 0, system: 0 }
  let heapBefore = 0
  // Process stats first: their CPU % covers the span between this call and the next.
  if (wantCpu || wantMemory) await probes.processStats()
  check()
  if (wantMemory) heapBefore = probes.memoryUsage().heapUsed
  if (wantCpu) cpuBefore = probes.cpuUsage()
  const threadBefore = thread?.read()
  const start = now()
  // The timed phase stops on the wall clock once `time` has passed, unless the first call
  // says the minimum iterations need longer than that; never before one batch has run.
  const deadline = Math.min(start + Math.max(options.time, 2 * options.iterations * firstCallMs), Math.max(timedUntil, start + 1.5 * firstCallMs))
  const samples = await timedPhase(run, { batch: warmup.batch, iterations: options.iterations, time: options.time, deadline }, start, now, check)
  const end = now()
  const threadAfter = thread?.read()
  const cpuAfter = wantCpu ? probes.cpuUsage() : cpuBefore
  const memoryAfter = wantMemory ? probes.memoryUsage() : undefined
  const stats = wantCpu || wantMemory ? await probes.processStats() : undefined
  check()

  const { sorted, meanMs, calls: iterations } = samples.summary()
  if (until !== Infinity && iterations < options.iterations) capped.push(`the timed phase ran ${iterations} of ${options.iterations} iterations`)
  // After the timed phase, so that its GCs and extra calls do not disturb the timings.
  const leakBudget = Math.min(options.time, Math.max(0, until - now()))
  const heapGrowth = wantLeak ? await leakPhase(fn, async, { budgetMs: leakBudget, callMs: meanMs }, probes) : undefined
  check()
  if (capped.length > 0 && options.budget?.onCapped) {
    options.budget.onCapped(`${capped.join(' and ')} to finish inside the test's timeout; raise the timeout for a steadier measurement`)
  }
  const ns = (ms: number) => round3(ms * MS_TO_NS)
  // Each sample is the per-call time of one batch; the mean is over every call.
  const wallNs: SampleStats = {
    n: sorted.length,
    mean: ns(meanMs),
    median: ns(quantileOfSorted(sorted, 0.5)),
    p75: ns(quantileOfSorted(sorted, 0.75)),
    p99: ns(quantileOfSorted(sorted, 0.99)),
    min: ns(sorted[0]!),
    max: ns(sorted[sorted.length - 1]!),
    sd: ns(standardDeviation(sorted)),
  }

  const sample: PerfSample = {
    iterations,
    warmup: { iterations: warmup.calls, time_ms: round3(warmup.ms) },
    wall_ns: wallNs,
    // A spread of the distribution: evenly spaced ranks of the sorted samples.
    raw_wall_ns: thin(Array.from(sorted), options.rawSamples).map(ns),
    duration_ms: round3(now() - started),
  }
  if (options.name !== undefined) sample.name = options.name
  if (wantCpu) {
    const cpuUs = cpuAfter.user - cpuBefore.user + (cpuAfter.system - cpuBefore.system)
    sample.cpu_ns = round3((cpuUs * 1000) / iterations)
    if (stats) sample.cpu_percent = round3(stats.cpu)
  }
  const timedShare = threadBefore && threadAfter ? coreShare(threadBefore, threadAfter, end - start) : undefined
  if (thread && threadBefore && threadAfter && timedShare) {
    sample.thread_cpu_ns = round3((threadAfter.cpuNs - threadBefore.cpuNs) / iterations)
    sample.core = { source: thread.source, timed: roundShare(timedShare), ...(warmupShare ? { warmup: roundShare(warmupShare) } : {}) }
  }
  if (memoryAfter) {
    sample.heap_used_bytes = memoryAfter.heapUsed
    sample.heap_delta_bytes = memoryAfter.heapUsed - heapBefore
    sample.rss_bytes = stats?.memory ?? memoryAfter.rss
  }
  if (heapGrowth) sample.heap_growth = heapGrowth
  if (metrics && Object.keys(metrics).length > 0) sample.metrics = metrics
  return { result, sample }
}
