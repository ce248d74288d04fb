import { SEVERITIES, type BaselineMode, type OptionalMetric } from '../types.js'
import {
  DEFAULTS,
  DEFAULT_MEASURE,
  type MetricRule,
  type PerfRegressionOptions,
  type ResolvedConfig,
  type ResolvedMeasureOptions,
  type Thresholds,
} from './options.js'

/** A configuration problem. `problems` lists every problem found, not just the first. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `perf-regression: invalid configuration: ${problems[0]}`
        : `perf-regression: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    )
  }
}

export const BASELINE_MODES: readonly BaselineMode[] = ['establish', 'compare']
const FAIL_ON = [...SEVERITIES, 'never'] as const
const METRICS: readonly OptionalMetric[] = ['cpu', 'memory', 'leak']

type Problems = string[]

const show = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value)
  if (value === undefined || typeof value === 'number' || typeof value === 'bigint') return String(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    // Circular or otherwise unserialisable: the type is still worth naming.
    return Object.prototype.toString.call(value)
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string, problems: Problems): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      problems.push(`unknown option ${path}${key} (allowed: ${allowed.join(', ')})`)
    }
  }
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string, problems: Problems): T | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  problems.push(`${path} must be one of ${allowed.map((a) => `"${a}"`).join(', ')} (got ${show(value)})`)
  return undefined
}

interface NumberRule {
  integer?: boolean
  /** Exclusive lower bound. */
  above?: number
  /** Inclusive lower bound. */
  min?: number
  /** Exclusive upper bound. */
  below?: number
}

function number(value: unknown, path: string, rule: NumberRule, problems: Problems): number | undefined {
  if (value === undefined) return undefined
  const what = rule.integer ? 'an integer' : 'a number'
  const bounds: string[] = []
  if (rule.above !== undefined) bounds.push(`greater than ${rule.above}`)
  if (rule.min !== undefined) bounds.push(`at least ${rule.min}`)
  if (rule.below !== undefined) bounds.push(`less than ${rule.below}`)
  const expected = `${path} must be ${what}${bounds.length ? ' ' + bounds.join(' and ') : ''} (got ${show(value)})`
  if (typeof value !== 'number' || !Number.isFinite(value) || (rule.integer && !Number.isInteger(value))) {
    problems.push(expected)
    return undefined
  }
  if (
    (rule.above !== undefined && !(value > rule.above)) ||
    (rule.min !== undefined && !(value >= rule.min)) ||
    (rule.below !== undefined && !(value < rule.below))
  ) {
    problems.push(expected)
    return undefined
  }
  return value
}

function thresholds(value: unknown, path: string, problems: Problems): Partial<Thresholds> | undefined {
  if (value === undefined) return undefined
  if (!isRecord(value)) {
    problems.push(`${path} must be an object like { minor: 1.2, moderate: 1.5, critical: 2 } (got ${show(value)})`)
    return undefined
  }
  checkKeys(value, SEVERITIES, `${path}.`, problems)
  const out: Partial<Thresholds> = {}
  for (const s of SEVERITIES) {
    const n = number(value[s], `${path}.${s}`, { above: 1 }, problems)
    if (n !== undefined) out[s] = n
  }
  return out
}

/** Checks that bands are in increasing order; `path` names where they came from. */
function checkOrder(t: Thresholds, path: string, problems: Problems): void {
  if (!(t.minor < t.moderate && t.moderate < t.critical)) {
    problems.push(
      `${path} must be in increasing order minor < moderate < critical (got minor ${t.minor}, moderate ${t.moderate}, critical ${t.critical})`,
    )
  }
}

