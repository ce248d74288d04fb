import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, test, expect } from 'vitest'
import { envKey } from '../../src/env/environment.js'
import { ImportError, type ImportContext, type ImportedSample } from '../../src/import/context.js'
import { CsvError, parseCsv } from '../../src/import/csv.js'
import { parseLocustStats } from '../../src/import/locust.js'
import { parseVitestBench, withoutFile } from '../../src/import/vitest-bench.js'
import { checkRecord } from '../../src/store/record.js'
import type { RunRecord } from '../../src/types.js'
import { ENV, NOW } from './helpers.js'

const context = (file: string, extra: Partial<ImportContext> = {}): ImportContext => ({
  root: '/repo',
  file,
  env: ENV,
  git: { commit: 'abc123', branch: 'main' },
  now: NOW,
  mode: 'baseline',
  runId: 'import-1',
  ...extra,
})

const metricsOf = (record: RunRecord, i: number) => (record.results[i]!.sample as ImportedSample).metrics

/** Import functions with their warnings collected. */
function collect<T>(run: (warn: (m: string) => void) => T): { value: T; warnings: string[] } {
  const warnings: string[] = []
  return { value: run((m) => warnings.push(m)), warnings }
}

function importError(run: () => unknown): ImportError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError)
    return error as ImportError
  }
  throw new Error('expected an ImportError')
}

/** A benchmark as Vitest 4 writes it (tinybench 2 statistics, milliseconds). */
function bench(name: string, median: number, extra: Record<string, unknown> = {}) {
  return {
    id: `-1464390738_${name.length}`, name, rank: 1, rme: 1.25, samples: [], totalTime: 500.25,
    min: median * 0.8, max: median * 3, hz: 1000 / median, period: median, mean: median * 1.1, variance: 0,
    sd: median * 0.05, sem: 0, df: 999, critical: 1.96, moe: 0, p75: median * 1.2, p99: median * 2,
    p995: median * 2.2, p999: median * 2.5, sampleCount: 1000, median, ...extra,
  }
}

const report = (files: unknown) => JSON.stringify({ files }, null, 2)

const TWO_FILES = report([
  {
    filepath: '/repo/bench/sort.bench.ts',
    groups: [
      { fullName: 'bench/sort.bench.ts', benchmarks: [bench('top level', 0.0125)] },
      { fullName: 'bench/sort.bench.ts > sort > small, arrays', benchmarks: [bench('numbers', 0.5), bench('strings "quoted"', 0.75)] },
    ],
  },
  {
    filepath: '/repo/bench/parse.bench.ts',
    groups: [
      { fullName: 'bench/parse.bench.ts > json', benchmarks: [bench('parse', 2)] },
      { fullName: 'bench/parse.bench.ts > json > nested', benchmarks: [bench('deep', 40)] },
    ],
  },
])

/** Written by `vitest bench --outputJson` (Vitest 4.1.12), root /repo: one benchmark ran, one threw. */
const REAL = `{
  "files": [
    {
      "filepath": "/repo/bench/fail.bench.ts",
      "groups": [
        {
          "fullName": "bench/fail.bench.ts > broken",
          "benchmarks": [
            {
              "id": "1107491374_0_0",
              "name": "ok",
              "rank": 1,
              "rme": 46.637318623779905,
              "samples": [],
              "totalTime": 20.000025000000505,
              "min": 0.00004899999998997373,
              "max": 4.220219000000043,
              "hz": 7200190.999761068,
              "period": 0.00013888520457765413,
              "mean": 0.00013888520457765413,
              "variance": 0.00015726842040511297,
              "sd": 0.012540670652126742,
              "sem": 0.000033047109887841384,
              "df": 144003,
              "critical": 1.96,
              "moe": 0.00006477233538016911,
              "p75": 0.00007999999979801942,
              "p99": 0.00010999999994965037,
              "p995": 0.00014000000010128133,
              "p999": 0.0004209999999602587,
              "sampleCount": 144004,
              "median": 0.00005999999984851456
            },
            {
              "id": "1107491374_0_1",
              "name": "throws",
              "rank": 2,
              "rme": 0,
              "samples": []
            }
          ]
        }
      ]
    }
  ]
}`

