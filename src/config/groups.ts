import { checkKeys, checkOrder, isRecord, number, oneOf, show, thresholds, type Problems } from './checks.js'
import { DEFAULTS, type MetricRule, type ResolvedConfig, type TestOverride } from './options.js'

/*
 * Validators of the options that are groups of settings, for validateOptions.
 * Each appends its problems and returns what was valid.
 */

const RULE_KEYS: readonly (keyof MetricRule)[] = ['judge', 'thresholds', 'max', 'min', 'floor']

/** Validates the `metrics` option (or a `tests` entry's, at `at`): each entry true, false or a rule (its bands are checked against the tests' later). */
export function metricRules(value: unknown, problems: Problems, at = 'metrics'): Record<string, MetricRule> {
  const out: Record<string, MetricRule> = {}
  if (value === undefined) return out
  if (!isRecord(value)) {
    problems.push(`${at} must be an object keyed by metric name, like { cpu: true, errors: { max: 0 } } (got ${show(value)})`)
    return out
  }
  for (const [name, entry] of Object.entries(value)) {
    const path = `${at}[${show(name)}]`
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
    if (t !== undefined) rule.thresholds = t
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

/** Validates the `tests` option: overrides in the order they apply (their bands are checked merged, later). */
export function testOverrides(value: unknown, problems: Problems): TestOverride[] {
  const tests: TestOverride[] = []
  if (value === undefined) return tests
  if (!isRecord(value)) {
    problems.push(`tests must be an object keyed by test-name glob (got ${show(value)})`)
    return tests
  }
  for (const [pattern, override] of Object.entries(value)) {
    const path = `tests[${show(pattern)}]`
    if (!isRecord(override)) {
      problems.push(`${path} must be an object like { thresholds: { minor: 1.3 } } or { metrics: { 'error rate': { max: 5 } } } (got ${show(override)})`)
      continue
    }
    checkKeys(override, ['thresholds', 'metrics'], `${path}.`, problems)
    const entry: TestOverride = { pattern, thresholds: thresholds(override.thresholds, `${path}.thresholds`, problems) ?? {} }
    if (override.metrics !== undefined) {
      const rules = metricRules(override.metrics, problems, `${path}.metrics`)
      for (const [name, rule] of Object.entries(rules)) {
        if (rule.thresholds) problems.push(`${path}.metrics[${show(name)}] takes judge, max, min and floor: set this test's bands with ${path}.thresholds`)
      }
      tests.push({ ...entry, metrics: rules })
    } else tests.push(entry)
  }
  return tests
}

const AB_KEYS = ['base', 'design', 'thresholds', 'processes', 'maxRounds', 'budget', 'cycles', 'roundTime', 'setup'] as const
const AB_DESIGNS = ['auto', 'paired', 'processes'] as const

/** Validates the `ab` options. */
export function abOptions(value: unknown, whole: boolean, problems: Problems): ResolvedConfig['ab'] {
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
  if (whole) checkOrder(bands, 'ab.thresholds', problems)
  const processes = number(value.processes, 'ab.processes', { integer: true, min: 2 }, problems)
  const maxRounds = number(value.maxRounds, 'ab.maxRounds', { integer: true, min: 2 }, problems)
  if (whole && processes !== undefined && maxRounds !== undefined && maxRounds < processes) {
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

/** Validates the `reports` option: each path given or `false`, over the defaults (paths are checked later, merged). */
export function reportPaths(value: unknown, problems: Problems): ResolvedConfig['reports'] {
  const reports = { ...DEFAULTS.reports }
  if (value === undefined) return reports
  if (!isRecord(value)) {
    problems.push(`reports must be an object like { markdown: '.perf/report.md', html: false } (got ${show(value)})`)
    return reports
  }
  const keys = Object.keys(DEFAULTS.reports) as (keyof typeof reports)[]
  checkKeys(value, keys, 'reports.', problems)
  for (const key of keys) {
    const v = value[key]
    if (v === undefined) continue
    if (v === false || (typeof v === 'string' && v.trim() !== '')) reports[key] = v
    else problems.push(`reports.${key} must be a file path or false (got ${show(v)})`)
  }
  return reports
}
