/**
 * Vitest 5's own benchmarks (the `bench` test-context fixture) as perf-regression samples.
 * Pure: the reporter hands in `testCase.benchmarks()`, the importer the `benchmarks` of the
 * JSON reporter's test results. Both come from test workers and, with a custom benchmark
 * provider, from user code: every field is checked.
 *
 * Shape (Vitest 5.1 `TestBenchmark`; statistics from tinybench 6, latency in milliseconds,
 * throughput in operations per second):
 *
 *   [{ name: 'json > compare',    // the group: the test's full name, or `run({ name })`
 *      tasks: [{ name: 'parse', rank, period, totalTime, perProject?, fromStore?,
 *                latency: { mean, p50, p75, p99, p995, p999, min, max, sd, variance, sem, moe,
 *                           rme, mad, aad, df, critical, samplesCount, samples? },
 *                throughput: { ...the same statistics... } }] }]
 *
 * `bench().run()` adds one group, `bench.compare()` one group with a task per benchmark.
 * `samples` is only there with `benchmark.retainSamples`. Tasks with `fromStore` were read
 * by `bench.from()` from a stored result, not measured in this run, and are left out.
 */
import { msToNs } from '../import/context.js'
import { thin } from '../stats/summary.js'
import { checkSample } from '../store/record.js'
import type { PerfSample } from '../types.js'
import { round3 } from '../util/format.js'
import { describeValue, isRecord, show } from '../util/values.js'

/** One measured benchmark of a test: its name within the test and its sample (named so too, like a named `perf()` call's). */
export interface BenchSample {
  /** The task's name; `<group> > <task>` when the group was named with `run({ name })`. */
  bench: string
  sample: PerfSample
}

export interface BenchReadout {
  samples: BenchSample[]
  /** Benchmarks with nothing to record, and why (no samples, a second one of the same name). */
  skipped: string[]
  /** Benchmarks whose results are not what Vitest writes: the first problem of each. */
  problems: string[]
}

type Obj = Record<string, unknown>
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** Latency statistics every measured benchmark has. */
const LATENCY = ['mean', 'p50', 'p75', 'p99', 'min', 'max', 'sd', 'samplesCount'] as const

/**
 * The name a benchmark is stored under, next to the test's name: the task's own name, with
 * the group's in front when it is not the test's full name (`run({ name: 'small' })`), so the
 * same benchmark run in two named groups of one test stays two benchmarks.
 */
export function benchName(group: string, testName: string, task: string): string {
  return group === testName || group === '' ? task : `${group} > ${task}`
}

/**
 * The samples of one test's benchmarks (`testName`: its full name, `describe > test`).
 * `rawSamples` bounds the per-iteration times kept from `latency.samples`.
 */
export function benchSamples(benchmarks: unknown, testName: string, rawSamples: number): BenchReadout {
  const out: BenchReadout = { samples: [], skipped: [], problems: [] }
  if (!Array.isArray(benchmarks)) {
    out.problems.push(`benchmarks should be an array, found ${describeValue(benchmarks)}`)
    return out
  }
  const seen = new Set<string>()
  benchmarks.forEach((group: unknown, g) => {
    const at = `benchmarks[${g}]`
    if (!isRecord(group) || typeof group.name !== 'string' || !Array.isArray(group.tasks)) {
      out.problems.push(`${at} should be an object with a name and a tasks array, found ${describeValue(group)}`)
      return
    }
    const groupName = group.name
    group.tasks.forEach((task: unknown, t) => {
      const tat = `${at}.tasks[${t}]`
      if (!isRecord(task) || typeof task.name !== 'string') {
        out.problems.push(`${tat} should be an object with a name, found ${describeValue(task)}`)
        return
      }
      if (task.fromStore === true) return
      const bench = benchName(groupName, testName, task.name)
      const label = JSON.stringify(bench)
      const read = taskSample(task, bench, rawSamples)
      if ('problem' in read) return void out.problems.push(`${label}: ${read.problem}`)
      if ('skip' in read) return void out.skipped.push(`${label}: ${read.skip}`)
      if (seen.has(bench)) {
        out.skipped.push(`${label}: a second benchmark of this name in the test; only the first is recorded (name the groups with run({ name }))`)
        return
      }
      seen.add(bench)
      out.samples.push({ bench, sample: read.sample })
    })
  })
  return out
}

type TaskRead = { sample: PerfSample } | { skip: string } | { problem: string }

/** One task's statistics as a sample. */
function taskSample(task: Obj, bench: string, rawSamples: number): TaskRead {
  const latency = task.latency
  if (!isRecord(latency)) return { problem: `latency should be an object of statistics, found ${describeValue(latency)}` }
  for (const k of LATENCY) {
    if (!isNum(latency[k])) return { problem: `latency.${k} should be a number, found ${show(latency[k])}` }
  }
  const stat = (k: (typeof LATENCY)[number]) => latency[k] as number
  const count = stat('samplesCount')
  if (count < 1) return { skip: 'no samples' }
  if (!(stat('p50') > 0)) return { skip: 'median 0 ms (faster than the timer resolution)' }
  const throughput = isRecord(task.throughput) && isNum(task.throughput.mean) ? task.throughput.mean : undefined
  const samples = Array.isArray(latency.samples) ? latency.samples.filter(isNum).sort((a, b) => a - b) : []
  const sample: PerfSample = {
    name: bench,
    iterations: count,
    warmup: { iterations: 0, time_ms: 0 },
    wall_ns: {
      n: count,
      mean: msToNs(stat('mean')),
      median: msToNs(stat('p50')),
      p75: msToNs(stat('p75')),
      p99: msToNs(stat('p99')),
      min: msToNs(stat('min')),
      max: msToNs(stat('max')),
      sd: msToNs(stat('sd')),
    },
    raw_wall_ns: thin(samples, rawSamples).map(msToNs),
    duration_ms: isNum(task.totalTime) ? round3(task.totalTime) : 0,
    ...(throughput !== undefined ? { metrics: { throughput_hz: { value: throughput, better: 'higher' as const, unit: 'ops/s' } } } : {}),
  }
  const problem = checkSample(sample)
  return problem === undefined ? { sample } : { problem }
}
