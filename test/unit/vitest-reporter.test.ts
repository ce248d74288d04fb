/**
 * The Vitest reporter's collection of `perf()` samples from finished tests, and its end of
 * the run, driven with small fakes of Vitest's test modules, test cases and instance.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import type { TestModule, Vitest } from 'vitest/node'
import { envKey, collectEnv } from '../../src/env/environment.js'
import { appendRecord, readStore } from '../../src/store/store.js'
import { META_KEY } from '../../src/vitest/meta.js'
import PerfRegressionReporter, { collectSamples, type FinishedModule, type FinishedTest } from '../../src/vitest/reporter.js'
import type { PerfSample } from '../../src/types.js'
import { baselineRuns, config, noisy, sample, tempDir } from './helpers.js'

const ROOT = path.resolve('/project')
const VERSION = '4.1.12'

interface CaseSpec {
  name: string
  meta?: unknown
  state?: string
  project?: string
  pool?: string
  line?: number
  /** What Vitest 5's `testCase.benchmarks()` returns (omitted: Vitest 4, no such method). */
  benchmarks?: unknown[]
}

/** A finished test case as Vitest reports it; `meta` is what `perf()` left in task.meta (omitted: no perf() call). */
function testCase(spec: CaseSpec): FinishedTest {
  const meta = spec.meta === undefined ? {} : { [META_KEY]: spec.meta }
  return {
    fullName: spec.name,
    meta: () => meta,
    result: () => ({ state: spec.state ?? 'passed' }),
    project: { name: spec.project ?? '', config: { pool: spec.pool ?? 'forks' } },
    location: spec.line === undefined ? undefined : { line: spec.line },
    ...(spec.benchmarks === undefined ? {} : { benchmarks: () => spec.benchmarks! }),
  }
}

const testModule = (file: string, cases: FinishedTest[]): FinishedModule => ({ moduleId: path.join(ROOT, file), children: { allTests: () => cases } })

const collect = (...modules: FinishedModule[]) => collectSamples(modules, ROOT, VERSION)

