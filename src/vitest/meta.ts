/** Key under which `perf()` stores its samples in Vitest's `task.meta`. */
export const META_KEY = 'perf'
