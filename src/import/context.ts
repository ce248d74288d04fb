/**
 * What the importers share: the context a foreign result file is read in, the
 * error they throw, and the assembly of the run record. Importers are pure: the
 * caller reads the file and supplies the machine, git state, time and run id.
 */
import { envKey } from '../env/environment.js'
import { SCHEMA_VERSION, type CustomMetric, type EnvInfo, type GitInfo, type PerfSample, type RunRecord, type RunnerInfo, type TestRef, type TestResult } from '../types.js'

export interface ImportContext {
  /** Project root: test files are stored relative to it. */
  root: string
  /** The imported file, relative to `root` (named in errors; Locust results use it as their test file). */
  file: string
  env: EnvInfo
  git: GitInfo
  /** Time of the run record. */
  now: Date
  mode: 'baseline' | 'compare'
  runId: string
  /** Version of the tool that wrote the file, when known; `unknown` otherwise. */
  runnerVersion?: string
}

/**
 * Metrics an imported tool reports besides wall time, by name (`throughput_hz`,
 * `requests_per_s`, ...). `better` says which direction is an improvement.
 * `absolute` marks values whose changes mean something in absolute terms only
 * (a failure rate going from 0 to 0.01 is not an infinite regression).
 */
export type ImportedMetrics = Record<string, CustomMetric>

/** A sample carrying imported metrics (until `PerfSample` has the field). */
export type ImportedSample = PerfSample

/** Receives what was skipped, and why. */
export type ImportWarn = (message: string) => void

/** The file is not what the importer reads, or holds nothing it can import. */
export class ImportError extends Error {
  override name = 'ImportError'
  constructor(
    /** The file, as given in the context. */
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`)
  }
}

/** Milliseconds to nanoseconds, rounded to 3 decimals like `perf()` samples. */
export const msToNs = (ms: number): number => Math.round(ms * 1e9) / 1000

/** One result, with the compatibility key of its runner on the context's machine. */
export function importedResult(context: ImportContext, test: TestRef, runner: RunnerInfo, sample: ImportedSample): TestResult {
  return { test, runner, env_key: envKey(context.env, runner), sample }
}

/** The run record of an import; refuses to produce an empty one. */
export function importedRecord(context: ImportContext, results: TestResult[], what: string): RunRecord {
  if (results.length === 0) throw new ImportError(context.file, `no ${what} to import`)
  return {
    schema: SCHEMA_VERSION,
    kind: 'run',
    id: context.runId,
    time: context.now.toISOString(),
    mode: context.mode,
    git: context.git,
    env: context.env,
    results,
  }
}

/** Keeps the first result of each test name (and bench name); later ones are reported and dropped. */
export function dropDuplicates(results: TestResult[], warn: ImportWarn | undefined, file: string): TestResult[] {
  const seen = new Set<string>()
  return results.filter((r) => {
    const key = JSON.stringify([r.test.file, r.test.name, r.test.bench ?? null])
    if (!seen.has(key)) return seen.add(key), true
    const bench = r.test.bench === undefined ? '' : ` [${JSON.stringify(r.test.bench)}]`
    warn?.(`${file}: skipped a second result named ${JSON.stringify(r.test.name)}${bench} in ${r.test.file}`)
    return false
  })
}
