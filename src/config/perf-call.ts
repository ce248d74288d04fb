import type { MeasureOptions, ResolvedMeasureOptions } from './options.js'
import { ConfigError, validateMeasure } from './validate.js'

/** Options of one `perf()` call: measurement options, and a name when a test benchmarks more than one thing. */
export interface PerfOptions extends MeasureOptions {
  /** Label of this benchmark; needed when a test calls `perf()` more than once. */
  name?: string
}

/**
 * Checks the arguments of a `perf()` call, under any runner.
 * @throws TypeError when `fn` is not a function; ConfigError listing every bad option.
 */
export function checkPerfCall(fn: unknown, options: PerfOptions | undefined): { overrides: Partial<ResolvedMeasureOptions>; name: string | undefined } {
  if (typeof fn !== 'function') {
    throw new TypeError(`perf() needs a function to benchmark, like perf(() => work()) (got ${typeof fn})`)
  }
  const problems: string[] = []
  const overrides = validateMeasure(options, '', problems, ['name'])
  const name = options?.name
  if (name !== undefined && (typeof name !== 'string' || name === '')) problems.push(`name must be a non-empty string (got ${JSON.stringify(name)})`)
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `perf() ${p}`))
  return { overrides, name }
}

/**
 * Records that a test used a benchmark name (`undefined` for its unnamed benchmark).
 * @throws Error when the test already used it.
 */
export function claimName(used: Set<string | undefined>, name: string | undefined): void {
  if (used.has(name)) {
    throw new Error(
      name === undefined
        ? 'perf() was already called without a name in this test: name each benchmark, perf(fn, { name: "..." })'
        : `perf() was already called with the name ${JSON.stringify(name)} in this test: names must be unique`,
    )
  }
  used.add(name)
}
