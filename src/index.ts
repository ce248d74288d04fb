/**
 * perf-regression. The default export is the Vitest reporter, so that
 * `--reporter=perf-regression` works; the named exports are the programmatic API.
 */
export { default } from './vitest/reporter.js'
export * from './api.js'
