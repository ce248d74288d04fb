/**
 * What a load test gives back: the result the test can assert on, and the sample it records,
 * in the structures every other sample uses (wall_ns holds the latencies; throughput,
 * percentiles and errors are metrics with their directions; `load` keeps the levels and
 * error messages). Pure.
 */
import type { CustomMetric, PerfSample } from '../types.js'
import { round3 } from '../util/format.js'
import type { LoadRun, StepRun } from './engine.js'
import { spreadOf, summarizeLatencies } from './histogram.js'
import type { LoadPlan, LoadResult, LoadStepResult } from './types.js'

export type { LatencyMs, LoadResult, LoadStepResult } from './types.js'




const msOf = (ns: number) => round3(ns / 1e6)

function stepResult(step: StepRun, first: StepRun): LoadStepResult {
  const l = summarizeLatencies(step.latencies)
  const calls = l.n
  const throughput = step.durationMs > 0 ? (step.completed * 1000) / step.durationMs : 0
  const firstThroughput = first.durationMs > 0 ? (first.completed * 1000) / first.durationMs : 0
  const efficiency = firstThroughput > 0 ? throughput / step.level / (firstThroughput / first.level) : 0
  return {
    level: step.level,
    calls,
    errors: step.errors,
    errorRate: calls > 0 ? step.errors / calls : 0,
    throughput: round3(throughput),
    latencyMs: { p50: msOf(l.p50), p90: msOf(l.p90), p95: msOf(l.p95), p99: msOf(l.p99), max: msOf(l.max), mean: msOf(l.mean) },
    concurrency: round3(step.concurrency),
    efficiency: round3(efficiency),
  }
}

/** The result handed to the test. */
export function loadResult(run: LoadRun, plan: LoadPlan): LoadResult {
  const first = run.steps[0]!
  const steps = run.steps.map((s) => stepResult(s, first))
  const { level: _level, efficiency: _efficiency, ...last } = steps.at(-1)!
  return { model: plan.model, ...last, unfinished: run.unfinished, errorMessages: run.errorMessages.map((m) => ({ ...m })), steps }
}

/**
 * The load metrics of a result, by the names the detector knows them by (detect/metrics.ts):
 * latencies in ns, the error rate in percent.
 */
export function loadMetrics(run: LoadRun, result: LoadResult): Record<string, CustomMetric> {
  const l = summarizeLatencies(run.steps.at(-1)!.latencies)
  const ns = (v: number): CustomMetric => ({ value: round3(v), better: 'lower', unit: 'ns' })
  const metrics: Record<string, CustomMetric> = {
    throughput: { value: result.throughput, better: 'higher', unit: 'calls/s' },
    'latency p50': ns(l.p50),
    'latency p90': ns(l.p90),
    'latency p95': ns(l.p95),
    'latency p99': ns(l.p99),
    'latency max': ns(l.max),
    errors: { value: result.errors, better: 'lower', unit: 'calls', absolute: true },
    'error rate': { value: round3(result.errorRate * 100), better: 'lower', unit: '%', absolute: true },
    concurrency: { value: result.concurrency, better: 'lower', unit: 'calls' },
  }
  if (result.steps.length > 1) metrics.scaling = { value: round3(result.steps.at(-1)!.efficiency * 100), better: 'higher', unit: '%' }
  return metrics
}

/** The sample recorded for the reporter. `extra` are the metrics the test's `record` returned. */
export function loadSample(
  run: LoadRun,
  plan: LoadPlan,
  result: LoadResult,
  options: { name?: string | undefined; rawSamples: number; extra?: Record<string, CustomMetric> | undefined },
): PerfSample {
  const lastStep = run.steps.at(-1)!
  const l = summarizeLatencies(lastStep.latencies)
  const sample: PerfSample = {
    iterations: l.n,
    warmup: { iterations: run.warmup.calls, time_ms: round3(run.warmup.ms) },
    wall_ns: { n: l.n, mean: round3(l.mean), median: round3(l.p50), p75: round3(l.p75), p99: round3(l.p99), min: round3(l.min), max: round3(l.max), sd: round3(l.sd) },
    raw_wall_ns: spreadOf(lastStep.latencies, options.rawSamples).map(round3),
    duration_ms: round3(run.totalMs),
    cpu_ns: l.n > 0 ? round3((lastStep.cpuUs * 1000) / l.n) : 0,
    cpu_percent: lastStep.durationMs > 0 ? round3((lastStep.cpuUs / 1000 / lastStep.durationMs) * 100) : 0,
    heap_used_bytes: run.memory.heapAfter,
    heap_delta_bytes: run.memory.heapAfter - run.memory.heapBefore,
    rss_bytes: run.memory.rss,
    metrics: { ...options.extra, ...loadMetrics(run, result) },
    load: {
      model: plan.model,
      ...(plan.model === 'open' ? { max_concurrency: plan.maxConcurrency } : {}),
      duration_ms: round3(lastStep.durationMs),
      unfinished: run.unfinished,
      error_messages: result.errorMessages,
      steps: result.steps.map((s, i) => {
        const own = summarizeLatencies(run.steps[i]!.latencies)
        return {
          level: s.level,
          calls: s.calls,
          errors: s.errors,
          throughput: s.throughput,
          concurrency: s.concurrency,
          efficiency: s.efficiency,
          latency_ns: { p50: round3(own.p50), p95: round3(own.p95), p99: round3(own.p99) },
        }
      }),
    },
  }
  if (options.name !== undefined) sample.name = options.name
  return sample
}
