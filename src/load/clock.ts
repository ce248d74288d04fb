import { performance } from 'node:perf_hooks'
import type { LoadClock, LoadDeps } from './engine.js'

/** Longest delay a Node timer takes (2^31 - 1 ms); longer waits re-arm. */
const MAX_TIMER_MS = 2_147_483_647

/** The process's clock: `performance.now()`, timers and `setImmediate`. */
export const realClock: LoadClock = {
  now: () => performance.now(),
  sleepUntil: (at, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve()
      let timer: NodeJS.Timeout | undefined
      const done = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      // Timers count whole milliseconds and may fire a fraction early: wait again for the rest.
      const arm = () => {
        const wait = at - performance.now()
        if (wait <= 0) return done()
        // No time at all (a rate of 0): only the signal ends the wait.
        if (wait === Infinity) return
        timer = setTimeout(arm, Math.min(MAX_TIMER_MS, Math.max(1, wait)))
      }
      signal?.addEventListener('abort', done, { once: true })
      arm()
    }),
  yield: () => new Promise<void>((resolve) => setImmediate(resolve)),
}

/** The real clock and process readings. */
export const defaultLoadDeps: LoadDeps = {
  clock: realClock,
  probes: { cpuUsage: () => process.cpuUsage(), memoryUsage: () => process.memoryUsage() },
}
