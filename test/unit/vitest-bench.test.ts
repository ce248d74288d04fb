/**
 * Vitest 5's `bench` fixture results as samples: statistics of tasks as Vitest 5.1.2
 * reported them (test/fixtures/vitest-bench/vitest-5.1.2-bench.json), and hand-made ones.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { checkSample } from '../../src/store/record.js'
import { benchName, benchSamples } from '../../src/vitest/bench.js'

const RECORDED = path.resolve(import.meta.dirname, '../fixtures/vitest-bench/vitest-5.1.2-bench.json')

interface Recorded {
  testResults: { assertionResults: { ancestorTitles: string[]; title: string; benchmarks: unknown[] }[] }[]
}
const recorded = JSON.parse(readFileSync(RECORDED, 'utf8')) as Recorded
const benchmarksOf = (title: string) => recorded.testResults[0]!.assertionResults.find((a) => a.title === title)!.benchmarks

/** tinybench 6 statistics: latency in milliseconds around `p50`. */
function stats(p50: number, extra: Record<string, unknown> = {}) {
  return {
    aad: 0, critical: 1.96, df: 99, mad: 0, max: p50 * 4, mean: p50 * 1.25, min: p50 * 0.5, moe: 0, p50,
    p75: p50 * 1.5, p99: p50 * 3, p995: p50 * 3.5, p999: p50 * 3.9, rme: 1, samplesCount: 100, sd: p50 * 0.25, sem: 0, variance: 0, ...extra,
  }
}
const task = (name: string, p50: number, extra: Record<string, unknown> = {}) => ({
  name, latency: stats(p50), throughput: stats(1000 / p50, { mean: 900 / p50 }), period: p50 * 1.25, totalTime: 125.0004, rank: 1, ...extra,
})

describe('benchName', () => {
  test('the task name alone in the group Vitest names after the test; the group in front when run({ name }) named it', () => {
    expect(benchName('json > compare', 'json > compare', 'parse')).toBe('parse')
    expect(benchName('small', 'json > compare', 'parse')).toBe('small > parse')
    expect(benchName('', 'json > compare', 'parse')).toBe('parse')
  })
})

