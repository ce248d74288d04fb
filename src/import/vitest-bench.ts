/**
 * Imports the benchmark results Vitest writes to a file.
 *
 * Vitest 4: `vitest bench --outputJson <file>` (`createBenchmarkJsonReport`; statistics from
 * tinybench 2, all times in milliseconds, `hz` in operations per second):
 *
 *   { files: [{ filepath: '/abs/path/x.bench.ts',
 *               groups: [{ fullName: 'x.bench.ts > suite > inner',
 *                          benchmarks: [{ id, name, rank, rme, samples: [], totalTime, min, max, hz, period,
 *                                         mean, variance, sd, sem, df, critical, moe, p75, p99, p995, p999,
 *                                         sampleCount, median }] }] }] }
 *
 * `fullName` starts with the file's path relative to Vitest's root (for benchmarks
 * outside any `describe`, it is only that path); the importer drops that part.
 * `samples` is always written empty, but older or patched writers may fill it.
 *
 * Vitest 5 has no `--outputJson`: its JSON reporter (`--reporter=json --outputFile <file>`,
 * under `vitest bench` or `vitest run` with `benchmark.enabled`) gives each test result the
 * results of its `bench` fixture, read by `vitest/bench.ts`:
 *
 *   { testResults: [{ name: '/abs/path/x.bench.ts',
 *                     assertionResults: [{ ancestorTitles: ['suite'], title: 'test', status: 'passed',
 *                                          benchmarks: [{ name, tasks: [{ name, latency, throughput, ... }] }] }] }] }
 *
 * Vitest 4's JSON reporter writes no `benchmarks` field: such a file is refused with a hint.
 */
import { thin } from '../stats/summary.js'
import type { RunRecord, RunnerInfo, TestResult } from '../types.js'
import {
  ImportError,
  dropDuplicates,
  importedRecord,
  importedResult,
  msToNs,
  type ImportContext,
  type ImportWarn,
  type ImportedSample,
} from './context.js'
import { round3 } from '../util/format.js'
import { relativeFile } from '../util/paths.js'
import { describeValue, isRecord } from '../util/values.js'
import { benchSamples } from '../vitest/bench.js'

export type { ImportContext, ImportedMetrics, ImportWarn } from './context.js'
export { ImportError } from './context.js'

type Obj = Record<string, unknown>
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** Raw per-iteration times kept, like `perf()`'s default `rawSamples`. */
const RAW_SAMPLES = 64
/** Statistics every completed benchmark has. */
const REQUIRED = ['mean', 'min', 'max', 'p75', 'p99', 'sd', 'hz', 'sampleCount'] as const

/**
 * Reads a Vitest benchmark JSON report into a run record, one result per benchmark.
 * Vitest 4's `--outputJson`: named `<describe names> > <bench name>`. Vitest 5's JSON
 * reporter: named by the test (`<describe names> > <test name>`) and the benchmark
 * (`bench`), as the perf-regression reporter names them.
 * Benchmarks without results (failed, or no samples) are skipped and reported to `warn`.
 * @throws ImportError when the text is not such a report, or no benchmark has results.
 */
export function parseVitestBench(json: string, context: ImportContext, warn?: ImportWarn): RunRecord {
  const fail = (problem: string): never => {
    throw new ImportError(context.file, `not a vitest bench JSON file: ${problem}`)
  }
  let report: unknown
  try {
    report = JSON.parse(json)
  } catch (error) {
    fail(`invalid JSON (${(error as Error).message})`)
  }
  const runner: RunnerInfo = { name: 'vitest', version: context.runnerVersion ?? 'unknown', pool: 'bench' }
  if (isRecord(report) && Array.isArray(report.testResults)) return parseTestReport(report.testResults, context, runner, fail, warn)
  if (!isRecord(report) || !Array.isArray(report.files)) {
    return fail(`no "files" array: expected an object with a "files" array (Vitest 4's --outputJson) or a "testResults" array (Vitest 5's JSON reporter), found ${describeValue(report)}`)
  }
  const results: TestResult[] = []
  report.files.forEach((file: unknown, f) => {
    const at = `files[${f}]`
    if (!isRecord(file)) return fail(`${at} should be an object, found ${describeValue(file)}`)
    if (typeof file.filepath !== 'string' || file.filepath === '') return fail(`${at}.filepath should be a path, found ${describeValue(file.filepath)}`)
    if (!Array.isArray(file.groups)) return fail(`${at}.groups should be an array, found ${describeValue(file.groups)}`)
    const filepath = file.filepath
    const testFile = relativeFile(context.root, filepath)
    file.groups.forEach((group: unknown, g) => {
      const gat = `${at}.groups[${g}]`
      if (!isRecord(group)) return fail(`${gat} should be an object, found ${describeValue(group)}`)
      if (typeof group.fullName !== 'string') return fail(`${gat}.fullName should be a string, found ${describeValue(group.fullName)}`)
      if (!Array.isArray(group.benchmarks)) return fail(`${gat}.benchmarks should be an array, found ${describeValue(group.benchmarks)}`)
      const suite = withoutFile(group.fullName, filepath)
      group.benchmarks.forEach((bench: unknown, b) => {
        const bat = `${gat}.benchmarks[${b}]`
        if (!isRecord(bench)) return fail(`${bat} should be an object, found ${describeValue(bench)}`)
        if (typeof bench.name !== 'string') return fail(`${bat}.name should be a string, found ${describeValue(bench.name)}`)
        const name = suite ? `${suite} > ${bench.name}` : bench.name
        const label = `${testFile} > ${name}`
        const say = (message: string) => warn?.(`${context.file}: ${message}`)
        const skip = (why: string) => say(`skipped ${label}: ${why}`)
        const sample = toSample(bench, `${bat} (${JSON.stringify(bench.name)})`, fail, skip, (note) => say(`${label}: ${note}`))
        if (sample) results.push(importedResult(context, { file: testFile, name, project: '' }, runner, sample))
      })
    })
  })
  return importedRecord(context, dropDuplicates(results, warn, context.file), 'benchmarks with results')
}