describe('parseVitestBench', () => {
  test('reads a report written by Vitest 4.1.12', () => {
    const { value: record, warnings } = collect((warn) => parseVitestBench(REAL, context('bench.json'), warn))
    expect(record.results).toHaveLength(1)
    expect(record.results[0]!.test).toEqual({ file: 'bench/fail.bench.ts', name: 'broken > ok', project: '' })
    expect(record.results[0]!.sample.wall_ns).toMatchObject({ n: 144004, median: 60, p75: 80, p99: 110, min: 49 })
    expect(record.results[0]!.sample.duration_ms).toBe(20)
    expect(warnings).toEqual(['bench.json: skipped bench/fail.bench.ts > broken > throws: no results (the benchmark did not complete)'])
  })

  test('one result per benchmark, named by its describe blocks, in the file relative to the root', () => {
    const record = parseVitestBench(TWO_FILES, context('bench.json', { runnerVersion: '4.1.12' }))
    expect(record.results.map((r) => [r.test.file, r.test.name])).toEqual([
      ['bench/sort.bench.ts', 'top level'],
      ['bench/sort.bench.ts', 'sort > small, arrays > numbers'],
      ['bench/sort.bench.ts', 'sort > small, arrays > strings "quoted"'],
      ['bench/parse.bench.ts', 'json > parse'],
      ['bench/parse.bench.ts', 'json > nested > deep'],
    ])
    expect(record.results.every((r) => r.test.project === '')).toBe(true)
    const runner = { name: 'vitest', version: '4.1.12', pool: 'bench' }
    expect(record.results[0]!.runner).toEqual(runner)
    expect(record.results[0]!.env_key).toBe(envKey(ENV, record.results[0]!.runner))
  })

  test('milliseconds become nanoseconds; hz becomes a throughput metric', () => {
    const record = parseVitestBench(TWO_FILES, context('bench.json'))
    const top = record.results[0]!.sample
    expect(top.wall_ns).toEqual({ n: 1000, mean: 13750, median: 12500, p75: 15000, p99: 25000, min: 10000, max: 37500, sd: 625 })
    expect(top.iterations).toBe(1000)
    expect(top.warmup).toEqual({ iterations: 0, time_ms: 0 })
    expect(top.raw_wall_ns).toEqual([])
    expect(top.duration_ms).toBe(500.25)
    expect(metricsOf(record, 0)).toEqual({ throughput_hz: { value: 80000, better: 'higher', unit: 'ops/s' } })
    expect(record.results[4]!.sample.wall_ns.median).toBe(40_000_000)
  })

  test('the record takes id, time, mode, git and env from the context, and passes the store check', () => {
    const ctx = context('bench.json', { mode: 'compare', runId: 'r-42' })
    const record = parseVitestBench(TWO_FILES, ctx)
    expect(record).toMatchObject({ schema: 1, kind: 'run', id: 'r-42', time: NOW.toISOString(), mode: 'compare', git: ctx.git, env: ENV })
    expect(checkRecord(JSON.parse(JSON.stringify(record))).ok).toBe(true)
    expect(parseVitestBench(TWO_FILES, ctx)).toEqual(record)
  })

  test('failed benchmarks and ones without samples are skipped with a warning; a missing median falls back to the mean', () => {
    const text = report([
      {
        filepath: '/repo/bench/fail.bench.ts',
        groups: [
          {
            fullName: 'bench/fail.bench.ts > broken',
            benchmarks: [
              bench('ok', 1, { median: undefined }),
              { id: '1107491374_0_1', name: 'throws', rank: 2, rme: 0, samples: [] },
              bench('empty', 1, { sampleCount: 0 }),
              bench('ok', 2),
            ],
          },
        ],
      },
    ])
    const { value: record, warnings } = collect((warn) => parseVitestBench(text, context('out/bench.json'), warn))
    expect(record.results.map((r) => r.sample.wall_ns.median)).toEqual([1_100_000])
    expect(warnings).toEqual([
      'out/bench.json: bench/fail.bench.ts > broken > ok: no median in the report (older Vitest): the mean stands in for it',
      'out/bench.json: skipped bench/fail.bench.ts > broken > throws: no results (the benchmark did not complete)',
      'out/bench.json: skipped bench/fail.bench.ts > broken > empty: no samples',
      'out/bench.json: skipped a second result named "broken > ok" in bench/fail.bench.ts',
    ])
  })

  test('samples, when a report has them, are kept sorted in nanoseconds and thinned', () => {
    const samples = Array.from({ length: 200 }, (_, i) => (200 - i) / 1000)
    const record = parseVitestBench(report([{ filepath: '/repo/a.bench.ts', groups: [{ fullName: 'a.bench.ts', benchmarks: [bench('x', 0.1, { samples })] }] }]), context('b.json'))
    const raw = record.results[0]!.sample.raw_wall_ns
    expect(raw).toHaveLength(64)
    expect(raw[0]).toBe(1000)
    expect(raw[63]).toBe(200_000)
  })

  test('withoutFile drops the file part of a group name only when it is the file', () => {
    expect(withoutFile('bench/a.bench.ts > x > y', '/repo/bench/a.bench.ts')).toBe('x > y')
    expect(withoutFile('bench/a.bench.ts', '/repo/bench/a.bench.ts')).toBe('')
    expect(withoutFile('a.bench.ts > x', 'C:\\repo\\a.bench.ts')).toBe('x')
    expect(withoutFile('other > x', '/repo/bench/a.bench.ts')).toBe('other > x')
    expect(withoutFile('ch/a.bench.ts > x', '/repo/bench/a.bench.ts')).toBe('ch/a.bench.ts > x')
  })

  test.each<[string, string, string]>([
    ['invalid JSON', '{"files": [', 'bench.json: not a vitest bench JSON file: invalid JSON ('],
    ['an array', '[1, 2]', 'bench.json: not a vitest bench JSON file: no "files" array: expected an object with a "files" array (Vitest 4\'s --outputJson) or a "testResults" array (Vitest 5\'s JSON reporter), found an array of 2 items'],
    ['an object without files or testResults', '{"numTotalTests": 3}', 'found an object with keys numTotalTests'],
    ['a test report without benchmarks', '{"numTotalTests": 3, "testResults": []}', 'a test report without benchmark results: Vitest 5 writes them with --reporter=json'],
    ['a file without groups', report([{ filepath: '/repo/a.bench.ts' }]), 'files[0].groups should be an array, found undefined'],
    ['a bench with a string mean', report([{ filepath: '/repo/a.bench.ts', groups: [{ fullName: 'a.bench.ts', benchmarks: [bench('x', 1, { mean: '1.1' })] }] }]), 'files[0].groups[0].benchmarks[0] ("x").mean should be a number, found the string "1.1"'],
    ['no files', report([]), 'bench.json: no benchmarks with results to import'],
    ['only failed benchmarks', report([{ filepath: '/repo/a.bench.ts', groups: [{ fullName: 'a.bench.ts', benchmarks: [{ name: 'x', rank: 1, rme: 0, samples: [] }] }] }]), 'no benchmarks with results to import'],
  ])('rejects %s', (_, text, message) => {
    const error = importError(() => parseVitestBench(text, context('bench.json')))
    expect(error.message).toContain(message)
    expect(error.file).toBe('bench.json')
  })
})