describe('benchSamples', () => {
  test('a task Vitest 5.1.2 measured: milliseconds become nanoseconds, p50 the median, samplesCount the iterations, throughput a metric', () => {
    const benchmarks = benchmarksOf('compare')
    const { samples, skipped, problems } = benchSamples(benchmarks, 'json > compare', 64)
    expect(problems).toEqual([])
    expect(skipped).toEqual([])
    expect(samples.map((s) => s.bench).sort()).toEqual(['parse', 'stringify'])
    const task = (benchmarks[0] as { tasks: { name: string; latency: Record<string, number>; throughput: { mean: number }; totalTime: number }[] }).tasks.find((t) => t.name === 'parse')!
    const parse = samples.find((s) => s.bench === 'parse')!.sample
    expect(parse.name).toBe('parse')
    expect(parse.iterations).toBe(task.latency.samplesCount)
    expect(parse.wall_ns.n).toBe(task.latency.samplesCount)
    expect(parse.wall_ns.median).toBeCloseTo(task.latency.p50! * 1e6, 2)
    expect(parse.wall_ns.mean).toBeCloseTo(task.latency.mean! * 1e6, 2)
    expect(parse.wall_ns.p99).toBeCloseTo(task.latency.p99! * 1e6, 2)
    expect(parse.wall_ns.max).toBeCloseTo(task.latency.max! * 1e6, 2)
    expect(parse.raw_wall_ns).toEqual([])
    expect(parse.duration_ms).toBeCloseTo(task.totalTime, 3)
    expect(parse.metrics).toEqual({ throughput_hz: { value: task.throughput.mean, better: 'higher', unit: 'ops/s' } })
    expect(checkSample(parse)).toBeUndefined()
  })

  test('exact figures of a hand-made task', () => {
    const { samples } = benchSamples([{ name: 't', tasks: [task('x', 0.02)] }], 't', 64)
    expect(samples[0]!.sample).toEqual({
      name: 'x',
      iterations: 100,
      warmup: { iterations: 0, time_ms: 0 },
      wall_ns: { n: 100, mean: 25_000, median: 20_000, p75: 30_000, p99: 60_000, min: 10_000, max: 80_000, sd: 5_000 },
      raw_wall_ns: [],
      duration_ms: 125,
      metrics: { throughput_hz: { value: 45_000, better: 'higher', unit: 'ops/s' } },
    })
  })

  test('two groups named with run({ name }) keep the same benchmark apart (as Vitest 5.1.2 wrote them)', () => {
    const { samples } = benchSamples(benchmarksOf('named groups'), 'json > named groups', 64)
    expect(samples.map((s) => s.bench)).toEqual(['small > parse', 'large > parse'])
  })

  test('a result read by bench.from() is not a measurement of this run and is left out without a note', () => {
    const read = benchSamples(benchmarksOf('against a stored result'), 'json > against a stored result', 64)
    expect(read.samples.map((s) => s.bench)).toEqual(['parse'])
    expect(read.skipped).toEqual([])
  })

  test('retained samples (benchmark.retainSamples) are kept sorted, in nanoseconds, thinned to rawSamples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => (100 - i) / 1000)
    const read = benchSamples([{ name: 't', tasks: [task('x', 0.05, { latency: stats(0.05, { samples }) })] }], 't', 8)
    const raw = read.samples[0]!.sample.raw_wall_ns
    expect(raw).toHaveLength(8)
    expect(raw[0]).toBe(1000)
    expect(raw[7]).toBe(100_000)
    expect([...raw].sort((a, b) => a - b)).toEqual(raw)
  })

  test('without throughput statistics there is no throughput metric', () => {
    const { samples } = benchSamples([{ name: 't', tasks: [task('x', 1, { throughput: undefined })] }], 't', 64)
    expect(samples[0]!.sample.metrics).toBeUndefined()
  })

  test('nothing to record: no samples, a median of 0, a second benchmark of the same name', () => {
    const read = benchSamples(
      [
        { name: 't', tasks: [task('empty', 1, { latency: stats(1, { samplesCount: 0 }) }), task('instant', 0), task('x', 1)] },
        { name: 't', tasks: [task('x', 2)] },
      ],
      't',
      64,
    )
    expect(read.samples.map((s) => [s.bench, s.sample.wall_ns.median])).toEqual([['x', 1e6]])
    expect(read.skipped).toEqual([
      '"empty": no samples',
      '"instant": median 0 ms (faster than the timer resolution)',
      '"x": a second benchmark of this name in the test; only the first is recorded (name the groups with run({ name }))',
    ])
    expect(read.problems).toEqual([])
  })

  test('results unlike what Vitest writes are problems, named by where they are; the valid ones are kept', () => {
    const read = benchSamples(
      [
        { name: 't', tasks: [task('no p50', 1, { latency: stats(1, { p50: undefined }) }), 'nonsense', task('ok', 1), task('no latency', 1, { latency: [] })] },
        { tasks: [] },
        { name: 't', tasks: [task('NaN sd', 1, { latency: stats(1, { sd: Number.NaN }) })] },
      ],
      't',
      64,
    )
    expect(read.samples.map((s) => s.bench)).toEqual(['ok'])
    expect(read.problems).toEqual([
      '"no p50": latency.p50 should be a number, found undefined',
      'benchmarks[0].tasks[1] should be an object with a name, found the string "nonsense"',
      '"no latency": latency should be an object of statistics, found an array of 0 items',
      'benchmarks[1] should be an object with a name and a tasks array, found an object with keys tasks',
      '"NaN sd": latency.sd should be a number, found NaN',
    ])
    expect(benchSamples({ name: 't' }, 't', 64).problems).toEqual(['benchmarks should be an array, found an object with keys name'])
  })

  test('a median so small it rounds to 0 ns fails the sample check and is a problem, not a sample', () => {
    const read = benchSamples([{ name: 't', tasks: [task('tiny', 1e-10)] }], 't', 64)
    expect(read.samples).toEqual([])
    expect(read.problems).toEqual(['"tiny": sample.wall_ns.median: expected a number above 0, got 0'])
  })
})