/**
 * Vitest 5's JSON reporter output: the benchmarks of the tests that passed. Statistics
 * that are not what Vitest writes are errors; benchmarks with nothing to record are skipped.
 */
function parseTestReport(testResults: unknown[], context: ImportContext, runner: RunnerInfo, fail: (problem: string) => never, warn?: ImportWarn): RunRecord {
  const say = (message: string) => warn?.(`${context.file}: ${message}`)
  const results: TestResult[] = []
  let reported = false
  testResults.forEach((file: unknown, f) => {
    const at = `testResults[${f}]`
    if (!isRecord(file)) return fail(`${at} should be an object, found ${describeValue(file)}`)
    if (typeof file.name !== 'string' || file.name === '') return fail(`${at}.name should be the test file's path, found ${describeValue(file.name)}`)
    if (!Array.isArray(file.assertionResults)) return fail(`${at}.assertionResults should be an array, found ${describeValue(file.assertionResults)}`)
    const testFile = relativeFile(context.root, file.name)
    file.assertionResults.forEach((test: unknown, t) => {
      const tat = `${at}.assertionResults[${t}]`
      if (!isRecord(test)) return fail(`${tat} should be an object, found ${describeValue(test)}`)
      if (test.benchmarks === undefined) return
      reported = true
      const titles = test.ancestorTitles
      if (typeof test.title !== 'string') return fail(`${tat}.title should be a string, found ${describeValue(test.title)}`)
      if (!Array.isArray(titles) || !titles.every((x) => typeof x === 'string')) return fail(`${tat}.ancestorTitles should be an array of strings, found ${describeValue(titles)}`)
      const name = [...titles, test.title].join(' > ')
      const label = `${testFile} > ${name}`
      if (Array.isArray(test.benchmarks) && test.benchmarks.length === 0) return
      if (test.status !== 'passed') return say(`skipped the benchmarks of ${label}: the test ${test.status === 'failed' ? 'failed' : 'did not pass'}`)
      const read = benchSamples(test.benchmarks, name, RAW_SAMPLES)
      if (read.problems[0] !== undefined) return fail(`${tat} (${JSON.stringify(name)}): ${read.problems[0]}`)
      for (const why of read.skipped) say(`skipped ${label}, benchmark ${why}`)
      for (const b of read.samples) results.push(importedResult(context, { file: testFile, name, project: '', bench: b.bench }, runner, b.sample))
    })
  })
  if (!reported) {
    fail(
      'a test report without benchmark results: Vitest 5 writes them with --reporter=json (under vitest bench, or vitest run with benchmark.enabled); for Vitest 4, write the benchmarks with vitest bench --outputJson <file>',
    )
  }
  return importedRecord(context, dropDuplicates(results, warn, context.file), 'benchmarks with results')
}

/**
 * The benchmark's statistics as a sample, or undefined (after `skip`) when it has
 * none to import. Malformed statistics are errors, not skips.
 */
function toSample(
  bench: Obj,
  at: string,
  fail: (problem: string) => never,
  skip: (why: string) => void,
  note: (message: string) => void,
): ImportedSample | undefined {
  if (bench.error !== undefined) return skip('the benchmark failed'), undefined
  if (bench.mean === undefined && bench.sampleCount === undefined) return skip('no results (the benchmark did not complete)'), undefined
  for (const k of REQUIRED) {
    if (!isNum(bench[k])) fail(`${at}.${k} should be a number, found ${describeValue(bench[k])}`)
  }
  const stat = (k: (typeof REQUIRED)[number]) => bench[k] as number
  const count = stat('sampleCount')
  if (count < 1) return skip('no samples'), undefined
  // Vitest 4 writes the median; older reports have none, and the mean stands in.
  const medianMs = isNum(bench.median) ? bench.median : stat('mean')
  if (!isNum(bench.median)) note('no median in the report (older Vitest): the mean stands in for it')
  if (!(medianMs > 0)) return skip('median 0 ms (faster than the timer resolution)'), undefined
  const samples = Array.isArray(bench.samples) ? bench.samples.filter(isNum).sort((a, b) => a - b) : []
  return {
    iterations: count,
    warmup: { iterations: 0, time_ms: 0 },
    wall_ns: {
      n: count,
      mean: msToNs(stat('mean')),
      median: msToNs(medianMs),
      p75: msToNs(stat('p75')),
      p99: msToNs(stat('p99')),
      min: msToNs(stat('min')),
      max: msToNs(stat('max')),
      sd: msToNs(stat('sd')),
    },
    raw_wall_ns: thin(samples, RAW_SAMPLES).map(msToNs),
    duration_ms: isNum(bench.totalTime) ? round3(bench.totalTime) : 0,
    metrics: { throughput_hz: { value: stat('hz'), better: 'higher', unit: 'ops/s' } },
  }
}

/**
 * The group's name without the leading file path Vitest puts in `fullName`
 * (empty for benchmarks outside any `describe`). Kept whole when it does not start with the file.
 */
export function withoutFile(fullName: string, filepath: string): string {
  const cut = fullName.indexOf(' > ')
  const head = (cut < 0 ? fullName : fullName.slice(0, cut)).replace(/\\/g, '/')
  const fp = filepath.replace(/\\/g, '/')
  if (head === '' || !(fp === head || fp.endsWith(`/${head}`))) return fullName
  return cut < 0 ? '' : fullName.slice(cut + 3)
}