/** Files written by the real Vitest 4 and 5 (test/fixtures/vitest-bench/record.mjs re-records them), root /repo. */
const recorded = (file: string) => readFileSync(path.resolve(import.meta.dirname, '../fixtures/vitest-bench', file), 'utf8')

/** A Vitest 5 JSON report: one test file, these test results. */
const testReport = (assertionResults: unknown[]) => JSON.stringify({ testResults: [{ name: '/repo/a.bench.ts', status: 'passed', assertionResults }] })
const benchTask = (name: string, p50: number, extra: Record<string, unknown> = {}) => ({
  name,
  latency: { mean: p50, p50, p75: p50, p99: p50, min: p50, max: p50, sd: 0, samplesCount: 10 },
  throughput: { mean: 1000 / p50 },
  totalTime: 10 * p50,
  rank: 1,
  ...extra,
})
const assertion = (title: string, benchmarks: unknown, extra: Record<string, unknown> = {}) => ({ ancestorTitles: ['s'], title, status: 'passed', benchmarks, ...extra })

describe('parseVitestBench on recorded files', () => {
  test('Vitest 4.1.12 --outputJson: every benchmark that completed, the one that threw skipped', () => {
    const { value: record, warnings } = collect((warn) => parseVitestBench(recorded('vitest-4.1.12.json'), context('bench.json'), warn))
    expect(record.results.map((r) => [r.test.file, r.test.name, r.test.bench])).toEqual([
      ['parse.bench.js', 'top level', undefined],
      ['parse.bench.js', 'json > parse', undefined],
      ['parse.bench.js', 'json > stringify', undefined],
      ['parse.bench.js', 'json > nested > deep', undefined],
    ])
    expect(warnings).toEqual(['bench.json: skipped parse.bench.js > json > throws: no results (the benchmark did not complete)'])
    expect(checkRecord(JSON.parse(JSON.stringify(record))).ok).toBe(true)
  })

  const V5 = [
    ['vitest bench', 'vitest-5.1.2-bench.json'],
    ['vitest run with benchmark.enabled', 'vitest-5.1.2-run.json'],
  ]
  test.each(V5)('Vitest 5.1.2 JSON reporter under %s: named by test and bench; failed tests and bench.from() results left out', (_, file) => {
    const { value: record, warnings } = collect((warn) => parseVitestBench(recorded(file), context('report.json', { runnerVersion: '5.1.2' }), warn))
    const rows = record.results.map((r) => [r.test.file, r.test.name, r.test.bench]).sort()
    expect(rows).toEqual([
      ['parse.bench.js', 'json > against a stored result', 'parse'],
      ['parse.bench.js', 'json > compare', 'parse'],
      ['parse.bench.js', 'json > compare', 'stringify'],
      ['parse.bench.js', 'json > named groups', 'large > parse'],
      ['parse.bench.js', 'json > named groups', 'small > parse'],
      ['parse.bench.js', 'top level', 'parse'],
    ])
    expect(warnings).toEqual(['report.json: skipped the benchmarks of parse.bench.js > json > fails after measuring: the test failed'])
    expect(record.results.every((r) => r.test.project === '' && r.runner.pool === 'bench' && r.runner.version === '5.1.2')).toBe(true)
    expect(record.results.every((r) => r.sample.wall_ns.median > 0 && r.sample.metrics?.throughput_hz !== undefined)).toBe(true)
    expect(checkRecord(JSON.parse(JSON.stringify(record))).ok).toBe(true)
  })
})

