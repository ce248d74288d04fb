import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { ConfigError } from '../config/validate.js'
import type { TextOutput } from '../util/output.js'

export type { TextOutput }

/** What the `perf-regression` command runs in. */
export interface CliContext {
  cwd: string
  env: NodeJS.ProcessEnv
  /** Where results and help go. @default process.stdout */
  stdout?: TextOutput
  /** Where errors, warnings and notes go. @default process.stderr */
  stderr?: TextOutput
}

/** The context the commands take: both outputs filled in. */
export interface CommandContext extends CliContext {
  stdout: TextOutput
  stderr: TextOutput
}

/** `ctx` with the process's own streams where it names none (the same `env` object, not a copy). */
export function commandContext(ctx: CliContext): CommandContext {
  return { ...ctx, stdout: ctx.stdout ?? process.stdout, stderr: ctx.stderr ?? process.stderr }
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