/** Validates measurement options (plugin `measure` or a single `perf()` call). */
export function validateMeasure(
  value: unknown,
  path: string,
  problems: Problems,
  extraKeys: readonly string[] = [],
): Partial<ResolvedMeasureOptions> {
  if (value === undefined) return {}
  if (!isRecord(value)) {
    problems.push(`${path || 'options'} must be an object (got ${show(value)})`)
    return {}
  }
  const prefix = path ? `${path}.` : ''
  checkKeys(value, [...Object.keys(DEFAULT_MEASURE), ...extraKeys], prefix, problems)
  const out: Partial<ResolvedMeasureOptions> = {}
  const time = number(value.time, `${prefix}time`, { min: 0 }, problems)
  const iterations = number(value.iterations, `${prefix}iterations`, { integer: true, min: 1 }, problems)
  const warmupTime = number(value.warmupTime, `${prefix}warmupTime`, { min: 0 }, problems)
  const warmupIterations = number(value.warmupIterations, `${prefix}warmupIterations`, { integer: true, min: 0 }, problems)
  if (time !== undefined) out.time = time
  if (iterations !== undefined) out.iterations = iterations
  if (warmupTime !== undefined) out.warmupTime = warmupTime
  if (warmupIterations !== undefined) out.warmupIterations = warmupIterations
  if (value.metrics !== undefined) {
    if (!Array.isArray(value.metrics)) {
      problems.push(`${prefix}metrics must be an array of ${METRICS.map((m) => `"${m}"`).join(', ')} (got ${show(value.metrics)})`)
    } else {
      const metrics: OptionalMetric[] = []
      value.metrics.forEach((m, i) => {
        const ok = oneOf(m, METRICS, `${prefix}metrics[${i}]`, problems)
        if (ok && !metrics.includes(ok)) metrics.push(ok)
      })
      out.metrics = metrics
    }
  }
  return out
}

const RULE_KEYS: readonly (keyof MetricRule)[] = ['judge', 'thresholds', 'max', 'min', 'floor']

/** Validates the `metrics` option: each entry true, false or a rule. */
function metricRules(value: unknown, globalBands: Thresholds, tests: ResolvedConfig['tests'], problems: Problems): Record<string, MetricRule> {
  const out: Record<string, MetricRule> = {}
  if (value === undefined) return out
  if (!isRecord(value)) {
    problems.push(`metrics must be an object keyed by metric name, like { cpu: true, errors: { max: 0 } } (got ${show(value)})`)
    return out
  }
  for (const [name, entry] of Object.entries(value)) {
    const path = `metrics[${JSON.stringify(name)}]`
    if (name === 'memory') {
      problems.push(`${path}: "memory" is what perf() records (measure.metrics); the metrics it gives are "heap" and "rss": judge those`)
      continue
    }
    if (name === 'wall' && (entry === false || (isRecord(entry) && entry.judge === false))) {
      problems.push(`${path}: wall time is every test's verdict and cannot be turned off; use failOn: 'never' to report without failing`)
      continue
    }
    if (entry === true || entry === false) {
      out[name] = { judge: entry }
      continue
    }
    if (!isRecord(entry)) {
      problems.push(`${path} must be true, false or an object like { thresholds: { minor: 1.3 }, max: 100, floor: 1024 } (got ${show(entry)})`)
      continue
    }
    checkKeys(entry, RULE_KEYS, `${path}.`, problems)
    const rule: MetricRule = {}
    if (entry.judge !== undefined) {
      if (typeof entry.judge === 'boolean') rule.judge = entry.judge
      else problems.push(`${path}.judge must be true or false (got ${show(entry.judge)})`)
    }
    const t = thresholds(entry.thresholds, `${path}.thresholds`, problems)
    if (t !== undefined) {
      // Per-test bands apply too: the metric's bands must stay in order over each of them.
      const before = problems.length
      for (const bands of [{}, ...tests.map((x) => x.thresholds)]) {
        if (problems.length === before) checkOrder({ ...globalBands, ...bands, ...t }, `${path}.thresholds`, problems)
      }
      rule.thresholds = t
    }
    const max = number(entry.max, `${path}.max`, {}, problems)
    const min = number(entry.min, `${path}.min`, {}, problems)
    const floor = number(entry.floor, `${path}.floor`, { min: 0 }, problems)
    if (max !== undefined) rule.max = max
    if (min !== undefined) rule.min = min
    if (floor !== undefined) rule.floor = floor
    if (max !== undefined && min !== undefined && !(min < max)) problems.push(`${path}.min (${min}) must be less than ${path}.max (${max})`)
    if (name === 'leak' && (rule.max !== undefined || rule.min !== undefined || rule.thresholds !== undefined)) {
      problems.push(`${path} takes only judge and floor (the smallest heap growth per call, in bytes, that counts as a leak)`)
    }
    out[name] = rule
  }
  return out
}

