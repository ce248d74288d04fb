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
 * The evaluated config file, handed to the processes a run starts (re-measuring suspects,
 * A/B runs) as JSON `{ file, mtimeMs, size, options }`: a child whose config file is the
 * same path, modification time and size takes these options instead of evaluating the
 * file again (jiti costs 30–60 ms a process with its transpile cache, about 300 ms without).
 */
export const CONFIG_FILE_ENV = 'PERF_REGRESSION_CONFIG_FILE'
/** Longest hand-over put in the environment (a variable may hold 128 KiB on Linux). */
const HANDOVER_MAX_CHARS = 64 * 1024

type Stamp = { mtimeMs: number; size: number }

/** Whether JSON carries `value` unchanged: strings, finite numbers, booleans, null, arrays and plain objects of them. */
function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 32) return false
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (Array.isArray(value)) return value.every((v) => isPlainJson(v, depth + 1))
  if (typeof value !== 'object') return false
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  return Object.values(value).every((v) => isPlainJson(v, depth + 1))
}

/** The options handed over for `file` as it is now (`stamp`), if the environment has them. */
function handedOver(env: Record<string, string | undefined>, file: string, stamp: Stamp): { options: unknown } | undefined {
  const raw = env[CONFIG_FILE_ENV]
  if (raw === undefined || raw === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new ConfigError([`${CONFIG_FILE_ENV} is not valid JSON; perf-regression sets it for the processes it starts: unset it`])
  }
  const entry = value as Partial<{ file: unknown; mtimeMs: unknown; size: unknown; options: unknown }> | null
  if (typeof entry !== 'object' || entry === null || typeof entry.file !== 'string' || !('options' in entry)) {
    throw new ConfigError([`${CONFIG_FILE_ENV} does not hold a config file's options; perf-regression sets it for the processes it starts: unset it`])
  }
  // Another file (the base tree of an A/B run), or this one since changed: read it.
  if (entry.file !== file || entry.mtimeMs !== stamp.mtimeMs || entry.size !== stamp.size) return undefined
  return { options: entry.options }
}

/** Puts the options read from `file` into `env` for child processes, when JSON carries them whole and they are small. */
function handOver(env: Record<string, string | undefined>, file: string, stamp: Stamp, options: unknown): void {
  if (!isPlainJson(options)) return
  const text = JSON.stringify({ file, mtimeMs: stamp.mtimeMs, size: stamp.size, options })
  if (text.length <= HANDOVER_MAX_CHARS) env[CONFIG_FILE_ENV] = text
}

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
  // jiti keeps its transpiled output on disk (its fsCache, on unless JITI_FS_CACHE=false, in
  // node_modules/.cache/jiti): only the first process to read a version of the file transpiles it.
  const { createJiti } = load<typeof import('jiti')>('jiti')
  const mod = createJiti(path.join(path.dirname(file), 'noop.js'), { moduleCache: false })(file) as { default?: unknown }
  return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod
}

/**
 * Finds and reads `perf-regression.config.(ts|mts|js|mjs|cjs|json|yaml|yml)` in `root`.
 * A file is read (a TypeScript or JavaScript one evaluated through jiti) once per path
 * and modification: later calls get the same frozen options while the file is unchanged.
 * What was read is handed to child processes through `env` ({@link CONFIG_FILE_ENV}),
 * and taken from there when it is the same file, unchanged.
 * @throws ConfigError when two config files exist, when one cannot be read, or when it is invalid.
 */
export function loadConfigFile(root: string, env: Record<string, string | undefined> = process.env): LoadedConfigFile {
  const found = CONFIG_FILES.map((name) => path.join(root, name)).filter((file) => existsSync(file))
  if (found.length === 0) return { options: {} }
  if (found.length > 1) {
    throw new ConfigError([`found ${found.map((f) => path.basename(f)).join(' and ')} in ${root}: keep one`])
  }
  const file = found[0]!
  let value: unknown
  let stamp: Stamp
  try {
    const { mtimeMs, size } = statSync(file)
    stamp = { mtimeMs, size }
  } catch (error) {
    throw new ConfigError([`cannot read ${file}: ${(error as Error).message}`])
  }
  const known = loaded.get(file)
  if (known && known.mtimeMs === stamp.mtimeMs && known.size === stamp.size) return { file, options: known.options }
  const fromParent = handedOver(env, file, stamp)
  if (fromParent) {
    value = fromParent.options
  } else {
    try {
      value = read(file)
    } catch (error) {
      throw new ConfigError([`cannot read ${file}: ${(error as Error).message}`])
    }
  }
  try {
    checkSource(value, path.basename(file))
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.problems.map((p) => `${path.basename(file)}: ${p}`))
    throw error
  }
  if (!fromParent) handOver(env, file, stamp, value)
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
