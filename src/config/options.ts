import type { BaselineMode, OptionalMetric, Severity } from '../types.js'
import type { Secret } from '../util/secret.js'

/** Ratio of current to baseline at which each severity starts (must be 1 < minor < moderate < critical). */
export interface Thresholds {
  /** @default 1.2 */
  minor: number
  /** @default 1.5 */
  moderate: number
  /** @default 2.0 */
  critical: number
}

/**
 * How one metric is judged (`metrics` option). Relative bands apply to ratios of
 * current to baseline in the metric's worse direction; limits apply to the value itself.
 */
export interface MetricRule {
  /**
   * Judge this metric. Built-in metrics `p75`, `p99`, `cpu`, `thread_cpu`, `heap` and `rss` are judged only when
   * turned on; `wall`, `leak` (when measured) and custom metrics a test records are judged unless turned off.
   */
  judge?: boolean
  /** Severity bands for this metric. @default the run's `thresholds` */
  thresholds?: Partial<Thresholds>
  /** Hard upper limit in the metric's unit: a run above it is a critical regression, with or without a baseline. */
  max?: number
  /** Hard lower limit in the metric's unit (for metrics where higher is better, such as throughput). */
  min?: number
  /**
   * Smallest absolute change, in the metric's unit, that counts: smaller changes are never flagged.
   * For `leak`, the smallest heap growth per call that counts as a leak. @default 64 for `leak`, none otherwise
   */
  floor?: number
}

/** How `perf()` measures. Every field can also be passed to `perf(fn, options)` for one call. */
export interface MeasureOptions {
  /** Time budget of the timed phase, in milliseconds. @default 100 */
  time?: number
  /** Minimum timed iterations (the run goes on until both `time` and `iterations` are reached). @default 10 */
  iterations?: number
  /** Warm-up time budget, in milliseconds. @default 20 */
  warmupTime?: number
  /** Minimum warm-up iterations. @default 5 */
  warmupIterations?: number
  /** Metrics recorded besides wall time. @default ['cpu', 'memory'] */
  metrics?: OptionalMetric[]
}

/** Options of the Vitest plugin and reporter (and, later, of the Jest reporter). */
export interface PerfRegressionOptions {
  /** `establish` records a baseline run; `compare` judges against the baseline. @default 'compare' */
  baselineMode?: BaselineMode
  /**
   * History store, relative to the project root. A path outside the root is refused unless `allowOutsideRoot` is set.
   * @default '.perf/benchmarks.jsonl'
   */
  store?: string
  /**
   * Let `store` and `reports` point outside the project root (an absolute path in a temporary
   * or cache folder of a CI job, for example). Without it such a path is a configuration error,
   * so that a typo or a hostile config cannot write anywhere on the machine. Symbolic links are
   * not followed for this check: a path is judged by where it points after `path.resolve`.
   * @default false
   */
  allowOutsideRoot?: boolean
  /** Lowest severity that fails the run; `never` only reports. @default 'minor' */
  failOn?: Severity | 'never'
  /** Severity bands (ratios of current to baseline). @default { minor: 1.2, moderate: 1.5, critical: 2.0 } */
  thresholds?: Partial<Thresholds>
  /**
   * Per-test overrides, keyed by a glob over the full test name (`*` matches any
   * run of characters, `?` one character). Every matching entry applies, in the order
   * of the object's keys, each band of a later entry replacing the same band of an
   * earlier one (bands an entry does not set come from the earlier entries, then
   * from `thresholds`). A pattern set both in a config file and in code takes the
   * code's bands at the file's place in the order; new patterns from code come after
   * the file's. (JavaScript puts keys that are whole numbers, such as `'42'`, first.)
   * Bands must stay in order for every set of patterns that can match one test name,
   * which is checked when the configuration is read.
   * `metrics` rules of an entry apply to the tests it matches, each merged over the same
   * metric's rule from `metrics` (and earlier entries), field by field; they take `judge`,
   * `max`, `min` and `floor` (bands per test come from the entry's `thresholds`).
   * @example { 'parse *': { thresholds: { minor: 1.3 } }, 'api > *': { metrics: { 'error rate': { max: 5 } } } }
   */
  tests?: Record<string, { thresholds?: Partial<Thresholds>; metrics?: Record<string, Omit<MetricRule, 'thresholds'> | boolean> }>
  /**
   * Metrics judged besides the median wall time, keyed by `p75`, `p99`, `cpu`, `thread_cpu`, `heap`, `rss`, `leak`, `wall`
   * or the name of a custom metric; `true`/`false` turns one on or off.
   * @example { cpu: true, heap: { floor: 1048576 }, 'errors': { max: 0 }, 'requests/s': { min: 500 } }
   */
  metrics?: Record<string, MetricRule | boolean>
  /** Confidence level of the intervals and tests. @default 0.95 */
  confidence?: number
  /** Baseline runs needed before a test can fail. @default 5 */
  minSamples?: number
  /** Which baseline runs count: the most recent `runs`, no older than `days`. @default { runs: 30, days: 90 } */
  baselineWindow?: { runs?: number; days?: number }
  /** Raw iteration times kept per test and run in the store. @default 64 */
  rawSamples?: number
  /** Measurement defaults for every `perf()` call. */
  measure?: MeasureOptions
  /**
   * Report files written after every judged run, relative to the project root; `false` turns one off.
   * Paths outside the root are refused unless `allowOutsideRoot` is set.
   * `issue` is only written when a critical regression is found (and removed otherwise).
   * @default { markdown: '.perf/report.md', json: '.perf/analysis.json', html: '.perf/dashboard.html', issue: '.perf/regression-issue.md' }
   */
  reports?: Partial<ReportPaths>
  /**
   * GitHub Actions integration: append the Markdown report to `$GITHUB_STEP_SUMMARY` and print
   * `::error`/`::warning` annotations. `'auto'` turns it on when `GITHUB_ACTIONS` is `true`.
   * @default 'auto'
   */
  github?: boolean | 'auto'
  /** A/B runs (`perf-regression ab`): the head measured next to its base commit in the same job. */
  ab?: AbOptions
  /**
   * Confirmation of suspects: when a compare run has a regression or an inconclusive
   * verdict, those tests alone are measured again in fresh runner processes and judged
   * on all their runs; a regression fails the run only when it survives. `false` turns
   * it off. @default { runs: 4, budget: 60 }
   */
  confirm?: false | ConfirmOptions
  /**
   * Announce a run to a webhook (Slack-compatible JSON with a `text` field and structured
   * fields): every failing run, or only runs with a critical regression. `true` is `{}`;
   * the URL comes from `url` or, by default, the `PERF_WEBHOOK_URL` environment variable.
   * A failed delivery is a warning, never a failed run; the URL is never printed.
   * @default false
   */
  notify?: boolean | NotifyOptions
}

