import type { BaselineMode, OptionalMetric, Severity } from '../types.js'

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
   * Judge this metric. Built-in metrics `p75`, `p99`, `cpu`, `heap` and `rss` are judged only when
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

/**
 * Keys of the `metrics` option that name built-in metrics (and `memory`, a `measure.metrics` entry):
 * a custom metric may not use them.
 */
export const RESERVED_METRIC_NAMES: readonly string[] = ['wall', 'p75', 'p99', 'cpu', 'heap', 'rss', 'leak', 'memory']

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
  /** History store, relative to the project root. @default '.perf/benchmarks.jsonl' */
  store?: string
  /** Lowest severity that fails the run; `never` only reports. @default 'minor' */
  failOn?: Severity | 'never'
  /** Severity bands (ratios of current to baseline). @default { minor: 1.2, moderate: 1.5, critical: 2.0 } */
  thresholds?: Partial<Thresholds>
  /**
   * Per-test overrides, keyed by a glob over the full test name (`*` matches any
   * run of characters, `?` one character). The last matching entry wins.
   * @example { 'parse *': { thresholds: { minor: 1.3 } } }
   */
  tests?: Record<string, { thresholds?: Partial<Thresholds> }>
  /**
   * Metrics judged besides the median wall time, keyed by `p75`, `p99`, `cpu`, `heap`, `rss`, `leak`, `wall`
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
  base: string | undefined
  design: 'auto' | 'paired' | 'processes'
  thresholds: Thresholds
  processes: number | undefined
  maxRounds: number | undefined
  budget: number
  cycles: number
  roundTime: number
  setup: string | undefined
}

export const DEFAULT_AB: ResolvedAb = {
  base: undefined,
  design: 'auto',
  thresholds: { minor: 1.03, moderate: 1.15, critical: 1.5 },
  processes: undefined,
  maxRounds: undefined,
  budget: 300,
  cycles: 10,
  roundTime: 5,
  setup: undefined,
}

export interface ReportPaths {
  markdown: string | false
  json: string | false
  html: string | false
  issue: string | false
}

export interface ResolvedMeasureOptions {
  time: number
  iterations: number
  warmupTime: number
  warmupIterations: number
  metrics: OptionalMetric[]
}

export interface ResolvedConfig {
  baselineMode: BaselineMode
  store: string
  failOn: Severity | 'never'
  thresholds: Thresholds
  tests: { pattern: string; thresholds: Partial<Thresholds> }[]
  metrics: Record<string, MetricRule>
  confidence: number
  minSamples: number
  baselineWindow: { runs: number; days: number }
  rawSamples: number
  measure: ResolvedMeasureOptions
  reports: ReportPaths
  github: boolean | 'auto'
  ab: ResolvedAb
}

export const DEFAULT_MEASURE: ResolvedMeasureOptions = {
  time: 100,
  iterations: 10,
  warmupTime: 20,
  warmupIterations: 5,
  metrics: ['cpu', 'memory'],
}

export const DEFAULTS: ResolvedConfig = {
  baselineMode: 'compare',
  store: '.perf/benchmarks.jsonl',
  failOn: 'minor',
  thresholds: { minor: 1.2, moderate: 1.5, critical: 2.0 },
  tests: [],
  metrics: {},
  confidence: 0.95,
  minSamples: 5,
  baselineWindow: { runs: 30, days: 90 },
  rawSamples: 64,
  measure: DEFAULT_MEASURE,
  reports: { markdown: '.perf/report.md', json: '.perf/analysis.json', html: '.perf/dashboard.html', issue: '.perf/regression-issue.md' },
  github: 'auto',
  ab: DEFAULT_AB,
}
