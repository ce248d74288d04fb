import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { BASELINE_MODE_ENV, extractBaselineModeFlag } from '../config/resolve.js'
import { BASELINE_MODES, ConfigError } from '../config/validate.js'
import { abCommand } from '../ab/command.js'
import { report } from './report.js'
import { baseline, check, history } from './store-commands.js'
import { importCommand } from './import-command.js'
import { compact, merge, prune } from './maintenance-commands.js'
import { sync } from './data-branch.js'
import { StoreError } from '../store/store.js'
import { printable, printableLines } from '../report/printable.js'
import { REPEAT_GROUP_ENV } from '../core/run.js'
import { MIN_POOLED_RUNS } from '../detect/detect.js'
import { commandContext, resolveRunnerBin, type CliContext, type CommandContext } from './context.js'

export type { CommandContext, TextOutput } from './context.js'

export const HELP = `Usage: perf-regression <command> [options]

Commands:
  vitest [vitest arguments]   Run Vitest with the perf-regression options below
                              taken out of the arguments (Vitest rejects flags it
                              does not know). The reporter must be configured:
                              plugins: [perfRegression()] in vitest.config, or
                              --reporter=default --reporter=perf-regression.
  jest [jest arguments]       The same for Jest (reporters: ['default',
                              'perf-regression'] in jest.config).
  ab [options] [-- runner ...]  Measure HEAD next to its base commit in this job and
                              judge each test against the base's version (pull requests)
  check [options]             Judge the latest run again; exit 1 on a regression
  report [options]            Render a stored run in any format (terminal, md, json, html)
  history [glob]              The runs of matching tests, with sparkline and baseline band
  baseline show|accept|reset  Look at or change baselines (accepting is recorded, with a reason)
  import vitest-bench|locust|k6  Add another tool's results to the history
  prune --keep-days|--keep-runs  Remove old runs (baselines in use are kept)
  compact                     Rewrite the history without invalid lines
  merge <store>...            Add other stores' records, without duplicates
  sync pull|push              Keep the history on a git branch (default perf-data):
                              pull before the tests, push after them on main

Every command has --help. Exit codes: 0 ok, 1 regression found, 2 usage or data error.

Options:
  --baseline-mode=<mode>      establish: record a baseline run (on main)
                              compare:   judge against the baseline (default)
  --repeat=<n>                Run the tests n times, each in fresh processes; from
                              3 runs on, compare runs are judged on the median of
                              the runs so far. The exit code is the last run's.
  -h, --help                  Show this help

Examples:
  npx perf-regression vitest run --baseline-mode=establish
  npx perf-regression vitest run
  npx perf-regression jest --baseline-mode=establish
`

// The commands take these from context.ts; kept here for callers of the entry.
export { resolveRunnerBin, type CliContext, type Runner } from './context.js'

/** Takes `--repeat <n>` / `--repeat=<n>` out of the runner's arguments. */
export function extractRepeatFlag(argv: readonly string[]): { times: number; rest: string[] } {
  const rest: string[] = []
  let raw: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--repeat') raw = argv[++i] ?? ''
    else if (arg.startsWith('--repeat=')) raw = arg.slice('--repeat='.length)
    else rest.push(arg)
  }
  if (raw === undefined) return { times: 1, rest }
  const times = Number(raw)
  if (!Number.isInteger(times) || times < 1 || times > 100) {
    throw new ConfigError([`--repeat must be a whole number of runs from 1 to 100, like --repeat=3 (got ${JSON.stringify(raw)})`])
  }
  return { times, rest }
}

/**
 * Runs the runner `times` times, one after the other, each in a fresh process, as one repeat
 * group: compare runs are then judged on the median of the group's runs so far.
 * Returns the last run's exit code.
 */
async function runRepeated(bin: string, args: readonly string[], times: number, ctx: CommandContext): Promise<number> {
  const env = { ...ctx.env, [REPEAT_GROUP_ENV]: randomUUID() }
  let code = 0
  for (let i = 1; i <= times; i++) {
    // The runs themselves print to this process's own terminal (stdio inherited).
    ctx.stdout.write(`\nperf-regression: run ${i} of ${times}${i < MIN_POOLED_RUNS ? '' : ` (judged on the median of ${i} runs)`}\n`)
    code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd: ctx.cwd, env, stdio: 'inherit' })
      child.on('error', reject)
      child.on('close', (status, signal) => resolve(status ?? (signal ? 1 : 0)))
    })
  }
  return code
}

/**
 * Entry of the `perf-regression` command. Returns the exit code, or undefined
 * for `vitest` and `jest`, which hand the process over to the runner and its exit code.
 * Commands write to `context.stdout` and `context.stderr` (the process's by default);
 * Vitest and Jest, run in this process or as children, write to the process's own.
 */
export async function main(args: string[], context: CliContext): Promise<number | undefined> {
  const ctx = commandContext(context)
  const [command, ...rest] = args
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    ctx.stdout.write(HELP)
    return command === undefined ? 2 : 0
  }
  try {
    if (command === 'vitest' || command === 'jest') {
      const { value, rest: vitestArgs } = extractBaselineModeFlag(rest)
      if (value !== undefined) {
        if (!(BASELINE_MODES as readonly string[]).includes(value)) {
          throw new ConfigError([`--baseline-mode must be one of ${BASELINE_MODES.map((m) => `"${m}"`).join(', ')} (got ${JSON.stringify(value)})`])
        }
        ctx.env[BASELINE_MODE_ENV] = value
      }
      const repeat = extractRepeatFlag(vitestArgs)
      const bin = await resolveRunnerBin(command, ctx.cwd)
      if (repeat.times > 1) return await runRepeated(bin, repeat.rest, repeat.times, ctx)
      // Both runners read process.argv: run their own CLI in this process, without our flags.
      process.argv = [process.argv[0]!, bin, ...repeat.rest]
      await import(pathToFileURL(bin).href)
      return undefined
    }
    if (command === 'ab') return await abCommand(rest, ctx)
    if (command === 'report') return await report(rest, ctx)
    if (command === 'check') return await check(rest, ctx)
    if (command === 'history') return await history(rest, ctx)
    if (command === 'baseline') return await baseline(rest, ctx)
    if (command === 'import') return await importCommand(rest, ctx)
    if (command === 'prune') return await prune(rest, ctx)
    if (command === 'compact') return await compact(rest, ctx)
    if (command === 'merge') return await merge(rest, ctx)
    if (command === 'sync') return await sync(rest, ctx)
    ctx.stderr.write(`perf-regression: unknown command ${printable(JSON.stringify(command))}\n\n${HELP}`)
    return 2
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StoreError) {
      ctx.stderr.write(`${printableLines(error.message)}\n`)
      return 2
    }
    throw error
  }
}