describe('collectSamples', () => {
  test('a passed test: its sample, with the file relative to the root, the project, the pool and the line', () => {
    const s = sample(1e6)
    const { samples, notes } = collect(testModule('test/parse.test.ts', [testCase({ name: 'parser > rows', meta: [s], project: 'node', line: 12 })]))
    expect(notes).toEqual([])
    expect(samples).toEqual([
      {
        test: { file: 'test/parse.test.ts', name: 'parser > rows', project: 'node', line: 12 },
        runner: { name: 'vitest', version: VERSION, pool: 'forks' },
        sample: s,
      },
    ])
  })

  test('several perf() calls in a test: one sample each, named by their bench name', () => {
    const { samples } = collect(testModule('test/a.test.ts', [testCase({ name: 't', meta: [sample(1e6, { name: 'small' }), sample(2e6, { name: 'large' })] })]))
    expect(samples.map((s) => [s.test.bench, s.sample.wall_ns.median])).toEqual([
      ['small', 1e6],
      ['large', 2e6],
    ])
  })

  test('without a location there is no line; without a bench name no bench', () => {
    const [only] = collect(testModule('test/a.test.ts', [testCase({ name: 't', meta: [sample(1e6)] })])).samples
    expect(only!.test).toEqual({ file: 'test/a.test.ts', name: 't', project: '' })
  })

  test('tests of several files and projects, each with its own project and pool', () => {
    const { samples } = collect(
      testModule('test/a.test.ts', [testCase({ name: 'a', meta: [sample(1e6)], project: 'unit' })]),
      testModule('bench/b.test.ts', [testCase({ name: 'b', meta: [sample(1e6)], project: 'threads', pool: 'threads' })]),
    )
    expect(samples.map((s) => [s.test.file, s.test.project, s.runner.pool])).toEqual([
      ['test/a.test.ts', 'unit', 'forks'],
      ['bench/b.test.ts', 'threads', 'threads'],
    ])
  })

  test('tests that did not call perf() are passed over without a note', () => {
    expect(collect(testModule('test/a.test.ts', [testCase({ name: 'plain' }), testCase({ name: 'failing plain', state: 'failed' })]))).toEqual({ samples: [], notes: [] })
  })

  test('a failed or skipped test is not recorded, and a note says so', () => {
    const { samples, notes } = collect(
      testModule('test/a.test.ts', [
        testCase({ name: 'broke', meta: [sample(1e6)], state: 'failed' }),
        testCase({ name: 'skipped', meta: [sample(1e6)], state: 'skipped' }),
        testCase({ name: 'kept', meta: [sample(1e6)] }),
      ]),
    )
    expect(samples.map((s) => s.test.name)).toEqual(['kept'])
    expect(notes).toEqual(['"broke" failed: its measurements are not recorded', '"skipped" did not pass: its measurements are not recorded'])
  })

  test('task meta that is not a list of samples is a note, the test is not recorded', () => {
    const { samples, notes } = collect(testModule('test/a.test.ts', [testCase({ name: 'odd', meta: { median: 1 } })]))
    expect(samples).toEqual([])
    expect(notes).toEqual([`"odd": unexpected task.meta.${META_KEY}; its measurements are not recorded`])
  })

  test('an invalid sample is left out with the reason; the valid ones of the same test are kept', () => {
    const broken = { ...sample(1e6), wall_ns: { ...sample(1e6).wall_ns, median: -5 } }
    const { samples, notes } = collect(testModule('test/a.test.ts', [testCase({ name: 'mixed', meta: [broken, 'nonsense', sample(2e6, { name: 'ok' })] })]))
    expect(samples.map((s) => s.test.bench)).toEqual(['ok'])
    expect(notes).toEqual([
      '"mixed": invalid measurement (sample.wall_ns.median: expected a number above 0, got -5); not recorded',
      '"mixed": invalid measurement (sample: expected an object, got "nonsense"); not recorded',
    ])
  })
})

/** A benchmark of Vitest 5's `bench` fixture: tinybench 6 statistics, latency in milliseconds. */
function benchTask(name: string, p50: number, extra: Record<string, unknown> = {}) {
  const latency = { mean: p50, p50, p75: p50, p99: p50, min: p50, max: p50, sd: 0, samplesCount: 20 }
  return { name, latency, throughput: { mean: 1000 / p50 }, period: p50, totalTime: 20 * p50, rank: 1, ...extra }
}