/** Options of the run notification (`notify` option). */
export interface NotifyOptions {
  /**
   * The webhook URL (http or https). A config file is usually committed, and the URL of a
   * webhook is its credential: prefer `urlEnv` and a CI secret. @default none: taken from `urlEnv`
   */
  url?: string
  /** Environment variable that holds the webhook URL when `url` is not set. @default 'PERF_WEBHOOK_URL' */
  urlEnv?: string
  /** `failure`: every run that fails; `critical`: only compare runs with a critical regression. @default 'failure' */
  on?: 'failure' | 'critical'
}

/** The notification settings of a run; the URL, when configured, is kept where it cannot be printed. */
export interface ResolvedNotify {
  readonly url: Secret | undefined
  readonly urlEnv: string
  readonly on: 'failure' | 'critical'
}

/** Options of the confirmation of suspect tests. */
export interface ConfirmOptions {
  /** Extra runs at most, each a fresh runner process with only the suspect tests. @default 4 */
  runs?: number
  /** Seconds after which no further confirmation run starts (one that would outlast it is stopped). @default 60 */
  budget?: number
}

/** Options of A/B runs (`perf-regression ab`); the command's flags override them. */
export interface AbOptions {
  /** Branch, tag or commit to compare with (its merge-base with HEAD is measured). @default the pull request's base branch, else the remote's default branch */
  base?: string
  /**
   * `paired`: base and head versions of each test alternate in rounds inside one process;
   * `processes`: fresh processes of base and head, interleaved; `auto` picks `paired` where it works.
   * @default 'auto'
   */
  design?: 'auto' | 'paired' | 'processes'
  /** Severity bands of A/B verdicts (head / base). Tighter than history's: both sides share the job's machine. @default { minor: 1.03, moderate: 1.15, critical: 1.5 } */
  thresholds?: Partial<Thresholds>
  /** Processes (paired design) or base/head process pairs (processes design) of the first pass. @default 3 (paired), 6 (processes) */
  processes?: number
  /** Most processes (or pairs) a test is measured in while undecided. @default 12 (paired), 30 (processes) */
  maxRounds?: number
  /** Seconds after which no further pass starts for undecided tests. @default 300 */
  budget?: number
  /** ABBA cycles per paired `perf()` call in each process. @default 10 */
  cycles?: number
  /** Length of one round of one side, in milliseconds. @default 5 */
  roundTime?: number
  /** Shell command run in both trees before measuring (a build, for example). */
  setup?: string
}

