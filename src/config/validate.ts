import { printable } from '../report/printable.js'
import { SEVERITIES, type BaselineMode, type OptionalMetric } from '../types.js'
import { checkMergedBands } from './bands.js'
import { checkKeys, checkOrder, isRecord, number, oneOf, show, thresholds, type Problems } from './checks.js'
import { abOptions, metricRules, reportPaths, testOverrides } from './groups.js'
import {
  deepFreeze,
  DEFAULTS,
  DEFAULT_MEASURE,
  DEFAULT_URL_ENV,
  type Bands,
  type MetricRules,
  type PerfRegressionOptions,
  type ResolvedConfig,
  type ResolvedNotify,
  type ResolvedMeasureOptions,
  type TestOverride,
  type TestOverrides,
  type Thresholds,
} from './options.js'
import { checkPaths, type PathOption } from './paths.js'
import { Secret } from '../util/secret.js'

/** A configuration problem. `problems` lists every problem found, not just the first. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  /**
   * Each problem is made printable here, since the runners print these messages
   * themselves: a value from a test name or a config file can never carry a CI
   * workflow command or a control character into their output.
   */
  constructor(readonly problems: string[]) {
    const safe = problems.map((p) => printable(p))
    super(
      safe.length === 1
        ? `perf-regression: invalid configuration: ${safe[0]}`
        : `perf-regression: invalid configuration:\n${safe.map((p) => `  - ${p}`).join('\n')}`,
    )
  }
}

export const BASELINE_MODES: readonly BaselineMode[] = ['establish', 'compare']
const FAIL_ON = [...SEVERITIES, 'never'] as const
const METRICS: readonly OptionalMetric[] = ['cpu', 'memory', 'leak']

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
  const out: { -readonly [K in keyof ResolvedMeasureOptions]?: ResolvedMeasureOptions[K] } = {}
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

const OPTION_KEYS: readonly (keyof PerfRegressionOptions)[] = [
  'baselineMode',
  'store',
  'allowOutsideRoot',
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
  'confirm',
  'notify',
]

/**
 * Checks every option and merges the options over the defaults. `whole` is false for
 * one source of options that is merged with others later (a config file): then the
 * checks that depend on other options (band order, merged bands, window against
 * minSamples, paths) wait for the merged options.
 */
function check(input: unknown, source: string, whole: boolean, root: string | undefined): ResolvedConfig {
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
  let allowOutsideRoot = DEFAULTS.allowOutsideRoot
  if (opts.allowOutsideRoot !== undefined) {
    if (typeof opts.allowOutsideRoot === 'boolean') allowOutsideRoot = opts.allowOutsideRoot
    else problems.push(`allowOutsideRoot must be true or false (got ${show(opts.allowOutsideRoot)})`)
  }
  const globalSet = thresholds(opts.thresholds, 'thresholds', problems) ?? {}
  const globalBands: Thresholds = { ...DEFAULTS.thresholds, ...globalSet }
  if (whole) checkOrder(globalBands, 'thresholds', problems)
  const tests = testOverrides(opts.tests, problems)
  const metrics = metricRules(opts.metrics, problems)
  if (whole) {
    const banded = Object.entries(metrics).flatMap(([key, rule]) => (rule.thresholds ? [{ key, thresholds: rule.thresholds }] : []))
    checkMergedBands({ defaults: DEFAULTS.thresholds, global: globalSet, tests, metrics: banded }, problems)
  }

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
  if (whole && window.runs < resolvedMinSamples) {
    problems.push(
      `baselineWindow.runs (${window.runs}) must be at least minSamples (${resolvedMinSamples}), or no test could ever be judged`,
    )
  }

  const reports = reportPaths(opts.reports, problems)
  if (whole && !allowOutsideRoot) {
    const paths: PathOption[] = [{ option: 'store', value: store ?? DEFAULTS.store }]
    for (const [key, value] of Object.entries(reports)) if (value !== false) paths.push({ option: `reports.${key}`, value })
    checkPaths(paths, root, problems)
  }
  let github: boolean | 'auto' = DEFAULTS.github
  if (opts.github !== undefined) {
    if (opts.github === true || opts.github === false || opts.github === 'auto') github = opts.github
    else problems.push(`github must be true, false or "auto" (got ${show(opts.github)})`)
  }

  const ab = abOptions(opts.ab, whole, problems)
  const confirm = confirmOptions(opts.confirm, problems)
  const notify = notifyOptions(opts.notify, problems)

  if (problems.length > 0) throw new ConfigError(problems)
  return deepFreeze({
    baselineMode: baselineMode ?? DEFAULTS.baselineMode,
    store: store ?? DEFAULTS.store,
    allowOutsideRoot,
    failOn: failOn ?? DEFAULTS.failOn,
    // Checked above, with every override and metric rule they are merged with.
    thresholds: globalBands as Bands,
    tests: tests as readonly TestOverride[] as TestOverrides,
    metrics: metrics as MetricRules,
    confidence: confidence ?? DEFAULTS.confidence,
    minSamples: resolvedMinSamples,
    baselineWindow: window,
    rawSamples: rawSamples ?? DEFAULTS.rawSamples,
    measure,
    reports,
    github,
    ab,
    confirm,
    notify,
  })
}

