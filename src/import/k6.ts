/**
 * Imports k6's end-of-test summary: the file written by `k6 run --summary-export out.json`,
 * or the summary data a `handleSummary` writes with `JSON.stringify(data)`.
 *
 * `--summary-export` writes each metric's values directly under its name, a rate's `rate`
 * renamed to `value` (k6's `js/summary-wrapper.js`):
 *
 *   { "root_group": { ... }, "metrics": {
 *       "http_req_duration": { "avg": 12.3, "min": 1.2, "med": 10.1, "max": 120.4, "p(90)": 20.1, "p(95)": 25.3 },
 *       "http_reqs": { "count": 3000, "rate": 99.9 },
 *       "http_req_failed": { "passes": 30, "fails": 2970, "value": 0.01 },
 *       "iterations": { "count": 3000, "rate": 99.9 }, "vus_max": { "value": 10, "min": 10, "max": 10 }, ... } }
 *
 * `handleSummary` data has `{ "type", "contains", "values": { ... } }` per metric instead, with
 * `rate`. Times are in milliseconds. `http_req_failed` counts failed requests as its `passes`
 * (the value it tracks is "failed"). The result is one run with one result, `http requests`
 * (or `iterations` for a test without HTTP requests), carrying the metrics of `perf.load()`.
 */
import type { CustomMetric, RunRecord } from '../types.js'
import { round3 } from '../util/format.js'
import { relativeFile } from '../util/paths.js'
import { describeValue, isRecord } from '../util/values.js'
import { ImportError, importedRecord, importedResult, msToNs, type ImportContext, type ImportWarn, type ImportedSample } from './context.js'

export type { ImportContext, ImportWarn } from './context.js'

type Values = Record<string, unknown>
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** Percentiles k6 may write, as quantiles. */
const PERCENTILES: [string, number][] = [['p(75)', 0.75], ['p(90)', 0.9], ['p(95)', 0.95], ['p(99)', 0.99]]
/** The percentiles recorded as metrics, when k6 wrote them (never estimated). */
const LATENCY_METRICS: Record<string, string> = { 'p(90)': 'latency p90', 'p(95)': 'latency p95', 'p(99)': 'latency p99' }

/**
 * Reads a k6 summary into a run record.
 * @throws ImportError when the text is not a k6 summary, or it holds no request (nor iteration) timings.
 */