const OPTION_KEYS: readonly (keyof PerfRegressionOptions)[] = [
  'baselineMode',
  'store',
  'failOn',
  'thresholds',
  'tests',
  'metrics',
  'confidence',
  'minSamples',
  'baselineWindow',
  'rawSamples',
  'measure',
  'reports',
  'github',
  'ab',
]

const AB_KEYS = ['base', 'design', 'thresholds', 'processes', 'maxRounds', 'budget', 'cycles', 'roundTime', 'setup'] as const
const AB_DESIGNS = ['auto', 'paired', 'processes'] as const

/** Validates the `ab` options. */
function abOptions(value: unknown, problems: Problems): ResolvedConfig['ab'] {
  if (value === undefined) return DEFAULTS.ab
  if (!isRecord(value)) {
    problems.push(`ab must be an object like { base: 'origin/main', budget: 300 } (got ${show(value)})`)
    return DEFAULTS.ab
  }
  checkKeys(value, AB_KEYS, 'ab.', problems)
  const text = (key: 'base' | 'setup'): string | undefined => {
    const v = value[key]
    if (v === undefined) return undefined
    if (typeof v === 'string' && v.trim() !== '') return v
    problems.push(`ab.${key} must be a non-empty string (got ${show(v)})`)
    return undefined
  }
  const bands = { ...DEFAULTS.ab.thresholds, ...thresholds(value.thresholds, 'ab.thresholds', problems) }
  checkOrder(bands, 'ab.thresholds', problems)
  const processes = number(value.processes, 'ab.processes', { integer: true, min: 2 }, problems)
  const maxRounds = number(value.maxRounds, 'ab.maxRounds', { integer: true, min: 2 }, problems)
  if (processes !== undefined && maxRounds !== undefined && maxRounds < processes) {
    problems.push(`ab.maxRounds (${maxRounds}) must be at least ab.processes (${processes})`)
  }
  return {
    base: text('base'),
    design: oneOf(value.design, AB_DESIGNS, 'ab.design', problems) ?? DEFAULTS.ab.design,
    thresholds: bands,
    processes,
    maxRounds,
    budget: number(value.budget, 'ab.budget', { above: 0 }, problems) ?? DEFAULTS.ab.budget,
    cycles: number(value.cycles, 'ab.cycles', { integer: true, min: 2 }, problems) ?? DEFAULTS.ab.cycles,
    roundTime: number(value.roundTime, 'ab.roundTime', { above: 0 }, problems) ?? DEFAULTS.ab.roundTime,
    setup: text('setup'),
  }
}

/**
 * Validates user options and merges them over the defaults.
 * @throws ConfigError listing every problem.
 */
