/** The command line of `perf-regression ab`: its help, its flags, and the runner to start. */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigError } from '../config/validate.js'
import { parse } from '../cli/common.js'
import type { Runner } from '../cli/context.js'

export const AB_HELP = `Usage: perf-regression ab [options] [-- <vitest|jest> [runner arguments]]

Measures HEAD (with uncommitted changes, as it is) next to its merge-base with a base
branch, in this job, and judges each marked test against the base's version of it.
The base is checked out as a git worktree in the temp folder and removed afterwards.

Options:
  --base <ref>          Branch, tag or commit to compare with (default: the pull
                        request's base branch from the CI variables, else the
                        remote's default branch)
  --design <design>     paired: base and head alternate in rounds inside one process
                        processes: fresh processes of each, interleaved
                        auto (default): paired where it works
  --processes <n>       Processes (paired) or process pairs of the first pass
  --max-rounds <n>      Most processes (or pairs) an undecided test is measured in
  --budget <seconds>    No further pass starts after this many seconds (default 300)
  --setup <command>     Shell command run in both trees first (a build, say)
  --fail-on <severity>  minor, moderate, critical or never
  --store <path>        History store (the A/B run is recorded there, never as a baseline)
  --no-record           Do not record the A/B run in the history
  -h, --help            Show this help

Without a runner after --, Vitest or Jest is found in package.json.
Exit codes: 0 no regression, 1 regression (or failing tests), 2 usage, git or setup error.

Examples:
  npx perf-regression ab --base origin/main
  npx perf-regression ab -- vitest run test/perf
  NODE_OPTIONS=--experimental-vm-modules npx perf-regression ab -- jest
`

const OPTIONS = {
  base: { type: 'string' },
  design: { type: 'string' },
  processes: { type: 'string' },
  'max-rounds': { type: 'string' },
  budget: { type: 'string' },
  setup: { type: 'string' },
  'fail-on': { type: 'string' },
  store: { type: 'string' },
  'no-record': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/** Which runner, and its arguments: after `--`, or found in package.json. */
export function runnerFrom(args: readonly string[], cwd: string): { runner: Runner; args: string[] } {
  if (args.length > 0) {
    const [first, ...rest] = args
    const name = path.basename(first!).replace(/\.[cm]?js$/, '')
    if (name !== 'vitest' && name !== 'jest') {
      throw new ConfigError([`perf-regression ab runs Vitest or Jest: name it after --, like -- vitest run test/perf or -- jest (got ${JSON.stringify(first)})`])
    }
    if (name === 'vitest' && rest[0] !== 'run') rest.unshift('run')
    return { runner: name, args: rest }
  }
  let pkg: Record<string, Record<string, string> | undefined> = {}
  const file = path.join(cwd, 'package.json')
  if (existsSync(file)) pkg = JSON.parse(readFileSync(file, 'utf8')) as typeof pkg
  const has = (n: string) => Boolean(pkg.devDependencies?.[n] ?? pkg.dependencies?.[n])
  if (has('vitest')) return { runner: 'vitest', args: ['run'] }
  if (has('jest')) return { runner: 'jest', args: [] }
  throw new ConfigError([`neither vitest nor jest is a dependency in ${file}: name the runner after --, like perf-regression ab -- vitest run`])
}

const integer = (raw: string | undefined, flag: string, min: number): number | undefined => {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min) throw new ConfigError([`${flag} must be a whole number of at least ${min} (got ${JSON.stringify(raw)})`])
  return n
}

/** The flags of `perf-regression ab` (before `--`), parsed. */
export function parseAbFlags(own: string[]) {
  return parse('ab', own, OPTIONS).values
}

/** The `ab` options the flags set, checked; they go over the config file's `ab`. */
export function abOptionsFromFlags(values: ReturnType<typeof parseAbFlags>): Record<string, unknown> {
  const fromFlags: Record<string, unknown> = {}
  if (values.base !== undefined) fromFlags.base = values.base
  if (values.design !== undefined) fromFlags.design = values.design
  if (values.processes !== undefined) fromFlags.processes = integer(values.processes, '--processes', 2)
  if (values['max-rounds'] !== undefined) fromFlags.maxRounds = integer(values['max-rounds'], '--max-rounds', 2)
  if (values.budget !== undefined) {
    const b = Number(values.budget)
    if (!(b > 0)) throw new ConfigError([`--budget must be a number of seconds greater than 0 (got ${JSON.stringify(values.budget)})`])
    fromFlags.budget = b
  }
  if (values.setup !== undefined) fromFlags.setup = values.setup
  return fromFlags
}
