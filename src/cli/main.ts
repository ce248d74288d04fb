import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { BASELINE_MODE_ENV, extractBaselineModeFlag } from '../config/resolve.js'
import { BASELINE_MODES, ConfigError } from '../config/validate.js'
import { report } from './report.js'
import { baseline, check, history } from './store-commands.js'
import { importCommand } from './import-command.js'
import { compact, merge, prune } from './maintenance-commands.js'
import { StoreError } from '../store/store.js'

export const HELP = `Usage: perf-regression <command> [options]

Commands:
  vitest [vitest arguments]   Run Vitest with the perf-regression options below
                              taken out of the arguments (Vitest rejects flags it
                              does not know). The reporter must be configured:
                              plugins: [perfRegression()] in vitest.config, or
                              --reporter=default --reporter=perf-regression.
  jest [jest arguments]       The same for Jest (reporters: ['default',
                              'perf-regression'] in jest.config).
  check [options]             Judge the latest run again; exit 1 on a regression
  report [options]            Render a stored run in any format (terminal, md, json, html)
  history [glob]              The runs of matching tests, with sparkline and baseline band
  baseline show|accept|reset  Look at or change baselines (accepting is recorded, with a reason)
  import vitest-bench|locust  Add another tool's results to the history
  prune --keep-days|--keep-runs  Remove old runs (baselines in use are kept)
  compact                     Rewrite the history without invalid lines
  merge <store>...            Add other stores' records, without duplicates

Every command has --help. Exit codes: 0 ok, 1 regression found, 2 usage or data error.

Options:
  --baseline-mode=<mode>      establish: record a baseline run (on main)
                              compare:   judge against the baseline (default)
  -h, --help                  Show this help

Examples:
  npx perf-regression vitest run --baseline-mode=establish
  npx perf-regression vitest run
  npx perf-regression jest --baseline-mode=establish
`

export interface CliContext {
  cwd: string
  env: NodeJS.ProcessEnv
}

export type Runner = 'vitest' | 'jest'

/** Resolves the runner's own command-line entry (`vitest` or `jest`) from the user's project. */
export async function resolveRunnerBin(runner: Runner, cwd: string): Promise<string> {
  const require = createRequire(path.join(cwd, 'package.json'))
  let pkgPath: string
  try {
    pkgPath = require.resolve(`${runner}/package.json`)
  } catch {
    throw new ConfigError([`${runner} is not installed in ${cwd}: install it with npm i -D ${runner}`])
  }
  const pkg = JSON.parse(await readFile(pkgPath, 'utf8')) as { bin?: string | Record<string, string> }
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.[runner]
  if (!bin) throw new ConfigError([`cannot find the ${runner} command in ${pkgPath}`])
  return path.resolve(path.dirname(pkgPath), bin)
}

/**
 * Entry of the `perf-regression` command. Returns the exit code, or undefined
 * for `vitest` and `jest`, which hand the process over to the runner and its exit code.
 */
export async function main(args: string[], ctx: CliContext): Promise<number | undefined> {
  const [command, ...rest] = args
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP)
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
      const bin = await resolveRunnerBin(command, ctx.cwd)
      // Both runners read process.argv: run their own CLI in this process, without our flags.
      process.argv = [process.argv[0]!, bin, ...vitestArgs]
      await import(pathToFileURL(bin).href)
      return undefined
    }
    if (command === 'report') return await report(rest, ctx)
    if (command === 'check') return await check(rest, ctx)
    if (command === 'history') return await history(rest, ctx)
    if (command === 'baseline') return await baseline(rest, ctx)
    if (command === 'import') return await importCommand(rest, ctx)
    if (command === 'prune') return await prune(rest, ctx)
    if (command === 'compact') return await compact(rest, ctx)
    if (command === 'merge') return await merge(rest, ctx)
    process.stderr.write(`perf-regression: unknown command ${JSON.stringify(command)}\n\n${HELP}`)
    return 2
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StoreError) {
      process.stderr.write(`${error.message}\n`)
      return 2
    }
    throw error
  }
}
