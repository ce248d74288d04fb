import { DEFAULTS } from '../config/options.js'
import { checkPerfCall, claimName, type PerfOptions } from '../config/perf-call.js'
import { abSettings } from '../ab/settings.js'
import { pairedMeasure } from '../ab/worker.js'
import { measure } from '../measure/measure.js'
import { defaultMeasureDeps } from '../measure/probes.js'
import { parseSettings, SETTINGS_ENV, SPOOL_ENV, writeSpooled } from './spool.js'
import type { ResolvedMeasureOptions } from '../config/options.js'

export type { PerfOptions }

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

let inFlight = 0
let overlapped = false
const calls = new Map<string, Set<string | undefined>>()
let warnedNoReporter = false

/**
 * Benchmarks `fn` inside a Jest test and hands the measurement to the
 * perf-regression reporter. Resolves to what the first call of `fn` returned.
 * If `fn` throws or rejects, the error propagates and nothing is recorded.
 */
export async function perf<T>(fn: () => T | Promise<T>, options?: PerfOptions<Awaited<T>>): Promise<Awaited<T>> {
  const { overrides, name, record } = checkPerfCall(fn, options)
  const state = typeof expect === 'undefined' ? undefined : expect.getState()
  const testName = state?.currentTestName
  const testPath = state?.testPath
  if (!testName || !testPath) {
    throw new Error('perf() must be called inside a Jest test (expect.getState() names no current test)')
  }
  // Another perf() is running in this file: test.concurrent, where Jest's
  // current test name is not this test's. Its sample will be skipped, with a warning.
  if (inFlight > 0) overlapped = true
  else {
    const seen = calls.get(testName) ?? new Set<string | undefined>()
    claimName(seen, name)
    calls.set(testName, seen)
  }

  inFlight++
  let concurrent = false
  try {
    const { measure: defaults, rawSamples } = settings()
    const callOptions = { ...defaults, ...overrides, name, rawSamples, record }
    const ab = abSettings()
    const measured =
      ab?.design === 'paired'
        ? await pairedMeasure(fn, callOptions, { file: testPath, test: testName }, ab, defaultMeasureDeps)
        : await measure(fn, callOptions, defaultMeasureDeps)
    // Another perf() ran at the same time, or the current test changed under us: test.concurrent.
    concurrent = overlapped || expect?.getState().currentTestName !== testName
    const dir = process.env[SPOOL_ENV]
    if (dir) {
      writeSpooled(dir, { testPath, testName, ...(concurrent ? { concurrent } : {}), sample: measured.sample })
    } else if (!warnedNoReporter) {
      warnedNoReporter = true
      console.warn('perf-regression: no perf-regression reporter is running, so measurements are not recorded. Add it: jest --reporters=default --reporters=perf-regression')
    }
    return measured.result
  } finally {
    inFlight--
    if (inFlight === 0) overlapped = false
  }
}
