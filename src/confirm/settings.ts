/**
 * Set by the reporter for the runner processes that re-measure suspect tests
 * (JSON of `ConfirmWorkerSettings`): the reporter in such a process writes what
 * it collected to `out` and neither judges, records nor reports.
 */
export const CONFIRM_ENV = 'PERF_REGRESSION_CONFIRM'

export interface ConfirmWorkerSettings {
  /** File the reporter writes the run's samples to (JSON, the same shape as an A/B run's output). */
  out: string
}

/** The confirmation settings of this process, if a reporter started it to re-measure tests. */
export function confirmSettings(env: Record<string, string | undefined> = process.env): ConfirmWorkerSettings | undefined {
  const raw = env[CONFIRM_ENV]
  if (!raw) return undefined
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new Error(`perf-regression: ${CONFIRM_ENV} is not valid JSON; it is set by perf-regression's reporter, do not set it by hand`)
  }
  if (typeof value !== 'object' || value === null || typeof (value as { out?: unknown }).out !== 'string') {
    throw new Error(`perf-regression: ${CONFIRM_ENV} does not hold confirmation settings; it is set by perf-regression's reporter, do not set it by hand`)
  }
  return { out: (value as { out: string }).out }
}