describe('collectSamples: results of the bench fixture (Vitest 5)', () => {
  test('one sample per benchmark, named by test and bench, in the bench project with its pool', () => {
    const benchmarks = [
      { name: 'json > compare', tasks: [benchTask('parse', 0.02), benchTask('stringify', 0.01)] },
      { name: 'small', tasks: [benchTask('parse', 0.005)] },
    ]
    const { samples, notes } = collect(testModule('bench/json.bench.ts', [testCase({ name: 'json > compare', benchmarks, project: 'bench', line: 7 })]))
    expect(notes).toEqual([])
    expect(samples.map((s) => [s.test, s.runner, s.sample.wall_ns.median])).toEqual([
      [{ file: 'bench/json.bench.ts', name: 'json > compare', project: 'bench', bench: 'parse', line: 7 }, { name: 'vitest', version: VERSION, pool: 'forks' }, 20_000],
      [{ file: 'bench/json.bench.ts', name: 'json > compare', project: 'bench', bench: 'stringify', line: 7 }, { name: 'vitest', version: VERSION, pool: 'forks' }, 10_000],
      [{ file: 'bench/json.bench.ts', name: 'json > compare', project: 'bench', bench: 'small > parse', line: 7 }, { name: 'vitest', version: VERSION, pool: 'forks' }, 5_000],
    ])
    expect(samples[0]!.sample.metrics).toEqual({ throughput_hz: { value: 50_000, better: 'higher', unit: 'ops/s' } })
  })

  test('retained samples are thinned to the rawSamples given', () => {
    const latency = { ...benchTask('x', 0.05).latency, samples: Array.from({ length: 50 }, (_, i) => (i + 1) / 1000) }
    const modules = [testModule('a.bench.ts', [testCase({ name: 't', benchmarks: [{ name: 't', tasks: [benchTask('x', 0.05, { latency })] }] })])]
    expect(collectSamples(modules, ROOT, VERSION, 4).samples[0]!.sample.raw_wall_ns).toEqual([1000, 17_000, 34_000, 50_000])
    expect(collectSamples(modules, ROOT, VERSION).samples[0]!.sample.raw_wall_ns).toHaveLength(50)
  })

  test('a failed test with benchmarks is not recorded, and a note says so; a test whose benchmark threw has none and no note', () => {
    const { samples, notes } = collect(
      testModule('a.bench.ts', [
        testCase({ name: 'asserted after', benchmarks: [{ name: 'asserted after', tasks: [benchTask('x', 1)] }], state: 'failed' }),
        testCase({ name: 'threw', benchmarks: [], state: 'failed' }),
      ]),
    )
    expect(samples).toEqual([])
    expect(notes).toEqual(['"asserted after" failed: its measurements are not recorded'])
  })

  test('benchmarks with nothing to record and results unlike what Vitest writes are notes; the rest are kept', () => {
    const benchmarks = [{ name: 't', tasks: [benchTask('ok', 1), benchTask('empty', 1, { latency: { ...benchTask('x', 1).latency, samplesCount: 0 } }), benchTask('odd', 1, { latency: 'fast' })] }]
    const { samples, notes } = collect(testModule('a.bench.ts', [testCase({ name: 't', benchmarks })]))
    expect(samples.map((s) => s.test.bench)).toEqual(['ok'])
    expect(notes).toEqual([
      '"t": unexpected benchmark result ("odd": latency should be an object of statistics, found the string "fast"); not recorded',
      '"t": benchmark "empty": no samples; not recorded',
    ])
  })

  test('perf() samples and benchmarks of the same test are both collected', () => {
    const { samples } = collect(testModule('a.bench.ts', [testCase({ name: 't', meta: [sample(3e6, { name: 'perf' })], benchmarks: [{ name: 't', tasks: [benchTask('bench', 1)] }] })]))
    expect(samples.map((s) => [s.test.bench, s.sample.wall_ns.median])).toEqual([
      ['perf', 3e6],
      ['bench', 1e6],
    ])
  })
})

