/**
 * The package root as CommonJS (what `require('perf-regression')` and Jest's
 * `reporters: ['perf-regression']` load): the Jest reporter as the default
 * export, and the same programmatic API as the ESM root.
 */
export { default } from './reporter.js'
export { detect, testKey, selectBaselines, NOISE_FLOOR } from '../detect/detect.js'
export { fails, failureReasons, findingFails, severityOf } from '../detect/verdict.js'
export { readRuns, readRecords, readStore, appendRun, appendRecord, StoreError } from '../store/store.js'
export { resolveConfig } from '../config/resolve.js'
export { validateOptions, ConfigError } from '../config/validate.js'
export { DEFAULTS } from '../config/options.js'
export { MetricsError } from '../config/perf-call.js'
