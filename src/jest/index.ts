export { perf } from './perf.js'
export type { PerfOptions } from './perf.js'
export type { PerfRegressionOptions, MeasureOptions, MetricRule, Thresholds } from '../config/options.js'
export type { RecordedMetric } from '../config/perf-call.js'