describe('PerfRegressionReporter.onTestRunEnd', () => {
  let root: string
  let cleanup: () => Promise<void>
  let exitCode: typeof process.exitCode
  beforeEach(async () => {
    ;({ dir: root, cleanup } = await tempDir())
    exitCode = process.exitCode
  })
  afterEach(async () => {
    process.exitCode = exitCode
    await cleanup()
  })

  const STORE = '.perf/benchmarks.jsonl'
  const storeFile = () => path.join(root, STORE)

  /** A reporter with a fixed configuration (no reports, no GitHub output) on a fake Vitest instance. */
  function reporterIn(watch = false) {
    const printed = { log: [] as string[], warn: [] as string[], error: [] as string[] }
    const vitest = {
      config: { root, watch },
      version: VERSION,
      logger: { log: (t: string) => printed.log.push(stripVTControlCharacters(t)), warn: (t: string) => printed.warn.push(stripVTControlCharacters(t)), error: (t: string) => printed.error.push(stripVTControlCharacters(t)) },
    }
    const cfg = config({ store: STORE, github: false, reports: { markdown: false, json: false, html: false, issue: false } })
    const reporter = new PerfRegressionReporter({}, cfg)
    // The parts of the Vitest instance the reporter reads.
    reporter.onInit(vitest as unknown as Vitest)
    return { reporter, printed }
  }

  /** Finished modules in `root`, as the reporter receives them: the parts collectSamples reads, plus the state and project's pool. */
  const modules = (cases: FinishedTest[]) =>
    [{ moduleId: path.join(root, 'test/a.test.ts'), children: { allTests: () => cases }, state: () => 'passed', project: { config: { pool: 'forks' } } }] as unknown as TestModule[]
  const perfCase = (name: string, s: PerfSample, state = 'passed') => testCase({ name, meta: [s], state, line: 3 })

  test('an interrupted run is neither judged nor recorded', async () => {
    const { reporter, printed } = reporterIn()
    await reporter.onTestRunEnd(modules([perfCase('t', sample(1e6))]), [], 'interrupted')
    await expect(stat(storeFile())).rejects.toMatchObject({ code: 'ENOENT' })
    expect(printed).toEqual({ log: [], warn: [], error: [] })
  })

  test('notes of tests left out are warned; with nothing measured nothing is recorded', async () => {
    const { reporter, printed } = reporterIn()
    await reporter.onTestRunEnd(modules([perfCase('broke', sample(1e6), 'failed')]), [], 'failed')
    expect(printed.warn).toEqual(['perf-regression: "broke" failed: its measurements are not recorded'])
    expect(printed.log).toEqual([])
    await expect(stat(storeFile())).rejects.toMatchObject({ code: 'ENOENT' })
  })

  test('a first run is recorded and printed; the run does not fail', async () => {
    const { reporter, printed } = reporterIn()
    process.exitCode = undefined
    await reporter.onTestRunEnd(modules([perfCase('t', sample(1e6))]), [], 'passed')
    expect(printed.log.join('\n')).toContain('No baseline yet for this test')
    const { runs } = await readStore(storeFile())
    expect(runs.map((r) => r.results.map((x) => [x.test.file, x.test.name, x.test.line]))).toEqual([[['test/a.test.ts', 't', 3]]])
    expect(process.exitCode).toBeUndefined()
  })

  test('in watch mode the run is judged, not recorded, and says so', async () => {
    const { reporter, printed } = reporterIn(true)
    await reporter.onTestRunEnd(modules([perfCase('t', sample(1e6))]), [], 'passed')
    expect(printed.log.join('\n')).toContain('perf-regression: watch mode: runs are judged but not recorded.')
    await expect(stat(storeFile())).rejects.toMatchObject({ code: 'ENOENT' })
  })

  test('a regression fails the run through the exit code', async () => {
    const runner = { name: 'vitest' as const, version: VERSION, pool: 'forks' }
    for (const r of baselineRuns('t', noisy(1e6, 6, 0.01, 3), { time: new Date(Date.now() - 3_600_000), envKey: envKey(collectEnv(), runner) })) {
      await appendRecord(storeFile(), { ...r, results: r.results.map((x) => ({ ...x, test: { file: 'test/a.test.ts', name: 't', project: '' }, runner })) })
    }
    const { reporter, printed } = reporterIn()
    process.exitCode = undefined
    await reporter.onTestRunEnd(modules([perfCase('t', sample(2e6))]), [], 'passed')
    expect(printed.log.join('\n')).toContain('✗ regression (critical)')
    expect(process.exitCode).toBe(1)
  })

  test('a store that cannot be read is an error printed in red and fails the run', async () => {
    await appendRecord(path.join(storeFile(), 'inside'), baselineRuns('x', [1])[0]!)
    const { reporter, printed } = reporterIn()
    process.exitCode = undefined
    await reporter.onTestRunEnd(modules([perfCase('t', sample(1e6))]), [], 'passed')
    expect(printed.error).toHaveLength(1)
    expect(printed.error[0]).toContain(`cannot read the history store ${storeFile()}`)
    expect(process.exitCode).toBe(1)
  })
})