describe('parseVitestBench on Vitest 5 JSON reports', () => {
  test('milliseconds become nanoseconds; the test is named by its describe titles, the benchmark by bench', () => {
    const record = parseVitestBench(testReport([assertion('t', [{ name: 's > t', tasks: [benchTask('x', 0.5)] }])]), context('r.json'))
    expect(record.results).toHaveLength(1)
    expect(record.results[0]!.test).toEqual({ file: 'a.bench.ts', name: 's > t', project: '', bench: 'x' })
    expect(record.results[0]!.sample.wall_ns.median).toBe(500_000)
    expect(record.results[0]!.sample.duration_ms).toBe(5)
    expect(metricsOf(record, 0)).toEqual({ throughput_hz: { value: 2000, better: 'higher', unit: 'ops/s' } })
  })

  test('tests without benchmarks are passed over; skipped benchmarks and duplicates are reported', () => {
    const text = testReport([
      assertion('plain', []),
      assertion('t', [{ name: 's > t', tasks: [benchTask('x', 1), benchTask('none', 1, { latency: { ...benchTask('x', 1).latency, samplesCount: 0 } })] }]),
      assertion('skipped', [{ name: 's > skipped', tasks: [benchTask('x', 1)] }], { status: 'skipped' }),
      assertion('t', [{ name: 's > t', tasks: [benchTask('x', 2)] }]),
    ])
    const { value: record, warnings } = collect((warn) => parseVitestBench(text, context('r.json'), warn))
    expect(record.results.map((r) => [r.test.name, r.test.bench, r.sample.wall_ns.median])).toEqual([['s > t', 'x', 1e6]])
    expect(warnings).toEqual([
      'r.json: skipped a.bench.ts > s > t, benchmark "none": no samples',
      'r.json: skipped the benchmarks of a.bench.ts > s > skipped: the test did not pass',
      'r.json: skipped a second result named "s > t" ["x"] in a.bench.ts',
    ])
  })

  test.each<[string, string, string]>([
    ['a test file without a name', JSON.stringify({ testResults: [{ assertionResults: [] }] }), "testResults[0].name should be the test file's path, found undefined"],
    ['a test without assertionResults', JSON.stringify({ testResults: [{ name: '/repo/a.bench.ts' }] }), 'testResults[0].assertionResults should be an array, found undefined'],
    ['a test without a title', testReport([assertion('t', [], { title: 5 })]), 'testResults[0].assertionResults[0].title should be a string, found number 5'],
    ['ancestor titles that are not strings', testReport([assertion('t', [], { ancestorTitles: [1] })]), 'testResults[0].assertionResults[0].ancestorTitles should be an array of strings'],
    ['benchmarks that are not an array', testReport([assertion('t', { tasks: [] })]), 'testResults[0].assertionResults[0] ("s > t"): benchmarks should be an array, found an object with keys tasks'],
    ['a statistic that is not a number', testReport([assertion('t', [{ name: 's > t', tasks: [benchTask('x', 1, { latency: { p50: '1' } })] }])]), '("s > t"): "x": latency.mean should be a number, found undefined'],
    ['only tests without benchmark results', testReport([assertion('t', [])]), 'r.json: no benchmarks with results to import'],
    ['a Vitest 4 JSON test report (no benchmarks field)', JSON.stringify({ testResults: [{ name: '/repo/a.test.ts', assertionResults: [{ title: 't', status: 'passed' }] }] }), 'for Vitest 4, write the benchmarks with vitest bench --outputJson <file>'],
  ])('rejects %s', (_, text, message) => {
    const error = importError(() => parseVitestBench(text, context('r.json')))
    expect(error.message).toContain(message)
  })
})

