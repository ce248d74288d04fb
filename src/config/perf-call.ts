import { printable } from '../report/printable.js'
import type { CustomMetric } from '../types.js'
import { RESERVED_METRIC_NAMES } from '../detect/metrics.js'
import type { MeasureOptions, ResolvedMeasureOptions } from './options.js'
import { ConfigError, validateMeasure } from './validate.js'
import { show } from '../util/values.js'

/**
 * One custom metric, as `record` returns it: a number (lower is better, no unit), or
 * the value with its direction and unit. `absolute` judges changes by difference, not ratio.
 */
export type RecordedMetric =
  | number
  | {
      value: number
      /** @default 'lower' */
      better?: 'lower' | 'higher'
      /** @default '' */
      unit?: string
      /** @default false */
      absolute?: boolean
    }

/** Options of one `perf()` call: measurement options, a name when a test benchmarks more than one thing, custom metrics. */
export interface PerfOptions<T = unknown> extends MeasureOptions {
  /** Label of this benchmark; needed when a test calls `perf()` more than once. */
  name?: string
  /**
   * Custom metrics of this benchmark, from what the first (untimed) call of `fn` returned:
   * `(result) => ({ 'bytes out': { value: result.length, unit: 'B' }, 'cache hits': 42 })`.
   * Names are non-empty, at most 200 characters. A bad return value fails the `perf()` call.
   */
  record?: (result: T) => Record<string, RecordedMetric> | Promise<Record<string, RecordedMetric>>
}

/** What `record` returned is not a set of metrics; `problems` lists every problem. */
export class MetricsError extends Error {
  override name = 'MetricsError'
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `perf(): record returned invalid metrics: ${problems[0]}`
        : `perf(): record returned invalid metrics:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    )
  }
}

/** The checked `perf()` call: measurement overrides, name, and `record` with its result checked. */
export interface PerfCall {
  overrides: Partial<ResolvedMeasureOptions>
  name: string | undefined
  record: ((result: unknown) => Promise<Record<string, CustomMetric>>) | undefined
}

/**
 * Checks the arguments of a `perf()` call, under any runner.
 * @throws TypeError when `fn` is not a function; ConfigError listing every bad option.
 */
export function checkPerfCall(fn: unknown, options: PerfOptions<never> | undefined): PerfCall {
  if (typeof fn !== 'function') {
    throw new TypeError(`perf() needs a function to benchmark, like perf(() => work()) (got ${typeof fn})`)
  }
  const problems: string[] = []
  const overrides = validateMeasure(options, '', problems, ['name', 'record'])
  const name = options?.name
  if (name !== undefined && (typeof name !== 'string' || name === '')) problems.push(`name must be a non-empty string (got ${JSON.stringify(name)})`)
  const record: unknown = options?.record
  if (record !== undefined && typeof record !== 'function') {
    problems.push(`record must be a function like (result) => ({ 'bytes out': result.length }) (got ${show(record)})`)
  }
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `perf() ${p}`))
  return {
    overrides,
    name,
    record:
      typeof record === 'function'
        ? async (result) => checkMetrics(await (record as (r: unknown) => unknown)(result))
        : undefined,
  }
}

/** Longest metric name, in characters. */
export const MAX_METRIC_NAME = 200
const METRIC_KEYS = ['value', 'better', 'unit', 'absolute']
const EXAMPLE = `{ 'bytes out': 1234 } or { 'bytes out': { value: 1234, unit: 'B', better: 'lower' } }`

/**
 * Checks what a `record` function returned and fills in the defaults (`better: 'lower'`, `unit: ''`).
 * @throws MetricsError listing every problem.
 */
export function checkMetrics(value: unknown): Record<string, CustomMetric> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MetricsError([`record must return an object of metrics like ${EXAMPLE} (got ${show(value)})`])
  }
  const problems: string[] = []
  const out: [string, CustomMetric][] = []
  for (const [name, metric] of Object.entries(value)) {
    const at = `metric ${JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}...` : name)}`
    const length = [...name].length
    if (name.trim() === '') problems.push(`metric names must not be empty or blank (got ${JSON.stringify(name)}): name it, like 'bytes out'`)
    else if (length > MAX_METRIC_NAME) problems.push(`${at}: names must be at most ${MAX_METRIC_NAME} characters (got ${length}): shorten it`)
    else if (RESERVED_METRIC_NAMES.includes(name)) {
      problems.push(`${at}: ${RESERVED_METRIC_NAMES.map((n) => `"${n}"`).join(', ')} name built-in metrics: call it something else, like "${name} (custom)"`)
    }
    else if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) problems.push(`${at}: names must not contain control characters (line breaks, tabs, escapes)`)
    const checked = checkMetric(metric, at, problems)
    if (checked) out.push([name, checked])
  }
  if (problems.length > 0) throw new MetricsError(problems)
  // fromEntries defines own properties, so even a metric named "__proto__" is kept as data.
  return Object.fromEntries(out)
}

function checkMetric(metric: unknown, at: string, problems: string[]): CustomMetric | undefined {
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
  if (typeof metric === 'number') {
    if (finite(metric)) return { value: metric, better: 'lower', unit: '' }
    problems.push(`${at} must be a finite number (got ${show(metric)}): record only values that were measured`)
    return undefined
  }
  if (typeof metric !== 'object' || metric === null || Array.isArray(metric)) {
    problems.push(`${at} must be a number or { value, better?, unit?, absolute? } (got ${show(metric)})`)
    return undefined
  }
  const m = metric as Record<string, unknown>
  const before = problems.length
  const unknown = Object.keys(m).filter((k) => !METRIC_KEYS.includes(k))
  if (unknown.length > 0) problems.push(`${at} has unknown keys ${unknown.map((k) => JSON.stringify(k)).join(', ')} (allowed: ${METRIC_KEYS.join(', ')})`)
  if (!finite(m.value)) problems.push(`${at}.value must be a finite number (got ${show(m.value)})`)
  if (m.better !== undefined && m.better !== 'lower' && m.better !== 'higher') {
    problems.push(`${at}.better must be "lower" or "higher" (got ${show(m.better)})`)
  }
  if (m.unit !== undefined && typeof m.unit !== 'string') problems.push(`${at}.unit must be a string like 'B' or 'ms' (got ${show(m.unit)})`)
  if (m.absolute !== undefined && typeof m.absolute !== 'boolean') problems.push(`${at}.absolute must be true or false (got ${show(m.absolute)})`)
  if (problems.length > before) return undefined
  const out: CustomMetric = { value: m.value as number, better: (m.better as CustomMetric['better'] | undefined) ?? 'lower', unit: (m.unit as string | undefined) ?? '' }
  if (m.absolute !== undefined) out.absolute = m.absolute as boolean
  return out
}

/**
 * Records that a test used a benchmark name (`undefined` for its unnamed benchmark).
 * @throws Error when the test already used it.
 */
export function claimName(used: Set<string | undefined>, name: string | undefined): void {
  if (used.has(name)) {
    throw new Error(
      name === undefined
        ? 'perf() was already called without a name in this test: name each benchmark, perf(fn, { name: "..." })'
        : `perf() was already called with the name ${printable(JSON.stringify(name))} in this test: names must be unique`,
    )
  }
  used.add(name)
}
