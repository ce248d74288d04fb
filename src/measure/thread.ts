import { readFileSync } from 'node:fs'

/**
 * CPU time of the measuring thread, and on Linux the time it spent runnable but
 * waiting for a core (the run queue): what tells a slow function from a busy machine.
 */
export interface ThreadTimes {
  /** CPU time of the thread so far, in nanoseconds. */
  cpuNs: number
  /** Time the thread has waited for a CPU so far, in nanoseconds (Linux only). */
  waitNs?: number
}

/** Where the readings come from, most precise first. */
export type ThreadClockSource = 'schedstat' | 'thread' | 'process'

export interface ThreadClock {
  source: ThreadClockSource
  read: () => ThreadTimes
}

/**
 * Parses `/proc/<pid>/task/<tid>/schedstat`: three numbers, the time on a CPU
 * (ns), the time waiting on a run queue (ns) and the number of time slices.
 */
export function parseSchedstat(text: string): ThreadTimes | undefined {
  const parts = text.trim().split(/\s+/)
  if (parts.length < 2) return undefined
  const cpuNs = Number(parts[0])
  const waitNs = Number(parts[1])
  if (!Number.isSafeInteger(cpuNs) || !Number.isSafeInteger(waitNs) || cpuNs < 0 || waitNs < 0) return undefined
  return { cpuNs, waitNs }
}

type CpuUsage = () => { user: number; system: number }

/**
 * The best clock this platform has for the calling thread: Linux's schedstat of
 * the thread itself (`/proc/thread-self`, which also names a worker thread), Node's
 * `process.threadCpuUsage` where it exists (Node 23.9 and later), else the
 * process's CPU time (which also counts the GC and other threads).
 */
export function threadClock(
  readFile: (file: string) => string = (file) => readFileSync(file, 'utf8'),
  node: { threadCpuUsage?: CpuUsage; cpuUsage: CpuUsage } = process as unknown as { threadCpuUsage?: CpuUsage; cpuUsage: CpuUsage },
): ThreadClock {
  const fromSchedstat = () => {
    try {
      return parseSchedstat(readFile('/proc/thread-self/schedstat'))
    } catch (error) {
      // Not Linux, or /proc not mounted: fall through to the next source.
      if ((error as NodeJS.ErrnoException).code !== undefined) return undefined
      throw error
    }
  }
  if (fromSchedstat()) {
    return { source: 'schedstat', read: () => fromSchedstat() ?? { cpuNs: 0 } }
  }
  const usage = node.threadCpuUsage
  if (typeof usage === 'function') {
    return { source: 'thread', read: () => micros(usage.call(node)) }
  }
  return { source: 'process', read: () => micros(node.cpuUsage()) }
}

const micros = (u: { user: number; system: number }): ThreadTimes => ({ cpuNs: (u.user + u.system) * 1000 })

/**
 * The share of one core the thread got over a phase, from readings at its start
 * and end and the phase's wall time (ms); undefined for a phase too short to tell
 * (under 1 ms) or a clock that went backwards.
 */
export function coreShare(before: ThreadTimes, after: ThreadTimes, wallMs: number): { cpu: number; wait?: number } | undefined {
  if (!(wallMs >= 1)) return undefined
  const cpu = (after.cpuNs - before.cpuNs) / (wallMs * 1e6)
  if (!(cpu >= 0)) return undefined
  const out: { cpu: number; wait?: number } = { cpu: Math.min(cpu, 1) }
  if (before.waitNs !== undefined && after.waitNs !== undefined) {
    const wait = (after.waitNs - before.waitNs) / (wallMs * 1e6)
    if (wait >= 0) out.wait = Math.min(wait, 1)
  }
  return out
}
