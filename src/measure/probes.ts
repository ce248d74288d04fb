import { performance } from 'node:perf_hooks'
import v8 from 'node:v8'
import vm from 'node:vm'
import type { MeasureDeps, Probes } from './measure.js'
import { threadClock, type ThreadClock } from './thread.js'

let fullGc: (() => void) | undefined

/** Whether the process was started with `--expose-gc` (then the flag must stay on for other contexts). */
const startedWithExposeGc = (): boolean =>
  [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => arg === '--expose-gc' || arg === '--expose_gc')

/**
 * V8's full, synchronous garbage collection, without asking the user for `--expose-gc`:
 * the flag is turned on just long enough for a new V8 context to get its `gc` global
 * (which collects the whole isolate), then turned off again, so that contexts created
 * later (Jest's test files) do not see a `gc` they did not ask for. Looked up once.
 */
export function getFullGc(): () => void {
  if (fullGc) return fullGc
  const exposed = (globalThis as { gc?: unknown }).gc
  if (typeof exposed === 'function') return (fullGc = exposed as () => void)
  const flagged = startedWithExposeGc()
  if (!flagged) v8.setFlagsFromString('--expose-gc')
  let gc: unknown
  let failure: unknown
  try {
    gc = vm.runInNewContext('typeof gc === "function" ? gc : undefined')
  } catch (error) {
    failure = error
  } finally {
    if (!flagged) v8.setFlagsFromString('--no-expose-gc')
  }
  if (typeof gc !== 'function') {
    throw new Error(
      `perf(): the leak metric needs V8's gc() and could not get it on Node ${process.version}: run Node with --expose-gc, or drop 'leak' from metrics`,
      { cause: failure },
    )
  }
  // V8's own function, not a JavaScript wrapper: a wrapper would allocate its feedback
  // vector after a few calls, in the middle of the leak phase's readings.
  return (fullGc = gc as () => void)
}

/**
 * What pidusage reads from `/proc/<pid>/stat` (or, on macOS, by starting `ps` each time),
 * from the process itself: the process's CPU use in percent of one core since the previous
 * call (since the process started, on the first), and its resident set size. Synchronous
 * and a few microseconds, with the microsecond resolution of `process.cpuUsage` instead of
 * the 10 ms ticks of `/proc`.
 */
export function processMeter(
  cpuUsage: () => { user: number; system: number },
  nowMs: () => number,
  rss: () => number,
): () => { cpu: number; memory: number } {
  // The clock's origin is the start of the process, when its CPU time was 0.
  let previous = { cpuUs: 0, atMs: 0 }
  return () => {
    const usage = cpuUsage()
    const current = { cpuUs: usage.user + usage.system, atMs: nowMs() }
    const wallMs = current.atMs - previous.atMs
    const cpu = wallMs > 0 ? Math.max(0, (current.cpuUs - previous.cpuUs) / 1000 / wallMs) * 100 : 0
    previous = current
    return { cpu, memory: rss() }
  }
}

const meter = processMeter(
  () => process.cpuUsage(),
  () => performance.now(),
  () => process.memoryUsage.rss(),
)

/** Real process readings: `performance.now`, `process.cpuUsage`, `process.memoryUsage`, the process's CPU % and RSS, V8's full GC. */
export const processProbes: Probes = {
  now: performance.now.bind(performance),
  cpuUsage: () => process.cpuUsage(),
  memoryUsage: () => process.memoryUsage(),
  processStats: async () => meter(),
  /** V8's `gc` itself, looked up on first use. */
  get gc() {
    return getFullGc()
  },
  /** The calling thread's clock, chosen on first use. */
  get thread() {
    return (clock ??= threadClock())
  },
}
let clock: ThreadClock | undefined

export const defaultMeasureDeps: MeasureDeps = { probes: processProbes }
