/**
 * The package root as CommonJS (what `require('perf-regression')` and Jest's
 * `reporters: ['perf-regression']` load): the Jest reporter as the default
 * export, and the same programmatic API as the ESM root.
 */
export { default } from './reporter.js'
export * from '../api.js'
