import { DEFAULTS } from '../config/options.js'
import { checkPerfCall, claimName, type PerfOptions } from '../config/perf-call.js'
import { abSettings } from '../ab/settings.js'
import { pairedMeasure } from '../ab/worker.js'
import { measure, timeBudget } from '../measure/measure.js'
import { printable } from '../report/printable.js'
import { runningTest, type RunningTest } from './circus.js'
import { defaultMeasureDeps } from '../measure/probes.js'
import { parseSettings, SETTINGS_ENV, SPOOL_ENV, writeSpooled } from './spool.js'
import type { ResolvedMeasureOptions } from '../config/options.js'
import type { MeasureBudget } from '../measure/measure.js'
import type { PerfSample } from '../types.js'
import { defaultLoadDeps } from '../load/clock.js'
import { checkLoadCall, type LoadCall, type LoadOptions } from '../load/options.js'
import type { LoadResult } from '../load/result.js'
import { measureLoad } from '../load/run.js'

export type { PerfOptions, LoadCall, LoadOptions, LoadResult }

interface ExpectState {
  currentTestName?: string
  testPath?: string
}

declare const expect: { getState(): ExpectState } | undefined

/** Measurement settings the reporter hands to workers; defaults without a reporter. */
function settings(): { measure: ResolvedMeasureOptions; rawSamples: number } {
  const raw = process.env[SETTINGS_ENV]
  if (!raw) return { measure: DEFAULTS.measure, rawSamples: DEFAULTS.rawSamples }
  return parseSettings(raw)
}

/** perf() calls in progress in this file, with the test each belongs to. */
interface InFlight {
  running: RunningTest | undefined
  stop: AbortController
  overlapped: boolean
}
const inFlight = new Set<InFlight>()
/** How often a measurement checks whether its test is over (timed out): only while it waits on a promise. */
const POLL_MS = 25
const calls = new Map<string, Set<string | undefined>>()
let warnedNoReporter = false

/**
 * Runs one measurement (`run`) inside the current Jest test, within its timeout, and hands
 * the sample to the reporter; another perf() or perf.load() in flight at the same time marks
 * both as concurrent (their samples are then skipped by the reporter).
 */
async function inTest<R>(name: string | undefined, run: (budget: MeasureBudget, rawSamples: number, defaults: ResolvedMeasureOptions, place: { file: string; test: string }) => Promise<{ result: R; sample: PerfSample }>): Promise<R> {
  const state = typeof expect === 'undefined' ? undefined : expect.getState()
  const testName = state?.currentTestName
  const testPath = state?.testPath
  if (!testName || !testPath) {
    throw new Error('perf() must be called inside a Jest test (expect.getState() names no current test)')
  }
  const running = runningTest()
  // A call whose test is over (it timed out, and Jest moved on) is stopped here, so it
  // neither disturbs nor disqualifies this one.
  for (const other of inFlight) if (other.running?.isOver()) other.stop.abort(overOrTimedOut())
  const live = [...inFlight].filter((other) => !other.stop.signal.aborted)
  // Another perf() of a live test is running in this file: test.concurrent, where Jest's
  // current test name is not this test's. Its sample will be skipped, with a warning.
  const self: InFlight = { running, stop: new AbortController(), overlapped: live.length > 0 }
  for (const other of live) other.overlapped = true
  if (!self.overlapped) {
    const seen = calls.get(testName) ?? new Set<string | undefined>()
    claimName(seen, name)
    calls.set(testName, seen)
  }

  inFlight.add(self)
  const poll = running
    ? setInterval(() => {
        if (running.isOver()) self.stop.abort(overOrTimedOut())
      }, POLL_MS)
    : undefined
  poll?.unref()
  try {
    const { measure: defaults, rawSamples } = settings()
    const budget = {
      until: running ? timeBudget(performance.now() - (Date.now() - running.startedAt), running.timeoutMs) : Infinity,
      signal: self.stop.signal,
      onCapped: (message: string) => console.warn(`perf-regression: "${printable(testName)}"${name === undefined ? '' : ` [${printable(name)}]`}: ${message}.`),
    }
    const measured = await run(budget, rawSamples, defaults, { file: testPath, test: testName })
    if (self.stop.signal.aborted) throw self.stop.signal.reason
    // Another perf() ran at the same time, or the current test changed under us: test.concurrent.
    const concurrent = self.overlapped || expect?.getState().currentTestName !== testName
    const dir = process.env[SPOOL_ENV]
    if (dir) {
      writeSpooled(dir, { testPath, testName, ...(concurrent ? { concurrent } : {}), sample: measured.sample })
    } else if (!warnedNoReporter) {
      warnedNoReporter = true
      console.warn('perf-regression: no perf-regression reporter is running, so measurements are not recorded. Add it: jest --reporters=default --reporters=perf-regression')
    }
    return measured.result
  } finally {
    if (poll) clearInterval(poll)
    inFlight.delete(self)
  }
}

/**
 * Benchmarks `fn` inside a Jest test and hands the measurement to the
 * perf-regression reporter. Resolves to what the first call of `fn` returned.
 * If `fn` throws or rejects, the error propagates and nothing is recorded.
 */
async function measurePerf<T>(fn: () => T | Promise<T>, options?: PerfOptions<Awaited<T>>): Promise<Awaited<T>> {
  const { overrides, name, record } = checkPerfCall(fn, options)
  return inTest(name, (budget, rawSamples, defaults, place) => {
    const callOptions = { ...defaults, ...overrides, name, rawSamples, record, budget }
    const ab = abSettings()
    return ab?.design === 'paired' ? pairedMeasure(fn, callOptions, place, ab, defaultMeasureDeps) : measure(fn, callOptions, defaultMeasureDeps)
  })
}

/**
 * Calls `fn` under load inside a Jest test (docs/load.md) and records throughput, latency
 * percentiles and errors. A call that throws or rejects counts as an error.
 */
async function measureLoadTest(fn: (call: LoadCall) => unknown, options: LoadOptions): Promise<LoadResult> {
  const call = checkLoadCall(fn, options)
  return inTest(call.name, (budget, rawSamples) => measureLoad(fn, call, { rawSamples, budget }, defaultLoadDeps))
}

/** `perf(fn, options?)`, and `perf.load(fn, options)` for a load test. */
export const perf: typeof measurePerf & { load: typeof measureLoadTest } = Object.assign(measurePerf, { load: measureLoadTest })

function overOrTimedOut(): Error {
  return new Error('perf(): the test ended (it timed out or failed) before its measurement finished; the measurement was stopped and is not recorded')
}