export interface ResolvedAb {
  readonly base: string | undefined
  readonly design: 'auto' | 'paired' | 'processes'
  readonly thresholds: Readonly<Thresholds>
  readonly processes: number | undefined
  readonly maxRounds: number | undefined
  readonly budget: number
  readonly cycles: number
  readonly roundTime: number
  readonly setup: string | undefined
}

export interface ReportPaths {
  markdown: string | false
  json: string | false
  html: string | false
  issue: string | false
}

export interface ResolvedMeasureOptions {
  readonly time: number
  readonly iterations: number
  readonly warmupTime: number
  readonly warmupIterations: number
  readonly metrics: readonly OptionalMetric[]
}

declare const CHECKED: unique symbol

/**
 * A part of the configuration that `validateOptions` checked together with the others: the
 * detector trusts it without checking it again. Only `validateOptions` (and `DEFAULTS`) make
 * one; build a configuration with `validateOptions` or `resolveConfig`, never by hand, and
 * keep the `thresholds`, `tests` and `metrics` of one configuration together.
 */
export type Checked<T> = T & { readonly [CHECKED]: true }

/** Severity bands in increasing order (1 < minor < moderate < critical). */
export type Bands = Checked<Readonly<Thresholds>>

/** A per-test override: a test-name glob and the bands it sets. */
export interface TestOverride {
  readonly pattern: string
  readonly thresholds: Readonly<Partial<Thresholds>>
  /** Metric rules for the tests the pattern matches (no bands: those are `thresholds`). */
  readonly metrics?: Readonly<Record<string, Readonly<MetricRule>>>
}

/**
 * Per-test overrides in the order they apply. Checked: merged over the global bands,
 * the bands of every set of patterns that can match one test name are in order.
 */
export type TestOverrides = Checked<readonly TestOverride[]>

/**
 * Rules of the `metrics` option by key. Checked: a rule's bands, merged over the bands of
 * any test (global bands and per-test overrides), are in order.
 */
export type MetricRules = Checked<Readonly<Record<string, Readonly<MetricRule>>>>

/** The configuration of a run, validated and merged over the defaults. Deeply frozen. */
export interface ResolvedConfig {
  readonly baselineMode: BaselineMode
  readonly store: string
  readonly allowOutsideRoot: boolean
  readonly failOn: Severity | 'never'
  readonly thresholds: Bands
  readonly tests: TestOverrides
  readonly metrics: MetricRules
  readonly confidence: number
  readonly minSamples: number
  readonly baselineWindow: Readonly<{ runs: number; days: number }>
  readonly rawSamples: number
  readonly measure: ResolvedMeasureOptions
  readonly reports: Readonly<ReportPaths>
  readonly github: boolean | 'auto'
  readonly ab: ResolvedAb
  /** `false`: no confirmation. */
  readonly confirm: false | Readonly<Required<ConfirmOptions>>
  /** `false`: no notification. */
  readonly notify: false | ResolvedNotify
}

/** Freezes `value` and every object reachable from it; returns it. */
export function deepFreeze<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value !== 'object' || value === null || seen.has(value)) return value
  seen.add(value)
  Object.freeze(value)
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen)
  return value
}

export const DEFAULT_AB: ResolvedAb = deepFreeze({
  base: undefined,
  design: 'auto',
  thresholds: { minor: 1.03, moderate: 1.15, critical: 1.5 },
  processes: undefined,
  maxRounds: undefined,
  budget: 300,
  cycles: 10,
  roundTime: 5,
  setup: undefined,
})

export const DEFAULT_MEASURE: ResolvedMeasureOptions = deepFreeze({
  time: 100,
  iterations: 10,
  warmupTime: 20,
  warmupIterations: 5,
  metrics: ['cpu', 'memory'],
})

/** The defaults of every option. Deeply frozen: an attempt to change them throws. */
export const DEFAULTS: ResolvedConfig = deepFreeze({
  baselineMode: 'compare',
  store: '.perf/benchmarks.jsonl',
  allowOutsideRoot: false,
  failOn: 'minor',
  // In order, and no override or metric rule to merge with.
  thresholds: { minor: 1.2, moderate: 1.5, critical: 2.0 } as Bands,
  tests: [] as readonly TestOverride[] as TestOverrides,
  metrics: {} as MetricRules,
  confidence: 0.95,
  minSamples: 5,
  baselineWindow: { runs: 30, days: 90 },
  rawSamples: 64,
  measure: DEFAULT_MEASURE,
  reports: { markdown: '.perf/report.md', json: '.perf/analysis.json', html: '.perf/dashboard.html', issue: '.perf/regression-issue.md' },
  github: 'auto',
  ab: DEFAULT_AB,
  confirm: { runs: 4, budget: 60 },
  notify: false,
})

/** The environment variable of the webhook URL when `notify.urlEnv` names none. */
export const DEFAULT_URL_ENV = 'PERF_WEBHOOK_URL'