function confirmOptions(value: unknown, problems: Problems): ResolvedConfig['confirm'] {
  if (value === undefined) return DEFAULTS.confirm
  if (value === false) return false
  if (!isRecord(value)) {
    problems.push(`confirm must be false or an object like { runs: 4, budget: 60 } (got ${show(value)})`)
    return DEFAULTS.confirm
  }
  checkKeys(value, ['runs', 'budget'], 'confirm.', problems)
  const defaults = DEFAULTS.confirm || { runs: 4, budget: 60 }
  const runs = number(value.runs, 'confirm.runs', { integer: true, min: 0 }, problems)
  const budget = number(value.budget, 'confirm.budget', { above: 0 }, problems)
  return { runs: runs ?? defaults.runs, budget: budget ?? defaults.budget }
}

/** True for an absolute http:// or https:// URL. */
export function isWebhookUrl(value: string): boolean {
  if (!URL.canParse(value)) return false
  const { protocol, hostname } = new URL(value)
  return (protocol === 'http:' || protocol === 'https:') && hostname !== ''
}

function notifyOptions(value: unknown, problems: Problems): ResolvedConfig['notify'] {
  if (value === undefined || value === false) return false
  if (value === true) return { url: undefined, urlEnv: DEFAULT_URL_ENV, on: 'failure' }
  if (!isRecord(value)) {
    problems.push(`notify must be true, false or an object like { on: 'failure', urlEnv: '${DEFAULT_URL_ENV}' } (got ${show(value)})`)
    return false
  }
  checkKeys(value, ['url', 'urlEnv', 'on'], 'notify.', problems)
  const out: { -readonly [K in keyof ResolvedNotify]: ResolvedNotify[K] } = { url: undefined, urlEnv: DEFAULT_URL_ENV, on: 'failure' }
  if (value.url !== undefined) {
    // The URL is the webhook's credential: never echoed, not even when it is wrong.
    if (typeof value.url === 'string' && isWebhookUrl(value.url.trim())) out.url = new Secret(value.url.trim())
    else problems.push(`notify.url must be an http:// or https:// URL (the value is not shown: it may hold a secret); or leave it out and set $${DEFAULT_URL_ENV}`)
  }
  if (value.urlEnv !== undefined) {
    if (typeof value.urlEnv === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value.urlEnv)) out.urlEnv = value.urlEnv
    else problems.push(`notify.urlEnv must be the name of an environment variable, like "${DEFAULT_URL_ENV}" (got ${show(value.urlEnv)})`)
  }
  const on = oneOf(value.on, ['failure', 'critical'] as const, 'notify.on', problems)
  if (on) out.on = on
  return out
}

/**
 * Validates user options and merges them over the defaults. Everything is checked
 * as the run will use it: the bands of every set of per-test overrides that can
 * apply to one test, metric bands over them, and paths. With `root`, paths outside
 * it are refused (unless `allowOutsideRoot`); without it, only relative paths that
 * climb out of the root are. The result is deeply frozen.
 * @throws ConfigError listing every problem.
 */
export function validateOptions(input: unknown, source = 'options', root?: string): ResolvedConfig {
  return check(input, source, true, root)
}

/**
 * Checks the options of one source that is merged with others before use (a config
 * file): each option on its own, so that its problems can name the source. The
 * checks that depend on other options are left to `validateOptions` on the merge.
 * @throws ConfigError listing every problem.
 */
export function checkSource(input: unknown, source: string): void {
  check(input, source, false, undefined)
}
