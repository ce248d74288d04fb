export { perf } from './perf.js'
export type { PerfOptions, LoadCall, LoadOptions, LoadResult } from './perf.js'
export type { PerfRegressionOptions, MeasureOptions, MetricRule, Thresholds } from '../config/options.js'
export type { RecordedMetric } from '../config/perf-call.js'
