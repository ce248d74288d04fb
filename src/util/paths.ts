import path from 'node:path'

/** `file` (absolute, or relative to `root`) relative to `root` with `/` separators: how test files are stored. */
export function relativeFile(root: string, file: string): string {
  const rel = path.relative(root, path.resolve(root, file))
  return rel.split(path.sep).join('/')
}
