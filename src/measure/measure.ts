import type { Bench as TinyBench, BenchOptions } from 'tinybench'
import { summarize, thin } from '../stats/summary.js'
import type { PerfSample } from '../types.js'
import type { ResolvedMeasureOptions } from '../config/options.js'

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

/**
 * Benchmarks `fn` with tinybench and reads CPU and memory around the timed phase.
 *
 * `fn` is called once first: that call's result is returned, and if it throws
 * (or rejects) the error propagates unchanged and nothing is measured.
 * Readings are taken outside the timed loop only.
 */
export async function measure<T>(
  fn: () => T | Promise<T>,
  options: ResolvedMeasureOptions & { name?: string | undefined; rawSamples: number },
  deps: MeasureDeps,
): Promise<Measured<Awaited<T>>> {
  const { probes } = deps
  const started = probes.now()
  const first = fn()
  const async = isThenable(first)
  const result = (async ? await first : first) as Awaited<T>

  const wantCpu = options.metrics.includes('cpu')
  const wantMemory = options.metrics.includes('memory')
  let cpuBefore = { user: 0, system: 0 }
  let cpuAfter = cpuBefore
  let heapBefore = 0
  let heapAfter = 0
  let rss = 0
  let cpuPercent: number | undefined
  let processRss: number | undefined

  const warmup = options.warmupIterations > 0 || options.warmupTime > 0
  const bench = new deps.Bench({
    time: options.time,
    iterations: options.iterations,
    warmup,
    warmupTime: options.warmupTime,
    warmupIterations: options.warmupIterations,
    retainSamples: true,
    now: probes.now,
  })
  bench.add('perf', fn as () => unknown, {
    async,
    async beforeAll(mode) {
      if (mode !== 'run') return
      // pidusage first: its CPU % covers the span between this call and the next.
      if (wantCpu || wantMemory) await probes.processStats()
      if (wantMemory) heapBefore = probes.memoryUsage().heapUsed
      if (wantCpu) cpuBefore = probes.cpuUsage()
    },
    async afterAll(mode) {
      if (mode !== 'run') return
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
  await bench.run()

  const task = bench.tasks[0]
  const taskResult = task?.result
  if (!taskResult || taskResult.state === 'errored') {
    throw taskResult && 'error' in taskResult ? taskResult.error : new Error('perf(): the benchmark did not run')
  }
  if (taskResult.state !== 'completed') {
    throw new Error(`perf(): the benchmark ended in state "${taskResult.state}"`)
  }
  const latencies = taskResult.latency.samples
  if (!latencies || latencies.length === 0) throw new Error('perf(): the benchmark recorded no iterations')
  // Retained samples are sorted; tinybench keeps no iteration order, so the raw subset is a spread of the distribution.
  const wallNs = latencies.map((ms) => ms * MS_TO_NS)
  const iterations = wallNs.length

  const sample: PerfSample = {
    iterations,
    warmup: { min_iterations: warmup ? options.warmupIterations : 0, time_ms: warmup ? options.warmupTime : 0 },
    wall_ns: summarize(wallNs),
    raw_wall_ns: thin(wallNs, options.rawSamples).map((v) => Math.round(v * 1000) / 1000),
    duration_ms: probes.now() - started,
  }
  if (options.name !== undefined) sample.name = options.name
  if (wantCpu) {
    const cpuUs = cpuAfter.user - cpuBefore.user + (cpuAfter.system - cpuBefore.system)
    sample.cpu_ns = (cpuUs * 1000) / iterations
    if (cpuPercent !== undefined) sample.cpu_percent = cpuPercent
  }
  if (wantMemory) {
    sample.heap_used_bytes = heapAfter
    sample.heap_delta_bytes = heapAfter - heapBefore
    sample.rss_bytes = processRss ?? rss
  }
  return { result, sample }
}
