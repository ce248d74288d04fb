import path from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { ResolvedConfig } from '../config/options.js'
import { globToRegExp, resolveConfig } from '../config/resolve.js'
import { ConfigError } from '../config/validate.js'
import type { StoreWarning } from '../store/store.js'
import type { TestResult } from '../types.js'
import { latestResults } from '../core/history-read.js'
import { printable } from '../report/printable.js'
import { loadRunForJudging } from '../core/load.js'
import { rejudge } from '../core/rejudge.js'
import { historyLimits, type RunOutcome } from '../core/run.js'
import type { CliContext, TextOutput } from './context.js'

/** Options every store command takes. */
export const STORE_OPTIONS = {
  store: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options']

/** Parses a command's arguments; unknown flags are usage errors that name the help. */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: O,
  positionals = false,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: boolean }>> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: positionals })
  } catch (error) {
    throw new ConfigError([`${(error as Error).message} (see perf-regression ${command} --help)`])
  }
}

/** The configuration (config file in the working folder, then flags) and the store's path. */
export function configFor(ctx: CliContext, options: { store?: string | undefined; failOn?: string | undefined }): { config: ResolvedConfig; storePath: string } {
  const config = resolveConfig({
    root: ctx.cwd,
    options: {
      // A store named on the command line is the user's explicit choice, wherever it is.
      ...(options.store !== undefined ? { store: options.store, allowOutsideRoot: true } : {}),
      ...(options.failOn !== undefined ? { failOn: options.failOn as ResolvedConfig['failOn'] } : {}),
    },
  })
  return { config, storePath: path.resolve(ctx.cwd, config.store) }
}

/** Prints the store's warnings to `stderr`. */
export function warn(warnings: readonly StoreWarning[], stderr: TextOutput): void {
  for (const w of warnings) stderr.write(`perf-regression: warning: ${printable(`${w.file}:${w.line}: ${w.message}`)}\n`)
}

/** The newest result of every test and environment in the store; prints the store's warnings to `stderr`. */
export async function latest(storePath: string, stderr: TextOutput): Promise<TestResult[]> {
  const read = await latestResults(storePath)
  warn(read.warnings, stderr)
  return read.latest
}

/** `*` and `?` glob over `file > name` and over the name alone. */
export function matcher(glob: string | undefined): (file: string, name: string) => boolean {
  if (glob === undefined) return () => true
  const re = globToRegExp(glob)
  return (file, name) => re.test(name) || re.test(`${file} > ${name}`)
}

/** The stored run asked for (or the latest), judged again with `config`; undefined when there is none. */
export async function judgeStored(storePath: string, config: ResolvedConfig, runId: string | undefined): Promise<RunOutcome | undefined> {
  const loaded = await loadRunForJudging(storePath, historyLimits(config), runId)
  return loaded && rejudge(loaded.runs, config, storePath, loaded.warnings, loaded.record.id, loaded.events, new Date())
}

/** Says on `stderr` that the store has no such run; returns the usage/data exit code. */
export function noSuchRun(storePath: string, runId: string | undefined, stderr: TextOutput): number {
  stderr.write(`perf-regression: ${printable(`${storePath} has ${runId === undefined ? 'no runs' : `no run with the id ${JSON.stringify(runId)}`}`)}\n`)
  return 2
}
