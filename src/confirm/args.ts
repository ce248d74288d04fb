/**
 * The command line of a confirmation run: the runner's own command line, cut
 * to the suspect tests, with everything that writes files of its own (other
 * reporters, output files, coverage) or watches taken out.
 */

import { escapeRegExp, testNamePattern } from '../util/pattern.js'

export type RunnerName = 'vitest' | 'jest'

export interface Suspect {
  /** Test file, relative to the runner's root, with `/` separators. */
  file: string
  /** Full test name as the reporter stores it (`describe > test`). */
  name: string
}


/** Flags taken out, with whether each takes a separate value (`--flag value`). */
const DROPPED: Record<RunnerName, Record<string, boolean>> = {
  vitest: {
    '--reporter': true,
    '--outputFile': true,
    '--coverage': false,
    '--watch': false,
    '-w': false,
    '--ui': false,
    '--open': false,
    '--testNamePattern': true,
    '-t': true,
    '--repeat': true,
    '--shard': true,
    '--changed': false,
    '--update': false,
    '-u': false,
  },
  jest: {
    '--reporters': true,
    '--json': false,
    '--outputFile': true,
    '--coverage': false,
    '--collectCoverage': false,
    '--watch': false,
    '--watchAll': false,
    '--testNamePattern': true,
    '-t': true,
    '--shard': true,
    '--onlyChanged': false,
    '-o': false,
    '--changedSince': true,
    '--updateSnapshot': false,
    '-u': false,
  },
}

/** Whether `arg` is `flag`, `flag=…` or a sub-option such as `--coverage.enabled`. */
const isFlag = (arg: string, flag: string) => arg === flag || arg.startsWith(`${flag}=`) || (flag.startsWith('--') && arg.startsWith(`${flag}.`))

/**
 * `args` (the runner's arguments, after the script) for a confirmation run of `suspects`:
 * the dropped flags removed, the suspects' files added as filters (runners OR their
 * filters, so the user's own filters keep working), and a name pattern for the suspects.
 */
export function confirmationArgs(runner: RunnerName, args: readonly string[], suspects: readonly Suspect[]): string[] {
  const dropped = DROPPED[runner]
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const flag = Object.keys(dropped).find((f) => isFlag(arg, f))
    if (flag === undefined) {
      out.push(arg)
      continue
    }
    // `--flag value`: skip the value too, unless it is itself a flag.
    if (dropped[flag] && arg === flag && i + 1 < args.length && !args[i + 1]!.startsWith('-')) i++
  }
  // `vitest bench` runs only the benchmark projects (Vitest 5): kept, and without watching.
  if (runner === 'vitest' && out[0] === 'bench' && !out.includes('--run')) out.splice(1, 0, '--run')
  else if (runner === 'vitest' && out[0] !== 'run' && out[0] !== 'bench') out.unshift('run')
  const files = [...new Set(suspects.map((s) => s.file))]
  out.push(...files.map((f) => (runner === 'jest' ? escapeRegExp(f) : f)))
  out.push('--testNamePattern', testNamePattern(suspects.map((s) => s.name)))
  if (runner === 'vitest') out.push('--reporter=perf-regression', '--coverage.enabled=false')
  else out.push('--reporters=perf-regression', '--coverage=false', '--runInBand')
  return out
}
