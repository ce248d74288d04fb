import { appendFileSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { checkSample } from '../store/record.js'
import type { PerfSample } from '../types.js'

/**
 * Jest runs tests in worker processes with no channel to reporters, so `perf()`
 * appends each sample as a JSON line to a per-process file in a folder the
 * reporter creates and announces in this environment variable.
 */
export const SPOOL_ENV = 'PERF_REGRESSION_JEST_SPOOL'
/** Measurement settings (JSON of `{ measure, rawSamples }`) from the reporter's options, for `perf()` in workers. */
export const SETTINGS_ENV = 'PERF_REGRESSION_JEST_SETTINGS'

/** One spooled sample, as written by `perf()` in a Jest worker. */
export interface SpooledSample {
  /** Absolute path of the test file (`expect.getState().testPath`). */
  testPath: string
  /** `expect.getState().currentTestName`: describe titles and test title joined by spaces. */
  testName: string
  /** Set when another `perf()` overlapped this one: the test name cannot be trusted. */
  concurrent?: boolean
  sample: PerfSample
}

export function writeSpooled(dir: string, entry: SpooledSample): void {
  appendFileSync(path.join(dir, `${process.pid}.jsonl`), JSON.stringify(entry) + '\n')
}

/** Reads every spooled sample; invalid lines are reported through `onProblem`. */
export function readSpool(dir: string, onProblem: (message: string) => void): SpooledSample[] {
  const out: SpooledSample[] = []
  let files: string[]
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return out
    throw error
  }
  for (const file of files.sort()) {
    const lines = readFileSync(path.join(dir, file), 'utf8').split('\n')
    lines.forEach((line, i) => {
      if (line === '') return
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        onProblem(`${file}:${i + 1}: a measurement from a test worker is not valid JSON; skipped`)
        return
      }
      const v = value as Partial<SpooledSample> | null
      const problem =
        typeof v !== 'object' || v === null || typeof v.testPath !== 'string' || typeof v.testName !== 'string'
          ? 'no test path or name'
          : checkSample(v.sample)
      if (problem) {
        onProblem(`${file}:${i + 1}: invalid measurement from a test worker (${problem}); skipped`)
        return
      }
      out.push(v as SpooledSample)
    })
  }
  return out
}
