/**
 * Shared data types. Everything here is plain JSON: samples travel from test
 * workers to the reporter by structured clone and are stored as JSON lines.
 * Units are part of field names (`_ns`, `_bytes`, `_ms`).
 */

/** `establish` records a baseline run; `compare` measures and gates. */
export type BaselineMode = 'establish' | 'compare'

/** Severity bands, in increasing order. */
export type Severity = 'minor' | 'moderate' | 'critical'

export const SEVERITIES: readonly Severity[] = ['minor', 'moderate', 'critical']

/**
 * Optional metrics `perf()` can record besides wall time: `cpu` and `memory` around the
 * timed phase; `leak`, a separate phase after it that measures heap retained per call.
 */
export type OptionalMetric = 'cpu' | 'memory' | 'leak'

/** Summary statistics of one metric over the iterations of one run. */
export interface SampleStats {
  n: number
  mean: number
  median: number
  p75: number
  p99: number
  min: number
  max: number
  sd: number
}

/** One `perf()` measurement, as it leaves the test worker. */
/** Share of one core over a phase (0–1): on a CPU, and (Linux) waiting for one. */
export interface CoreShare {
  cpu: number
  wait?: number
}

export interface PerfSample {
  /** Label given with `perf(fn, { name })`; absent for the test's unnamed benchmark. */
  name?: string
  /** Timed iterations. */
  iterations: number
  /**
   * The untimed warm-up before the timed phase: how many calls, over how many
   * milliseconds (not counting the first call, which produces `perf()`'s return value).
   */
  warmup: { iterations: number; time_ms: number }
  /** Wall time per iteration, in nanoseconds. */
  wall_ns: SampleStats
  /** A bounded, evenly spaced subset of the per-iteration wall times, in nanoseconds. */
  raw_wall_ns: number[]
  /** Process CPU time (user + system) per timed iteration, in nanoseconds. */
  cpu_ns?: number
  /** Process CPU use during the timed phase, in percent of one core (pidusage). */
  cpu_percent?: number
  /** CPU time of the measuring thread per timed iteration, in nanoseconds (where from: `core.source`). */
  thread_cpu_ns?: number
  /**
   * The share of one core the measuring thread got in each phase: its CPU time over the
   * phase's wall time, and on Linux the share it spent runnable but waiting for a core.
   * Far below 1 for a CPU-bound function means a busy machine, not slow code.
   */
  core?: { source: 'schedstat' | 'thread' | 'process'; timed: CoreShare; warmup?: CoreShare }
  /** V8 heap in use after the timed phase, in bytes. */
  heap_used_bytes?: number
  /** Change of the V8 heap in use across the timed phase, in bytes. */
  heap_delta_bytes?: number
  /** Resident set size of the process after the timed phase, in bytes (pidusage). */
  rss_bytes?: number
  /**
   * Heap retained per call after full GCs across the leak phase (only with `metrics: ['leak']`):
   * the least-squares slope of the heap in use after a full GC against the cumulative calls.
   */
  heap_growth?: {
    /** Slope, in bytes per call. */
    bytes_per_iteration: number
    /** Two-sided 95% confidence interval of the slope, in bytes per call. */
    interval: [number, number]
    /** One-sided p-value of "the slope is greater than 0". */
    p_value: number
    /** Calls made in the leak phase's batches. */
    iterations: number
    /** Batches, each followed by a full GC and a heap reading. */
    batches: number
  }
  /** Wall time of the whole `perf()` call, warm-up and leak phase included, in milliseconds. */
  duration_ms: number
  /**
   * Further metrics, each with its direction: those a test records with `perf(fn, { record })`,
   * and those of imported results (throughput, failure rate, percentiles).
   */
  metrics?: Record<string, CustomMetric>
}

/** A named metric with its direction; `absolute` means changes are judged by difference, not ratio. */
export interface CustomMetric {
  value: number
  better: 'lower' | 'higher'
  unit: string
  absolute?: boolean
}

/** Identifies a benchmarked test. */
export interface TestRef {
  /** Test file, relative to the project root, with `/` separators. */
  file: string
  /** Full test name: suite names and the test name joined with ` > `. */
  name: string
  /** Vitest project (or Jest display) name; empty when there is none. */
  project: string
  /** Label of a named `perf()` call inside the test. */
  bench?: string
  /** Line of the test in its file, when the runner reports it (for annotations; not part of the identity). */
  line?: number
}

export interface RunnerInfo {
  /** `locust` for imported Locust results; Vitest bench imports use `vitest` with pool `bench`. */
  name: 'vitest' | 'jest' | 'locust'
  version: string
  /** Worker pool (`forks`, `threads`, `vmThreads`, ...). Timings of different pools are not comparable. */
  pool: string
}

/** The machine a run was measured on. */
export interface EnvInfo {
  cpu_model: string
  cpu_count: number
  os: string
  arch: string
  node_version: string
  /** Name of the CI service, when one was detected. */
  ci?: string
}

export interface GitInfo {
  commit?: string
  branch?: string
}

/** One benchmarked test inside a stored run. */
export interface TestResult {
  test: TestRef
  runner: RunnerInfo
  /** Compatibility key: results are only compared when their keys match. */
  env_key: string
  sample: PerfSample
}

export const SCHEMA_VERSION = 1

/**
 * An audited change of baseline, stored between runs (`perf-regression baseline accept|reset`).
 * - `accept`: the run `run_id` (typically an intended slowdown) becomes the start of the
 *   baseline of every test it measured: it counts as a baseline run, and earlier runs no longer do.
 * - `reset`: no run before this event counts as a baseline for any test.
 */
export interface BaselineEvent {
  schema: typeof SCHEMA_VERSION
  kind: 'baseline-event'
  id: string
  /** ISO 8601 time of the event. */
  time: string
  action: 'accept' | 'reset'
  /** The accepted run (for `accept`). */
  run_id?: string
  /** Why, in the words of whoever did it. */
  reason: string
  /** Who did it (git user, CI actor or login name). */
  who: string
}

/** Any line of the store. */
export type StoreRecord = RunRecord | BaselineEvent

/** One line of `.perf/benchmarks.jsonl`. */
export interface RunRecord {
  schema: typeof SCHEMA_VERSION
  kind: 'run'
  id: string
  /** ISO 8601 time the run finished. */
  time: string
  /** `baseline` runs form baselines; `compare` runs are only judged. */
  mode: 'baseline' | 'compare'
  /**
   * Runs of one `perf-regression vitest|jest --repeat N` invocation share a group: together
   * they are N observations of the same code, and compare runs are judged on their median.
   */
  group?: string
  git: GitInfo
  env: EnvInfo
  results: TestResult[]
  /**
   * Present on A/B runs (`perf-regression ab`): `results` are the head's, measured next to the
   * base commit in the same job. Always a `compare` run: never part of a baseline.
   */
  ab?: AbRecord
}

/** The base side of an A/B run. */
export interface AbRecord {
  /** The merge-base that was measured, in full. */
  base_commit: string
  /** The ref it was found from (`origin/main`). */
  base_ref: string
  design: 'paired' | 'processes'
  /** The base's results of the tests in both trees, measured in the same processes (paired) or the same job. */
  base_results: TestResult[]
}
