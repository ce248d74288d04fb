import type { PerfSample } from '../types.js'

/** Key under which `perf()` stores its samples in Vitest's `task.meta`. */
export const META_KEY = 'perf'

// The channel from test workers to the reporter, typed. The reporter still checks
// every sample it reads: task meta crosses a process boundary and any test can write it.
declare module 'vitest' {
  interface TaskMeta {
    perf?: PerfSample[]
  }
}