export function parseK6Summary(json: string, context: ImportContext, warn?: ImportWarn): RunRecord {
  const fail = (problem: string): never => {
    throw new ImportError(context.file, `not a k6 summary (the file of k6 run --summary-export): ${problem}`)
  }
  let summary: unknown
  try {
    summary = JSON.parse(json)
  } catch (error) {
    fail(`invalid JSON (${(error as Error).message})`)
  }
  if (!isRecord(summary) || !isRecord(summary.metrics)) {
    const found = isRecord(summary) && summary.metrics !== undefined ? `"metrics" is ${describeValue(summary.metrics)}` : `found ${describeValue(summary)}`
    const hint = isRecord(summary) && Array.isArray(summary.files) ? ' (this looks like a vitest bench report: import it as vitest-bench)' : ''
    return fail(`no "metrics" object: expected an object with "metrics", ${found}${hint}`)
  }
  const metrics = summary.metrics
  /** The values of a metric in either format, or undefined when it is absent. */
  const values = (name: string): Values | undefined => {
    const m = metrics[name]
    if (m === undefined) return undefined
    if (!isRecord(m)) return fail(`metrics["${name}"] should be an object, found ${describeValue(m)}`)
    return isRecord(m.values) ? m.values : m
  }
  const number = (v: Values, metric: string, key: string): number => {
    const x = v[key]
    if (!isNum(x) || x < 0) fail(`metrics["${metric}"]["${key}"] should be a number of 0 or more, found ${describeValue(x)}`)
    return x as number
  }
  const http = values('http_req_duration') !== undefined
  const trendName = http ? 'http_req_duration' : 'iteration_duration'
  const counterName = http ? 'http_reqs' : 'iterations'
  const trend = values(trendName)
  const counter = values(counterName)
  if (!trend || !counter) return fail(`no "http_req_duration" and "http_reqs" (nor "iteration_duration" and "iterations") in "metrics"`)
  const count = number(counter, counterName, 'count')
  const rate = number(counter, counterName, 'rate')
  if (count === 0) fail(`"${counterName}" counts no ${http ? 'request' : 'iteration'}`)
  const known: [number, number][] = [[0, number(trend, trendName, 'min')], [0.5, number(trend, trendName, 'med')]]
  for (const [key, q] of PERCENTILES) if (trend[key] !== undefined) known.push([q, number(trend, trendName, key)])
  known.push([1, number(trend, trendName, 'max')])
  known.sort((a, b) => a[0] - b[0])
  const at = (q: number) => quantile(known, q)
  const has = (key: string) => trend[key] !== undefined
  const medMs = at(0.5)
  if (medMs === 0) fail(`"${trendName}" has a median of 0 ms`)

  const ns = (ms: number): CustomMetric => ({ value: msToNs(ms), better: 'lower', unit: 'ns' })
  const out: Record<string, CustomMetric> = { throughput: { value: round3(rate), better: 'higher', unit: 'calls/s' }, 'latency p50': ns(medMs) }
  for (const [key, name] of Object.entries(LATENCY_METRICS)) if (has(key)) out[name] = ns(number(trend, trendName, key))
  out['latency max'] = ns(at(1))
  let errors = 0
  const failed = http ? values('http_req_failed') : undefined
  if (failed) {
    errors = number(failed, 'http_req_failed', 'passes')
    const total = errors + number(failed, 'http_req_failed', 'fails')
    const share = total > 0 ? errors / total : 0
    out.errors = { value: errors, better: 'lower', unit: 'calls', absolute: true }
    out['error rate'] = { value: round3(share * 100), better: 'lower', unit: '%', absolute: true }
  } else warn?.(`${context.file}: no "http_req_failed" metric, so no error rate was imported (k6 records it for HTTP requests since v0.31)`)
  const vus = values('vus_max') ?? values('vus')
  const level = vus && isNum(vus.max) && vus.max > 0 ? vus.max : vus && isNum(vus.value) && vus.value > 0 ? vus.value : 1
  const dropped = values('dropped_iterations')
  const state = isRecord(summary.state) ? summary.state : {}
  const durationMs = isNum(state.testRunDurationMs) ? state.testRunDurationMs : rate > 0 ? (count / rate) * 1000 : 0
  if (!has('p(75)') || !has('p(99)')) {
    warn?.(`${context.file}: ${[has('p(75)') ? '' : 'p(75)', has('p(99)') ? '' : 'p(99)'].filter(Boolean).join(' and ')} not in the summary: estimated from the percentiles next to them (add them with --summary-trend-stats="avg,min,med,max,p(75),p(90),p(95),p(99)")`)
  }
  const sample: ImportedSample = {
    iterations: count,
    warmup: { iterations: 0, time_ms: 0 },
    wall_ns: { n: count, mean: msToNs(number(trend, trendName, 'avg')), median: msToNs(medMs), p75: msToNs(at(0.75)), p99: msToNs(at(0.99)), min: msToNs(at(0)), max: msToNs(at(1)), sd: 0 },
    raw_wall_ns: [],
    duration_ms: round3(durationMs),
    metrics: out,
    load: {
      duration_ms: round3(durationMs),
      unfinished: dropped && isNum(dropped.count) ? dropped.count : 0,
      error_messages: [],
      steps: [
        {
          level,
          calls: count,
          errors,
          throughput: round3(rate),
          latency_ns: { p50: msToNs(medMs), p95: msToNs(at(0.95)), ...(has('p(99)') ? { p99: msToNs(at(0.99)) } : {}) },
        },
      ],
    },
  }
  const runner = { name: 'k6' as const, version: context.runnerVersion ?? 'unknown', pool: '' }
  const test = { file: relativeFile(context.root, context.file), name: http ? 'http requests' : 'iterations', project: '' }
  return importedRecord(context, [importedResult(context, test, runner, sample)], 'results')
}

/** The q-quantile by linear interpolation between the known (quantile, value) points, sorted. */
function quantile(known: readonly [number, number][], q: number): number {
  const exact = known.find(([k]) => k === q)
  if (exact) return exact[1]
  const hi = known.findIndex(([k]) => k > q)
  const [q0, v0] = known[hi - 1]!
  const [q1, v1] = known[hi]!
  return v0 + ((v1 - v0) * (q - q0)) / (q1 - q0)
}
