import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { ConfigError } from '../config/validate.js'

/** What every command runs in: its working folder and environment. */
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
