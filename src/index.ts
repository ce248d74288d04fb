/**
 * perf-regression. The default export is the Vitest reporter, so that
 * `--reporter=perf-regression` works; the named exports are the programmatic API.
 */
export { default } from './vitest/reporter.js'
export { detect, testKey, selectBaselines, NOISE_FLOOR } from './detect/detect.js'
export type { DetectInput, DetectConfig } from './detect/detect.js'
export { fails, failureReasons, findingFails, severityOf } from './detect/verdict.js'
export type { TestVerdict, VerdictKind, Evidence, Finding } from './detect/verdict.js'
export { MetricsError } from './config/perf-call.js'
export type { RecordedMetric } from './config/perf-call.js'
export { readRuns, readRecords, readStore, appendRun, appendRecord, StoreError } from './store/store.js'
export type { StoreWarning } from './store/store.js'
export { resolveConfig } from './config/resolve.js'
export { validateOptions, ConfigError } from './config/validate.js'
export { DEFAULTS } from './config/options.js'
export type { PerfRegressionOptions, MeasureOptions, MetricRule, Thresholds, ResolvedConfig } from './config/options.js'
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
