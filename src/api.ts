/**
 * The programmatic API of the package root, shared by the ESM entry
 * (`src/index.ts`) and the CommonJS entry (`src/jest/cjs.ts`) so the two
 * cannot drift apart. Kept small: judge results, read and append the store,
 * resolve and validate options, and the types of what they return.
 */
export { detect } from './detect/detect.js'
export type { DetectInput, DetectConfig } from './detect/detect.js'
export { fails, failureReasons } from './detect/verdict.js'
export type { TestVerdict, VerdictKind, Evidence, Finding } from './detect/verdict.js'
export { MetricsError } from './config/perf-call.js'
export type { RecordedMetric } from './config/perf-call.js'
export { readRecords, readStore, appendRecord, StoreError } from './store/store.js'
export type { StoreWarning } from './store/store.js'
export { resolveConfig } from './config/resolve.js'
export { validateOptions, ConfigError } from './config/validate.js'
export { DEFAULTS } from './config/options.js'
export type { PerfRegressionOptions, MeasureOptions, MetricRule, NotifyOptions, Thresholds, ResolvedConfig } from './config/options.js'
export type { AnalysisDocument } from './report/json.js'
export type {
  BaselineMode,
  Severity,
  OptionalMetric,
  SampleStats,
  PerfSample,
  TestRef,
  RunnerInfo,
  EnvInfo,
  GitInfo,
  TestResult,
  RunRecord,
  BaselineEvent,
  StoreRecord,
  CustomMetric,
} from './types.js'
