import type { LoadClock, LoadDeps } from '../../src/load/engine.js'

interface Timer {
  at: number
  seq: number
  fire: () => void
}

/**
 * A simulated clock for the load generator: time only moves when `run` advances it to the
 * next timer, after everything that was ready has run. So a test sees the same calls, at the
 * same simulated times, on any machine and under any load.
 */
export class FakeClock implements LoadClock {
  time = 0
  private timers: Timer[] = []
  private seq = 0

  now = (): number => this.time

  sleepUntil = (at: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted || at <= this.time) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const timer: Timer = {
        at,
        seq: this.seq++,
        fire: () => {
          signal?.removeEventListener('abort', cancel)
          resolve()
        },
      }
      const cancel = () => {
        this.timers = this.timers.filter((t) => t !== timer)
        resolve()
      }
      signal?.addEventListener('abort', cancel, { once: true })
      // Sorted by time, then by order of creation.
      let lo = 0
      let hi = this.timers.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (this.timers[mid]!.at <= at) lo = mid + 1
        else hi = mid
      }
      this.timers.splice(lo, 0, timer)
    })
  }

  yield = (): Promise<void> => Promise.resolve()

  /** A simulated piece of work that takes `ms`. */
  delay = (ms: number): Promise<void> => this.sleepUntil(this.time + ms)

  /** Timers still waiting (none once a load test is over: nothing keeps running). */
  get pending(): number {
    return this.timers.length
  }

  /** Drives simulated time until `promise` settles; fails when nothing is left to run. */
  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false
    const watched = promise.finally(() => {
      settled = true
    })
    watched.catch(() => {})
    for (let idle = 0; !settled; ) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (settled) break
      const next = this.timers[0]
      if (!next) {
        if (++idle > 10) throw new Error('FakeClock: the promise never settles and no timer is left')
        continue
      }
      idle = 0
      this.time = next.at
      while (this.timers[0] && this.timers[0].at === next.at) this.timers.shift()!.fire()
    }
    return watched
  }
}

/** Load deps on a fake clock, with process readings that count 1 µs of CPU per reading. */
export function fakeDeps(clock: FakeClock): LoadDeps {
  let cpu = 0
  return {
    clock,
    probes: {
      cpuUsage: () => ({ user: (cpu += 1000), system: 0 }),
      memoryUsage: () => ({ heapUsed: 1_000_000, rss: 50_000_000 }),
    },
  }
}
