import path from 'node:path'
import { show, type Problems } from './checks.js'

/** A path option and its value, as given. */
export interface PathOption {
  /** Its name in messages: `store`, `reports.markdown`, ... */
  option: string
  value: string
}

const climbsOut = (rel: string) => rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)

const HOW = 'use a path inside the project, or set allowOutsideRoot: true to allow paths outside it'

/**
 * Reports path options that lead outside the project root. Paths are compared as
 * `path.resolve` leaves them, without following symbolic links. Without a root,
 * only relative paths that climb out of it are caught (an absolute path cannot be
 * judged before the root is known).
 */
export function checkPaths(paths: readonly PathOption[], root: string | undefined, problems: Problems): void {
  for (const { option, value } of paths) {
    if (root === undefined) {
      if (!path.isAbsolute(value) && climbsOut(path.normalize(value))) {
        problems.push(`${option} ${show(value)} leads outside the project root (relative paths are resolved against it): ${HOW}`)
      }
      continue
    }
    const base = path.resolve(root)
    const resolved = path.resolve(base, value)
    if (climbsOut(path.relative(base, resolved))) {
      problems.push(`${option} ${show(value)} resolves to ${show(resolved)}, outside the project root ${show(base)}: ${HOW}`)
    }
  }
}
