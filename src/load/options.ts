/**
 * The options of `perf.load()`, checked once at the call: every problem is collected and
 * thrown together as a ConfigError, like `perf()`'s options.
 */
import { checkKeys, isRecord, show, type Problems } from '../config/checks.js'
import { checkMetrics, type RecordedMetric } from '../config/perf-call.js'
import { ConfigError } from '../config/validate.js'
import type { CustomMetric } from '../types.js'
import type { LoadPlan, LoadResult } from './types.js'

export type { LoadCall, LoadPlan } from './types.js'

/** A length of time: milliseconds, or a string such as `'5s'`, `'500ms'`, `'1.5s'` or `'2m'`. */
export type LoadTime = number | string


/**
 * Options of `perf.load(fn, options)`. Give `concurrency` (the closed model) or `rate` with
 * `maxConcurrency` (the open model); see docs/load.md for the difference.
 */
export interface LoadOptions {
  /**
   * Closed model: this many workers, each starting its next call when its last one ends.
   * A list (`[1, 4, 16]`) measures each level in turn and records how throughput scales.
   */
  concurrency?: number | number[]
  /**
   * Open model: calls started per second, at a constant arrival rate whatever the calls take;
   * latency is measured from each call's scheduled start. A list measures each rate in turn.
   */
  rate?: number | number[]
  /** Open model: most calls in flight at once (required with `rate`); a call due while all are busy waits, and its wait counts in its latency. */
  maxConcurrency?: number
  /** Length of the measured phase (of each level). @default '1s' (without `calls`) */
  duration?: LoadTime
  /** Instead of `duration`: the measured phase lasts until this many calls have finished. */
  calls?: number
  /** Time over which concurrency or rate rises linearly to each level, before its warm-up. Not recorded. @default 0 */
  rampUp?: LoadTime
  /** Time at each level before its measured phase, not recorded. @default '200ms' */
  warmup?: LoadTime
  /** Most time the calls still running at the end get to finish before they are cut off (and counted as unfinished). @default '1s' */
  drain?: LoadTime
  /** Label of this benchmark; needed when a test benchmarks more than one thing. */
  name?: string
  /**
   * Custom metrics recorded with the load sample, from its result (a counter the test kept,
   * say): `(r) => ({ 'dropped connections': { value: dropped, absolute: true } })`.
   */
  record?: (result: LoadResult) => Record<string, RecordedMetric> | Promise<Record<string, RecordedMetric>>
}


/** The checked `perf.load()` call. */
export interface LoadCallCheck {
  plan: LoadPlan
  name: string | undefined
  record: ((result: LoadResult) => Promise<Record<string, CustomMetric>>) | undefined
}

const KEYS = ['concurrency', 'rate', 'maxConcurrency', 'duration', 'calls', 'rampUp', 'warmup', 'drain', 'name', 'record'] as const
const DEFAULT_DURATION_MS = 1000
const DEFAULT_WARMUP_MS = 200
const DEFAULT_DRAIN_MS = 1000
/** Most levels of one scaling test. */
const MAX_LEVELS = 20
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 }
const TIME = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m)\s*$/

/** A length of time in milliseconds, or undefined (with a problem) when it is not one. */
export function parseTime(value: unknown, path: string, positive: boolean, problems: Problems): number | undefined {
  if (value === undefined) return undefined
  const expected = `${path} must be ${positive ? 'a time above 0' : 'a time of 0 or more'}, like '5s', '500ms' or 2000 (milliseconds) (got ${show(value)})`
  let ms: number | undefined
  if (typeof value === 'number' && Number.isFinite(value)) ms = value
  else if (typeof value === 'string') {
    const m = TIME.exec(value)
    if (m) ms = Number(m[1]) * UNITS[m[2]!]!
  }
  if (ms === undefined || ms < 0 || (positive && ms === 0)) {
    problems.push(expected)
    return undefined
  }
  return ms
}

/** One level or a list of them, each a positive number (a whole one for concurrency). */
function levels(value: unknown, path: string, whole: boolean, example: string, problems: Problems): number[] | undefined {
  if (value === undefined) return undefined
  const what = whole ? 'a whole number of 1 or more' : 'a number above 0'
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0 && (!whole || Number.isInteger(n))
  if (ok(value)) return [value]
  if (Array.isArray(value) && value.length > 0 && value.length <= MAX_LEVELS && value.every(ok)) return [...value]
  const list = Array.isArray(value) && value.length > MAX_LEVELS ? ` (at most ${MAX_LEVELS} levels)` : ''
  problems.push(`${path} must be ${what}, or a list of them${list}, like ${example} (got ${show(value)})`)
  return undefined
}

