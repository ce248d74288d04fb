/**
 * Shared data types. Everything here is plain JSON: samples travel from test
 * workers to the reporter by structured clone and are stored as JSON lines.
 * Units are part of field names (`_ns`, `_bytes`, `_ms`). The stored types are
 * derived from the schema that checks them when they are read (`store/schema.ts`).
 */
import type { InferOutput } from 'valibot'
import type {
  AbRecordSchema,
  BaselineEventSchema,
  CustomMetricSchema,
  EnvInfoSchema,
  GitInfoSchema,
  LoadInfoSchema,
  PerfSampleSchema,
  RunnerInfoSchema,
  RunRecordSchema,
  SampleStatsSchema,
  TestRefSchema,
  TestResultSchema,
} from './store/schema.js'

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
export type SampleStats = InferOutput<typeof SampleStatsSchema>

/** One `perf()` measurement, as it leaves the test worker. */
export type PerfSample = InferOutput<typeof PerfSampleSchema>

/** How a load sample was made (`perf.load()`, k6 imports): its levels and the errors seen. */
export type LoadInfo = InferOutput<typeof LoadInfoSchema>

/** A named metric with its direction; `absolute` means changes are judged by difference, not ratio. */
export type CustomMetric = InferOutput<typeof CustomMetricSchema>

/** Identifies a benchmarked test. */
export type TestRef = InferOutput<typeof TestRefSchema>

export type RunnerInfo = InferOutput<typeof RunnerInfoSchema>

/** The machine a run was measured on. */
export type EnvInfo = InferOutput<typeof EnvInfoSchema>

export type GitInfo = InferOutput<typeof GitInfoSchema>

/** One benchmarked test inside a stored run. */
export type TestResult = InferOutput<typeof TestResultSchema>

/** Version of the stored record format. */
export { SCHEMA_VERSION } from './store/schema.js'

/**
 * An audited change of baseline, stored between runs (`perf-regression baseline accept|reset`).
 * - `accept`: the run `run_id` (typically an intended slowdown) becomes the start of the
 *   baseline of every test it measured: it counts as a baseline run, and earlier runs no longer do.
 * - `reset`: no run before this event counts as a baseline for any test.
 */
export type BaselineEvent = InferOutput<typeof BaselineEventSchema>

/** Any line of the store. */
export type StoreRecord = RunRecord | BaselineEvent

/** One line of `.perf/benchmarks.jsonl`. */
export type RunRecord = InferOutput<typeof RunRecordSchema>

/** The base side of an A/B run. */
export type AbRecord = InferOutput<typeof AbRecordSchema>
