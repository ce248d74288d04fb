import { inject, test as baseTest, type TaskMeta } from 'vitest'
import type { PerfSample } from '../types.js'
import { DEFAULTS } from '../config/options.js'
import { checkPerfCall, claimName, type PerfOptions } from '../config/perf-call.js'
import { abSettings } from '../ab/settings.js'
import { pairedMeasure } from '../ab/worker.js'
import { measure, timeBudget } from '../measure/measure.js'
import { defaultMeasureDeps } from '../measure/probes.js'
import { defaultLoadDeps } from '../load/clock.js'
import { checkLoadCall, type LoadCall, type LoadOptions } from '../load/options.js'
import type { LoadResult } from '../load/result.js'
import { measureLoad } from '../load/run.js'
import { printable } from '../report/printable.js'
import { META_KEY } from './meta.js'
import { PROVIDE_KEY, type WorkerSettings } from './settings.js'

export type { PerfOptions, LoadCall, LoadOptions, LoadResult }

/**
 * Calls `fn` under load (docs/load.md) and records throughput, latency percentiles and errors.
 * A call that throws or rejects counts as an error; the load test itself fails only on bad
 * options, a timeout it cannot fit, or when no call finished.
 */
export type LoadFn = (fn: (call: LoadCall) => unknown, options: LoadOptions) => Promise<LoadResult>

/**
 * Benchmarks `fn` and records the measurement for the perf-regression reporter.
 * Resolves to what the first call of `fn` returned, so the test can still assert on it.
 * If `fn` throws or rejects, the error propagates and nothing is recorded.
 */
export type PerfFn = (<T>(fn: () => T | Promise<T>, options?: PerfOptions<Awaited<T>>) => Promise<Awaited<T>>) & {
  /** A load test inside the test: `await perf.load(() => fetch(url), { concurrency: 16, duration: '2s' })`. */
  load: LoadFn
}

/** The part of Vitest's test task that `perf()` uses. */
export interface PerfTask {
  name: string
  meta: TaskMeta
  concurrent?: boolean | undefined
  /** The test's timeout in milliseconds (0: none); `perf()` fits inside it. */
  timeout?: number | undefined
  /** The test's file (used by A/B runs to tell the base's copy of a test from the head's). */
  file?: { filepath: string } | undefined
  /** The enclosing suite (`describe`), up to the file. */
  suite?: { name: string; suite?: unknown; filepath?: string } | undefined
}

/** Suite names and the test name joined with ` > `, as the reporter names tests. */
export function fullTestName(task: PerfTask): string {
  const parts = [task.name]
  let suite = task.suite
  while (suite && suite.filepath === undefined && suite.name) {
    parts.unshift(suite.name)
    suite = suite.suite as PerfTask['suite']
  }
  return parts.join(' > ')
}


function workerSettings(): WorkerSettings {
  const provided = inject(PROVIDE_KEY) as WorkerSettings | undefined
  return provided ?? { measure: DEFAULTS.measure, rawSamples: DEFAULTS.rawSamples, baselineMode: DEFAULTS.baselineMode }
}

const warnedConcurrent = new WeakSet<object>()

/** How the running test bounds `perf()`: when it started, and its abort signal (Vitest's test-context `signal`). */
export interface PerfContext {
  /** `performance.now()` when the test started. */
  startedAt: number
  signal?: AbortSignal | undefined
}

/** Creates the `perf` function bound to one test task. */
export function createPerf(
  task: PerfTask,
  settings: () => WorkerSettings = workerSettings,
  context: PerfContext = { startedAt: performance.now() },
): PerfFn {
  const names = new Set<string | undefined>()
  const until = timeBudget(context.startedAt, task.timeout)
  const claim = (name: string | undefined) => {
    claimName(names, name)
    if (task.concurrent && !warnedConcurrent.has(task)) {
      warnedConcurrent.add(task)
      console.warn(
        `perf-regression: "${printable(task.name)}" runs concurrently with other tests; its timings are disturbed by them. Run benchmarked tests sequentially.`,
      )
    }
    return {
      until,
      signal: context.signal,
      onCapped: (message: string) => console.warn(`perf-regression: "${printable(task.name)}"${name === undefined ? '' : ` [${printable(name)}]`}: ${message}.`),
    }
  }
  const keep = (sample: PerfSample) => {
    const list = task.meta[META_KEY] ?? []
    list.push(sample)
    task.meta[META_KEY] = list
  }
  const load: LoadFn = async (fn, options) => {
    const call = checkLoadCall(fn, options)
    const budget = claim(call.name)
    const { result, sample } = await measureLoad(fn, call, { rawSamples: settings().rawSamples, budget }, defaultLoadDeps)
    keep(sample)
    return result
  }
  const perf = async <T>(fn: () => T | Promise<T>, options?: PerfOptions<Awaited<T>>): Promise<Awaited<T>> => {
    const { overrides, name, record } = checkPerfCall(fn, options)
    const budget = claim(name)
    const { measure: defaults, rawSamples } = settings()
    const callOptions = { ...defaults, ...overrides, name, rawSamples, record, budget }
    const ab = abSettings()
    const { result, sample } =
      ab?.design === 'paired' && task.file
        ? await pairedMeasure(fn, callOptions, { file: task.file.filepath, test: fullTestName(task) }, ab, defaultMeasureDeps)
        : await measure(fn, callOptions, defaultMeasureDeps)
    keep(sample)
    return result as Awaited<T>
  }
  return Object.assign(perf, { load })
}

/**
 * The fixture definition, for merging into your own `test.extend({ ...perfFixture, ... })`.
 */
export const perfFixture = {
  perf: async ({ task, signal }: { task: PerfTask; signal?: AbortSignal }, use: (perf: PerfFn) => Promise<void>): Promise<void> => {
    await use(createPerf(task, workerSettings, { startedAt: performance.now(), signal }))
  },
}

const extendTest = () => baseTest.extend<{ perf: PerfFn }>(perfFixture as never)
type PerfTest = ReturnType<typeof extendTest>

/**
 * Vitest's `test`, extended with the `perf` fixture.
 *
 * Created on first use: Vitest's `test.extend` needs a running test file, and
 * this module is also imported by `vitest.config.*` (for the plugin).
 */
export const test: PerfTest = lazyFunction(extendTest)
export const it: PerfTest = test

function lazyFunction<F extends object>(create: () => F): F {
  let real: F | undefined
  const get = () => (real ??= create())
  return new Proxy(function perfTest() {} as unknown as F, {
    apply: (_target, thisArg, args) => Reflect.apply(get() as (...a: unknown[]) => unknown, thisArg, args),
    get: (_target, prop) => Reflect.get(get(), prop),
    has: (_target, prop) => Reflect.has(get(), prop),
  })
}
