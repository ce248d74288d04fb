import type { Bench as TinyBench, BenchOptions } from 'tinybench'
import { thin } from '../stats/summary.js'
import type { CustomMetric, PerfSample, SampleStats } from '../types.js'
import type { ResolvedMeasureOptions } from '../config/options.js'
import { leakPhase } from './leak.js'
import { coreShare, type ThreadClock, type ThreadTimes } from './thread.js'
import { round3 } from '../util/format.js'

/** Process readings `measure()` takes around the timed phase; injectable for tests. */
export interface Probes {
  /** Milliseconds, monotonic. */
  now: () => number
  /** CPU time of the process in microseconds, like `process.cpuUsage()`. */
  cpuUsage: () => { user: number; system: number }
  /** Like `process.memoryUsage()`. */
  memoryUsage: () => { heapUsed: number; rss: number }
  /** Like `pidusage(process.pid)`: CPU % since the previous call and RSS in bytes. */
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
  Bench: new (options: BenchOptions) => TinyBench
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
 * Benchmarks `fn` with tinybench and reads CPU and memory around the timed phase.
 *
 * `fn` is called once first: that call's result is returned, and if it throws
 * (or rejects) the error propagates unchanged and nothing is measured; `record`
 * turns that result into custom metrics. Readings are taken outside the timed
 * loop only. With the `leak` metric, a leak phase follows the timed phase.
 */
export async function measure<T>(
  fn: () => T | Promise<T>,
  options: MeasureCallOptions,
  deps: MeasureDeps,
): Promise<Measured<Awaited<T>>> {
  const { probes } = deps
  const until = options.budget?.until ?? Infinity
  const signal = options.budget?.signal
  const capped: string[] = []
  if (signal?.aborted) throw aborted(signal)
  const started = probes.now()
  const first = fn()
  const async = isThenable(first)
  const result = (async ? await first : first) as Awaited<T>
  const firstCallMs = probes.now() - started
  const metrics = options.record ? await options.record(result) : undefined
  if (signal?.aborted) throw aborted(signal)

  // Warm-up by wall clock: tinybench counts only the measured latencies against
  // its budgets, which for a very fast function is a small part of the wall time.
  const thread = probes.thread
  const warmupThread = thread?.read()
  const warmupStart = probes.now()
  const warmupUntil = warmupStart + Math.max(0, (until - warmupStart) * WARMUP_SHARE)
  let warmupRuns = 0
  while (warmupRuns < options.warmupIterations || probes.now() - warmupStart < options.warmupTime) {
    if (probes.now() >= warmupUntil) {
      if (warmupRuns < options.warmupIterations) capped.push(`warm-up ran ${warmupRuns} of ${options.warmupIterations} iterations`)
      break
    }
    if (async) await fn()
    else fn()
    warmupRuns++
    if (signal?.aborted) throw aborted(signal)
  }
  const warmupMs = probes.now() - warmupStart
  const warmupShare = warmupThread && thread ? coreShare(warmupThread, thread.read(), warmupMs) : undefined
  let timedThread: { start: number; before: ThreadTimes; end: number; after: ThreadTimes } | undefined
  const wantLeak = options.metrics.includes('leak')
  // With a deadline, the leak phase gets half of what is left after the timed phase's share.
  const timedUntil = wantLeak && until !== Infinity ? probes.now() + (until - probes.now()) / 2 : until

  const wantCpu = options.metrics.includes('cpu')
  const wantMemory = options.metrics.includes('memory')
  let cpuBefore = { user: 0, system: 0 }
  let cpuAfter = cpuBefore
  let heapBefore = 0
  let heapAfter = 0
  let rss = 0
  let cpuPercent: number | undefined
  let processRss: number | undefined

  // The timed phase also stops on the wall clock once `time` has passed, unless
  // the first call says the minimum iterations need longer than that.
  const limit = new AbortController()
  let deadline = Infinity
  // Called twice per timed iteration: kept to one extra comparison around the clock.
  const clock = probes.now
  const now = () => {
    const t = clock()
    if (t > deadline) stop()
    return t
  }
  const stop = () => {
    deadline = Infinity
    limit.abort()
  }
  signal?.addEventListener('abort', stop, { once: true })
  const bench = new deps.Bench({
    time: options.time,
    iterations: options.iterations,
    warmup: false,
    retainSamples: true,
    now,
    signal: limit.signal,
  })
  bench.add('perf', fn as () => unknown, {
    async,
    async beforeAll() {
      // pidusage first: its CPU % covers the span between this call and the next.
      if (wantCpu || wantMemory) await probes.processStats()
      if (wantMemory) heapBefore = probes.memoryUsage().heapUsed
      if (wantCpu) cpuBefore = probes.cpuUsage()
      const before = thread?.read()
      const start = probes.now()
      if (before) timedThread = { start, before, end: start, after: before }
      // Never before one more call could finish: at least one timed iteration.
      deadline = Math.min(start + Math.max(options.time, 2 * options.iterations * firstCallMs), Math.max(timedUntil, start + 1.5 * firstCallMs))
    },
    async afterAll() {
      deadline = Infinity
      if (timedThread && thread) {
        timedThread.end = probes.now()
        timedThread.after = thread.read()
      }
      if (wantCpu) cpuAfter = probes.cpuUsage()
      if (wantMemory) {
        const mem = probes.memoryUsage()
        heapAfter = mem.heapUsed
        rss = mem.rss
      }
      if (wantCpu || wantMemory) {
        const stats = await probes.processStats()
        cpuPercent = stats.cpu
        processRss = stats.memory
      }
    },
  })
  try {
    await bench.run()
  } finally {
    signal?.removeEventListener('abort', stop)
  }
  if (signal?.aborted) throw aborted(signal)

  const taskResult = bench.tasks[0]?.result
  if (!taskResult || taskResult.state === 'errored') {
    throw taskResult && 'error' in taskResult ? taskResult.error : new Error('perf(): the benchmark did not run')
  }
  if (taskResult.state !== 'completed' && taskResult.state !== 'aborted-with-statistics') {
    throw new Error(`perf(): the benchmark ended in state "${taskResult.state}"`)
  }
  const latency = taskResult.latency
  const sorted = latency.samples
  if (!sorted || sorted.length === 0) {
    throw new Error(
      until === Infinity
        ? 'perf(): the benchmark recorded no iterations'
        : "perf(): the test's timeout left no time to measure: raise the test's timeout (the third argument of test()) or shorten the work before perf()",
    )
  }
  const iterations = sorted.length
  if (until !== Infinity && iterations < options.iterations) capped.push(`the timed phase ran ${iterations} of ${options.iterations} iterations`)
  // After the timed phase, so that its GCs and extra calls do not disturb the timings.
  const leakBudget = Math.min(options.time, Math.max(0, until - probes.now()))
  const heapGrowth = wantLeak ? await leakPhase(fn, async, { budgetMs: leakBudget, callMs: latency.mean }, probes) : undefined
  if (signal?.aborted) throw aborted(signal)
  if (capped.length > 0 && options.budget?.onCapped) {
    options.budget.onCapped(`${capped.join(' and ')} to finish inside the test's timeout; raise the timeout for a steadier measurement`)
  }
  const ns = (ms: number) => round3(ms * MS_TO_NS)
  // tinybench has already sorted the samples and computed their statistics.
  const wallNs: SampleStats = {
    n: iterations,
    mean: ns(latency.mean),
    median: ns(latency.p50),
    p75: ns(latency.p75),
    p99: ns(latency.p99),
    min: ns(latency.min),
    max: ns(latency.max),
    sd: iterations > 1 ? ns(latency.sd) : 0,
  }

  const sample: PerfSample = {
    iterations,
    warmup: { iterations: warmupRuns, time_ms: round3(warmupMs) },
    wall_ns: wallNs,
    // A spread of the distribution (the retained samples are sorted).
    raw_wall_ns: thin(sorted, options.rawSamples).map(ns),
    duration_ms: round3(probes.now() - started),
  }
  if (options.name !== undefined) sample.name = options.name
  if (wantCpu) {
    const cpuUs = cpuAfter.user - cpuBefore.user + (cpuAfter.system - cpuBefore.system)
    sample.cpu_ns = round3((cpuUs * 1000) / iterations)
    if (cpuPercent !== undefined) sample.cpu_percent = round3(cpuPercent)
  }
  const timedShare = timedThread ? coreShare(timedThread.before, timedThread.after, timedThread.end - timedThread.start) : undefined
  if (thread && timedThread && timedShare) {
    sample.thread_cpu_ns = round3((timedThread.after.cpuNs - timedThread.before.cpuNs) / iterations)
    sample.core = { source: thread.source, timed: roundShare(timedShare), ...(warmupShare ? { warmup: roundShare(warmupShare) } : {}) }
  }
  if (wantMemory) {
    sample.heap_used_bytes = heapAfter
    sample.heap_delta_bytes = heapAfter - heapBefore
    sample.rss_bytes = processRss ?? rss
  }
  if (heapGrowth) sample.heap_growth = heapGrowth
  if (metrics && Object.keys(metrics).length > 0) sample.metrics = metrics
  return { result, sample }
}