export function validateOptions(input: unknown, source = 'options'): ResolvedConfig {
  const problems: Problems = []
  const opts: Record<string, unknown> = input === undefined ? {} : isRecord(input) ? input : {}
  if (input !== undefined && !isRecord(input)) problems.push(`${source} must be an object (got ${show(input)})`)
  checkKeys(opts, OPTION_KEYS, '', problems)

  const baselineMode = oneOf(opts.baselineMode, BASELINE_MODES, 'baselineMode', problems)
  const failOn = oneOf(opts.failOn, FAIL_ON, 'failOn', problems)
  let store: string | undefined
  if (opts.store !== undefined) {
    if (typeof opts.store === 'string' && opts.store.trim() !== '') store = opts.store
    else problems.push(`store must be a non-empty file path (got ${show(opts.store)})`)
  }
  const globalBands = { ...DEFAULTS.thresholds, ...thresholds(opts.thresholds, 'thresholds', problems) }
  checkOrder(globalBands, 'thresholds', problems)

  const tests: ResolvedConfig['tests'] = []
  if (opts.tests !== undefined) {
    if (!isRecord(opts.tests)) {
      problems.push(`tests must be an object keyed by test-name glob (got ${show(opts.tests)})`)
    } else {
      for (const [pattern, override] of Object.entries(opts.tests)) {
        const path = `tests[${JSON.stringify(pattern)}]`
        if (!isRecord(override)) {
          problems.push(`${path} must be an object like { thresholds: { minor: 1.3 } } (got ${show(override)})`)
          continue
        }
        checkKeys(override, ['thresholds'], `${path}.`, problems)
        const t = thresholds(override.thresholds, `${path}.thresholds`, problems) ?? {}
        checkOrder({ ...globalBands, ...t }, `${path}.thresholds`, problems)
        tests.push({ pattern, thresholds: t })
      }
    }
  }

  const metrics = metricRules(opts.metrics, globalBands, tests, problems)
  const confidence = number(opts.confidence, 'confidence', { above: 0.5, below: 1 }, problems)
  const minSamples = number(opts.minSamples, 'minSamples', { integer: true, min: 2 }, problems)
  const rawSamples = number(opts.rawSamples, 'rawSamples', { integer: true, min: 0 }, problems)
  const window = { ...DEFAULTS.baselineWindow }
  if (opts.baselineWindow !== undefined) {
    if (!isRecord(opts.baselineWindow)) {
      problems.push(`baselineWindow must be an object like { runs: 30, days: 90 } (got ${show(opts.baselineWindow)})`)
    } else {
      checkKeys(opts.baselineWindow, ['runs', 'days'], 'baselineWindow.', problems)
      const runs = number(opts.baselineWindow.runs, 'baselineWindow.runs', { integer: true, min: 1 }, problems)
      const days = number(opts.baselineWindow.days, 'baselineWindow.days', { above: 0 }, problems)
      if (runs !== undefined) window.runs = runs
      if (days !== undefined) window.days = days
    }
  }
  const measure = { ...DEFAULT_MEASURE, ...validateMeasure(opts.measure, 'measure', problems) }
  const resolvedMinSamples = minSamples ?? DEFAULTS.minSamples
  if (window.runs < resolvedMinSamples) {
    problems.push(
      `baselineWindow.runs (${window.runs}) must be at least minSamples (${resolvedMinSamples}), or no test could ever be judged`,
    )
  }

  const reports = { ...DEFAULTS.reports }
  if (opts.reports !== undefined) {
    if (!isRecord(opts.reports)) {
      problems.push(`reports must be an object like { markdown: '.perf/report.md', html: false } (got ${show(opts.reports)})`)
    } else {
      const keys = Object.keys(DEFAULTS.reports) as (keyof typeof reports)[]
      checkKeys(opts.reports, keys, 'reports.', problems)
      for (const key of keys) {
        const value = opts.reports[key]
        if (value === undefined) continue
        if (value === false || (typeof value === 'string' && value.trim() !== '')) reports[key] = value
        else problems.push(`reports.${key} must be a file path or false (got ${show(value)})`)
      }
    }
  }
  let github: boolean | 'auto' = DEFAULTS.github
  if (opts.github !== undefined) {
    if (opts.github === true || opts.github === false || opts.github === 'auto') github = opts.github
    else problems.push(`github must be true, false or "auto" (got ${show(opts.github)})`)
  }

  const ab = abOptions(opts.ab, problems)

  if (problems.length > 0) throw new ConfigError(problems)
  return {
    baselineMode: baselineMode ?? DEFAULTS.baselineMode,
    store: store ?? DEFAULTS.store,
    failOn: failOn ?? DEFAULTS.failOn,
    thresholds: globalBands,
    tests,
    metrics,
    confidence: confidence ?? DEFAULTS.confidence,
    minSamples: resolvedMinSamples,
    baselineWindow: window,
    rawSamples: rawSamples ?? DEFAULTS.rawSamples,
    measure,
    reports,
    github,
    ab,
  }
}
