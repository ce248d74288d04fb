/**
 * What `perf()` reads of jest-circus's state about the running test: its
 * timeout and start, and whether it is over. jest-circus keeps that state on
 * the test environment's global under a symbol of its own; nothing here
 * writes to it. Anything of an unexpected shape reads as "unknown".
 */

interface CircusTest {
  timeout?: unknown
  startedAt?: unknown
  status?: unknown
  errors?: unknown
  invocations?: unknown
  concurrent?: unknown
}

interface CircusState {
  currentlyRunningTest?: CircusTest | null
  testTimeout?: unknown
}

const STATE_DESCRIPTION = 'JEST_STATE_SYMBOL'

function circusState(global: object): CircusState | undefined {
  const symbol = Object.getOwnPropertySymbols(global).find((s) => s.description === STATE_DESCRIPTION)
  if (!symbol) return undefined
  const state: unknown = (global as Record<symbol, unknown>)[symbol]
  return typeof state === 'object' && state !== null ? (state as CircusState) : undefined
}

/** The running test as `perf()` sees it. */
export interface RunningTest {
  /** The test's timeout in milliseconds (its own, else the file's or the config's). */
  timeoutMs: number
  /** When the test started, on the `Date.now()` clock (before its `beforeEach` hooks: an early, safe estimate). */
  startedAt: number
  /** True once the test has finished, failed (a timeout is a failure) or been retried since `perf()` began. */
  isOver(): boolean
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/**
 * The test jest-circus is running now, or undefined when the state is missing or
 * of an unknown shape, and for `test.concurrent` (several tests run at once, so
 * the "current" test may be another one).
 */
export function runningTest(global: object = globalThis): RunningTest | undefined {
  const state = circusState(global)
  const test = state?.currentlyRunningTest
  if (!test || typeof test !== 'object' || test.concurrent === true) return undefined
  const own = finite(test.timeout) && test.timeout > 0 ? test.timeout : undefined
  const timeoutMs = own ?? (finite(state.testTimeout) ? state.testTimeout : undefined)
  if (timeoutMs === undefined || !finite(test.startedAt)) return undefined
  const errors = Array.isArray(test.errors) ? test.errors.length : 0
  const invocations = test.invocations
  return {
    timeoutMs,
    startedAt: test.startedAt,
    isOver: () => test.status === 'done' || (Array.isArray(test.errors) && test.errors.length > errors) || test.invocations !== invocations,
  }
}