const HEADER =
  'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,' +
  'Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%'

/** `locust --csv=load` writes this (Python's csv module: CRLF, minimal quoting). */
const LOCUST = [
  HEADER,
  'GET,/,1200,0,12,14.503333333333334,3.21,250.7,5120.0,40.01,0.0,12,15,17,19,24,31,45,60,180,250,250',
  'GET,"/search?q=a,b",600,12,45,52.11,8.9,900.2,20480.0,20.0,0.4,45,55,62,68,85,110,170,240,800,900,900',
  'POST,"/api/""items"", bulk",300,3,78,81.5,20.1,410.0,128.0,10.0,0.1,78,85,90,95,110,130,170,200,400,410,410',
  ',Aggregated,2100,15,20,30.21,3.21,900.2,8765.4,70.0,0.5,20,30,40,50,70,90,140,200,700,900,900',
  '',
].join('\r\n')

/** Until record.ts accepts the `locust` runner: the record as the store check sees it otherwise. */
describe('parseLocustStats', () => {
  test('one result per row, the Aggregated row included, named by type and name', () => {
    const record = parseLocustStats(LOCUST, context('load/run_stats.csv', { runnerVersion: '2.37.0' }))
    expect(record.results.map((r) => r.test)).toEqual([
      { file: 'load/run_stats.csv', name: 'GET /', project: '' },
      { file: 'load/run_stats.csv', name: 'GET /search?q=a,b', project: '' },
      { file: 'load/run_stats.csv', name: 'POST /api/"items", bulk', project: '' },
      { file: 'load/run_stats.csv', name: 'Aggregated', project: '' },
    ])
    const runner = record.results[0]!.runner
    expect(runner).toEqual({ name: 'locust', version: '2.37.0', pool: '' })
    expect(record.results[0]!.env_key).toBe(envKey(ENV, runner))
    expect(record).toMatchObject({ id: 'import-1', time: NOW.toISOString(), mode: 'baseline', env: ENV })
    expect(checkRecord(record).ok).toBe(true)
  })

  test('response times in ms become wall_ns; request counts the iterations; throughput and failures metrics', () => {
    const record = parseLocustStats(LOCUST, context('load/run_stats.csv'))
    const search = record.results[1]!.sample
    expect(search.wall_ns).toEqual({ n: 600, mean: 52_110_000, median: 45_000_000, p75: 62_000_000, p99: 240_000_000, min: 8_900_000, max: 900_200_000, sd: 0 })
    expect(search.iterations).toBe(600)
    expect(search.duration_ms).toBe(30_000)
    expect(search.raw_wall_ns).toEqual([])
    expect(metricsOf(record, 1)).toEqual({
      requests_per_s: { value: 20, better: 'higher', unit: 'req/s' },
      failure_rate: { value: 0.02, better: 'lower', unit: 'ratio', absolute: true },
      p90_ms: { value: 85, better: 'lower', unit: 'ms' },
      p95_ms: { value: 110, better: 'lower', unit: 'ms' },
      p99_9_ms: { value: 800, better: 'lower', unit: 'ms' },
    })
    expect(record.results[0]!.sample.wall_ns.mean).toBe(14_503_333.333)
    expect(record.results[3]!.sample.iterations).toBe(2100)
  })

  test('rows without requests are skipped with a warning', () => {
    const csv = [HEADER, 'GET,/never,0,0,0,0.0,0,0,0.0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A', LOCUST.split('\r\n')[1], LOCUST.split('\r\n')[4]].join('\n')
    const { value: record, warnings } = collect((warn) => parseLocustStats(csv, context('s.csv'), warn))
    expect(record.results.map((r) => r.test.name)).toEqual(['GET /', 'Aggregated'])
    expect(warnings).toEqual(['s.csv: skipped "GET /never" (line 2): no requests'])
  })

  const rows = LOCUST.split('\r\n')
  test.each<[string, string, string]>([
    ['an empty file', '', 's.csv: not a Locust stats CSV (the _stats.csv of locust --csv): the file is empty'],
    ['a failures file', 'Method,Name,Error,Occurrences\r\nGET,/,500,3\r\n', 'missing columns "Type", "Request Count",'],
    ['a history file', 'Timestamp,User Count,Type,Name\r\n', '(this looks like _stats_history.csv; import _stats.csv)'],
    ['a file cut short', rows.slice(0, 3).join('\r\n'), 'no "Aggregated" row at the end; the file is incomplete'],
    ['a non-numeric value', [rows[0], rows[1]!.replace('14.503333333333334', 'fast'), rows[4]].join('\n'), 'line 2, column "Average Response Time": expected a number, found "fast"'],
    ['a row with missing fields', [rows[0], 'GET,/,1200', rows[4]].join('\n'), 'line 2 has 3 fields, the header has 22'],
    ['an unterminated quote', [rows[0], 'GET,"/oops,1', rows[4]].join('\n'), 'malformed CSV, line 2: unterminated quoted field'],
    ['only rows without requests', [HEADER, ',Aggregated,0,0,0,0.0,0,0,0.0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A'].join('\n'), 's.csv: no rows with requests to import'],
  ])('rejects %s', (_, csv, message) => {
    expect(importError(() => parseLocustStats(csv, context('s.csv'))).message).toContain(message)
  })
})

describe('parseCsv', () => {
  test('quoted fields with commas, doubled quotes and line breaks; CRLF, LF and CR; BOM and blank lines', () => {
    const text = '\uFEFFa,"b,c","say ""hi"""\r\n\r\n"multi\r\nline",,x\rlast,"",end'
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b,c', 'say "hi"'] },
      { line: 3, fields: ['multi\r\nline', '', 'x'] },
      { line: 5, fields: ['last', '', 'end'] },
    ])
  })

  test('a trailing comma ends with an empty field; a final newline adds no record', () => {
    expect(parseCsv('a,b,\n')).toEqual([{ line: 1, fields: ['a', 'b', ''] }])
    expect(parseCsv('a,b,')).toEqual([{ line: 1, fields: ['a', 'b', ''] }])
    expect(parseCsv('')).toEqual([])
  })

  test.each([
    ['a,"open\nstill open', 'line 1: unterminated quoted field'],
    ['a\n"closed"x,b', 'line 2: unexpected "x" after a quoted field'],
  ])('rejects %j', (text, message) => {
    expect(() => parseCsv(text)).toThrow(CsvError)
    expect(() => parseCsv(text)).toThrow(message)
  })
})