/**
 * Checks the arguments of a `perf.load()` call.
 * @throws TypeError when `fn` is not a function; ConfigError listing every bad option.
 */
export function checkLoadCall(fn: unknown, options: unknown): LoadCallCheck {
  if (typeof fn !== 'function') {
    throw new TypeError(`perf.load() needs a function to call under load, like perf.load(() => fetch(url), { concurrency: 8 }) (got ${typeof fn})`)
  }
  const problems: Problems = []
  const at = (key: string) => `perf.load() ${key}`
  if (options === undefined || !isRecord(options)) {
    throw new ConfigError([
      `perf.load() needs options with concurrency (the closed model) or rate and maxConcurrency (the open model), like { concurrency: 8, duration: '2s' } (got ${show(options)})`,
    ])
  }
  checkKeys(options, KEYS, 'perf.load() ', problems)
  const concurrency = levels(options.concurrency, at('concurrency'), true, '16 or [1, 4, 16]', problems)
  const rate = levels(options.rate, at('rate'), false, '500 (calls per second) or [100, 200, 400]', problems)
  const maxConcurrency = options.maxConcurrency
  const maxOk = typeof maxConcurrency === 'number' && Number.isInteger(maxConcurrency) && maxConcurrency >= 1
  if (maxConcurrency !== undefined && !maxOk) problems.push(`${at('maxConcurrency')} must be a whole number of 1 or more, like 64 (got ${show(maxConcurrency)})`)
  const hasConcurrency = options.concurrency !== undefined
  const hasRate = options.rate !== undefined
  if (hasConcurrency && hasRate) {
    problems.push('perf.load() takes concurrency (the closed model) or rate (the open model), not both: see docs/load.md for which to choose')
  } else if (!hasConcurrency && !hasRate) {
    problems.push("perf.load() needs concurrency (workers, the closed model: { concurrency: 8 }) or rate (calls per second, the open model: { rate: 200, maxConcurrency: 64 })")
  } else if (hasRate && maxConcurrency === undefined) {
    problems.push('perf.load() rate needs maxConcurrency, the most calls in flight at once (like { rate: 200, maxConcurrency: 64 }), so that a stalled server cannot make it open calls without end')
  } else if (hasConcurrency && maxConcurrency !== undefined) {
    problems.push('perf.load() maxConcurrency is for the open model (rate); with concurrency, the workers are the most calls in flight')
  }
  const duration = parseTime(options.duration, at('duration'), true, problems)
  const calls = options.calls
  if (calls !== undefined && !(typeof calls === 'number' && Number.isInteger(calls) && calls >= 1)) {
    problems.push(`${at('calls')} must be a whole number of 1 or more, like 1000 (got ${show(calls)})`)
  }
  if (options.duration !== undefined && calls !== undefined) {
    problems.push('perf.load() takes duration or calls to end the measured phase, not both')
  }
  const rampUp = parseTime(options.rampUp, at('rampUp'), false, problems)
  const warmup = parseTime(options.warmup, at('warmup'), false, problems)
  const drain = parseTime(options.drain, at('drain'), false, problems)
  const name = options.name
  if (name !== undefined && (typeof name !== 'string' || name === '')) problems.push(`${at('name')} must be a non-empty string (got ${show(name)})`)
  const record = options.record
  if (record !== undefined && typeof record !== 'function') {
    problems.push(`${at('record')} must be a function like (result) => ({ 'dropped connections': dropped }) (got ${show(record)})`)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  const model = hasRate ? 'open' : 'closed'
  const list = (model === 'open' ? rate : concurrency)!
  return {
    plan: {
      model,
      levels: list,
      maxConcurrency: model === 'open' ? (maxConcurrency as number) : Math.max(...list),
      durationMs: calls === undefined ? (duration ?? DEFAULT_DURATION_MS) : undefined,
      calls: calls as number | undefined,
      rampUpMs: rampUp ?? 0,
      warmupMs: warmup ?? DEFAULT_WARMUP_MS,
      drainMs: drain ?? DEFAULT_DRAIN_MS,
    },
    name: name as string | undefined,
    record: typeof record === 'function' ? async (result) => checkMetrics(await (record as (r: LoadResult) => unknown)(result)) : undefined,
  }
}

/** Time the fixed phases of a plan take: ramp-up, warm-up and (with `duration`) the measured phase of every level. */
export function plannedMs(plan: LoadPlan): number {
  return plan.levels.length * (plan.rampUpMs + plan.warmupMs + (plan.durationMs ?? 0))
}
