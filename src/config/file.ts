import { existsSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { deepFreeze, type PerfRegressionOptions } from './options.js'
import { checkSource, ConfigError } from './validate.js'

/** Names looked for in the project root, in this order. */
export const CONFIG_FILES = [
  'perf-regression.config.ts',
  'perf-regression.config.mts',
  'perf-regression.config.js',
  'perf-regression.config.mjs',
  'perf-regression.config.cjs',
  'perf-regression.config.json',
  'perf-regression.config.yaml',
  'perf-regression.config.yml',
]

export interface LoadedConfigFile {
  /** Absolute path of the file, when one was found. */
  file?: string
  /**
   * Its options, each checked on its own (every problem reported at once, prefixed with
   * the file name); checks across options wait for the merge with options from code. Frozen.
   */
  options: PerfRegressionOptions
}

/** Files read so far, by path, with the modification time and size they had. */
const loaded = new Map<string, { mtimeMs: number; size: number; options: PerfRegressionOptions }>()

/**
 * Loads a dependency only when a config file needs it: jiti and yaml take about
 * 200 ms to load, which every run would pay otherwise. Works in the ESM build
 * and in the CommonJS bundle (where `require` exists).
 */
function load<T>(name: string): T {
  const req = typeof require === 'function' ? require : createRequire(import.meta.url)
  return req(name) as T
}

function read(file: string): unknown {
  const ext = path.extname(file)
  if (ext === '.json') return JSON.parse(readFileSync(file, 'utf8'))
  if (ext === '.yaml' || ext === '.yml') {
    return load<typeof import('yaml')>('yaml').parse(readFileSync(file, 'utf8')) ?? {}
  }
  // TypeScript and JavaScript, ESM or CommonJS, loaded synchronously so that every entry point can use it.
  const { createJiti } = load<typeof import('jiti')>('jiti')
  const mod = createJiti(path.join(path.dirname(file), 'noop.js'), { moduleCache: false })(file) as { default?: unknown }
  return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod
}

/**
 * Finds and reads `perf-regression.config.(ts|mts|js|mjs|cjs|json|yaml|yml)` in `root`.
 * A file is read (a TypeScript or JavaScript one evaluated through jiti) once per path
 * and modification: later calls get the same frozen options while the file is unchanged.
 * @throws ConfigError when two config files exist, when one cannot be read, or when it is invalid.
 */
export function loadConfigFile(root: string): LoadedConfigFile {
  const found = CONFIG_FILES.map((name) => path.join(root, name)).filter((file) => existsSync(file))
  if (found.length === 0) return { options: {} }
  if (found.length > 1) {
    throw new ConfigError([`found ${found.map((f) => path.basename(f)).join(' and ')} in ${root}: keep one`])
  }
  const file = found[0]!
  let value: unknown
  let stamp: { mtimeMs: number; size: number }
  try {
    const { mtimeMs, size } = statSync(file)
    stamp = { mtimeMs, size }
    const known = loaded.get(file)
    if (known && known.mtimeMs === mtimeMs && known.size === size) return { file, options: known.options }
    value = read(file)
  } catch (error) {
    throw new ConfigError([`cannot read ${file}: ${(error as Error).message}`])
  }
  try {
    checkSource(value, path.basename(file))
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.problems.map((p) => `${path.basename(file)}: ${p}`))
    throw error
  }
  const options = deepFreeze(value as PerfRegressionOptions)
  loaded.set(file, { ...stamp, options })
  return { file, options }
}

const NESTED = ['thresholds', 'baselineWindow', 'measure', 'reports', 'tests', 'metrics', 'ab', 'confirm', 'notify'] as const

/** Options from the config file with options from code (plugin, reporter entry) over them, merged one level deep. */
export function mergeOptions(fromFile: PerfRegressionOptions, fromCode: PerfRegressionOptions): PerfRegressionOptions {
  const merged: Record<string, unknown> = { ...fromFile, ...fromCode }
  for (const key of NESTED) {
    const a = fromFile[key]
    const b = fromCode[key]
    if (a && b && typeof a === 'object' && typeof b === 'object') merged[key] = { ...a, ...b }
  }
  return merged as PerfRegressionOptions
}
