import path from 'node:path'

const mapInto = (value: string, head: string, base: string): string | undefined => {
  const i = value.indexOf(head)
  if (i === -1) return undefined
  const after = value.slice(i + head.length)
  return after === '' || after.startsWith(path.sep) || after.startsWith('/') ? value.slice(0, i) + base + after : undefined
}

/**
 * Jest arguments that add the base tree's copies of the test files to a paired run: its
 * roots and test patterns next to the head's, all in one process (`--runInBand`). Built
 * from `jest --showConfig`; undefined when the configuration has several projects (then
 * fresh processes are used).
 */
export function jestPairedArgs(showConfig: unknown, head: string, base: string): string[] | undefined {
  const configs = (showConfig as { configs?: unknown } | null)?.configs
  if (!Array.isArray(configs) || configs.length !== 1) return undefined
  const c = configs[0] as { roots?: unknown; testMatch?: unknown }
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
  const roots = strings(c.roots)
  const args = ['--runInBand']
  for (const root of roots) args.push('--roots', root)
  for (const root of roots) {
    const mapped = mapInto(root, head, base)
    if (mapped) args.push('--roots', mapped)
  }
  const match = strings(c.testMatch)
  if (match.length > 0) {
    const mapped = match.map((m) => mapInto(m, head, base)).filter((m): m is string => m !== undefined)
    args.push('--testMatch', ...match, ...mapped)
  }
  return args
}
