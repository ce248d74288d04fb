import { appendFileSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { InferOutput } from 'valibot'
import type { ResolvedMeasureOptions } from '../config/options.js'
import { linesOf, MAX_LINE_BYTES } from '../store/lines.js'
import { parseWith } from '../store/record.js'
import { LINE_WARNINGS } from '../store/store.js'
import { JestSettingsSchema, SpooledSampleSchema } from '../store/schema.js'
import { formatBytes } from '../util/format.js'

/**
 * Jest runs tests in worker processes with no channel to reporters, so `perf()`
 * appends each sample as a JSON line to a per-process file in a folder the
 * reporter creates and announces in this environment variable.
 */
export const SPOOL_ENV = 'PERF_REGRESSION_JEST_SPOOL'
/** Measurement settings (JSON of `{ measure, rawSamples }`) from the reporter's options, for `perf()` in workers. */
export const SETTINGS_ENV = 'PERF_REGRESSION_JEST_SETTINGS'

/** One spooled sample, as written by `perf()` in a Jest worker. */
export type SpooledSample = InferOutput<typeof SpooledSampleSchema>


export function writeSpooled(dir: string, entry: SpooledSample): void {
  appendFileSync(path.join(dir, `${process.pid}.jsonl`), JSON.stringify(entry) + '\n')
}

/** Reads every spooled sample; invalid lines are reported through `onProblem`, the first few of a file one by one, the rest counted. */
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
    let problems = 0
    let held: string | undefined
    const problem = (line: number, message: string) => {
      if (++problems <= LINE_WARNINGS) onProblem(`${file}:${line}: ${message}; skipped`)
      else held ??= `${file}:${line}: ${message}; skipped`
    }
    for (const line of linesOf(readFileSync(path.join(dir, file)))) {
      if ('tooLong' in line) {
        problem(line.number, `a measurement from a test worker is longer than ${formatBytes(MAX_LINE_BYTES)}`)
        continue
      }
      if (line.text === '') continue
      let value: unknown
      try {
        value = JSON.parse(line.text)
      } catch {
        problem(line.number, 'a measurement from a test worker is not valid JSON')
        continue
      }
      const parsed = parseWith(SpooledSampleSchema, value)
      if (parsed.ok) out.push(parsed.value)
      else problem(line.number, `invalid measurement from a test worker (${parsed.reason})`)
    }
    // One more is said as it is; more than that are counted.
    if (problems === LINE_WARNINGS + 1) onProblem(held!)
    else if (problems > LINE_WARNINGS) onProblem(`${file}: ${problems - LINE_WARNINGS} more invalid measurements from a test worker; skipped`)
  }
  return out
}

/** The reporter's measurement settings for `perf()` in a worker, from `SETTINGS_ENV`. */
export function parseSettings(raw: string): { measure: ResolvedMeasureOptions; rawSamples: number } {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new Error(`perf-regression: ${SETTINGS_ENV} is not valid JSON; it is set by the perf-regression Jest reporter, do not set it by hand`)
  }
  const parsed = parseWith(JestSettingsSchema, value)
  if (!parsed.ok) {
    throw new Error(`perf-regression: ${SETTINGS_ENV} does not hold measurement settings (${parsed.reason}); it is set by the perf-regression Jest reporter, do not set it by hand`)
  }
  return parsed.value
}
