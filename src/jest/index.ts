export { perf } from './perf.js'
export type { PerfOptions } from './perf.js'
export type { PerfRegressionOptions, MeasureOptions, Thresholds } from '../config/options.js'
