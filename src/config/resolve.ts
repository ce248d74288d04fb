import type { BaselineMode } from '../types.js'
import { isRecord, show } from './checks.js'
import { deepFreeze, type PerfRegressionOptions, type ResolvedConfig } from './options.js'
import { BASELINE_MODES, ConfigError, validateOptions } from './validate.js'
import { loadConfigFile, mergeOptions } from './file.js'

export { globToRegExp } from '../detect/bands.js'

export const BASELINE_MODE_ENV = 'PERF_BASELINE_MODE'
const FLAG = '--baseline-mode'

/**
 * Finds `--baseline-mode=<mode>` or `--baseline-mode <mode>` in an argument list.
 * Returns the raw value (validated by the caller) and the arguments without the flag.
 */
export function extractBaselineModeFlag(argv: readonly string[]): { value?: string; rest: string[] } {
  const rest: string[] = []
  let value: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === FLAG) {
      const next = argv[i + 1]
      if (next === undefined || next.startsWith('-')) {
        throw new ConfigError([`${FLAG} needs a value: one of ${BASELINE_MODES.map((m) => `"${m}"`).join(', ')}`])
      }
      value = next
      i++
    } else if (arg.startsWith(`${FLAG}=`)) {
      value = arg.slice(FLAG.length + 1)
    } else {
      rest.push(arg)
    }
  }
  return value === undefined ? { rest } : { value, rest }
}

export interface ConfigSources {
  /** Options from code: the plugin, the reporter entry, command-line flags. They win over the config file's. */
  options?: PerfRegressionOptions | undefined
  /** What to call `options` in messages. @default 'options' */
  source?: string
  /** Process environment (`PERF_BASELINE_MODE`; the config file handed over to child processes, see `loadConfigFile`). */
  env?: Record<string, string | undefined>
  /** Command-line arguments (`--baseline-mode=...`, also after `--`). */
  argv?: readonly string[]
  /**
   * Project root: when given, `perf-regression.config.*` there is read (`options` win over it),
   * and path options must stay inside it unless `allowOutsideRoot` is set.
   */
  root?: string
}

/**
 * Resolves the configuration of a run: the config file (when `root` is given) with the
 * options from code over it, validated once as merged. Precedence of the baseline mode:
 * command-line flag, then `PERF_BASELINE_MODE`, then options, then `compare`.
 * Every entry point calls it once per run and hands the result on.
 * @throws ConfigError listing every problem found.
 */
export function resolveConfig(sources: ConfigSources): ResolvedConfig {
  const problems: string[] = []
  const flag = extractBaselineModeFlag(sources.argv ?? []).value
  const envMode = sources.env?.[BASELINE_MODE_ENV]
  const pick = (value: string | undefined, where: string): BaselineMode | undefined => {
    // An empty environment variable counts as unset; an empty flag is a mistake.
    if (value === undefined || (value === '' && where === BASELINE_MODE_ENV)) return undefined
    if ((BASELINE_MODES as readonly string[]).includes(value)) return value as BaselineMode
    problems.push(`${where} must be one of ${BASELINE_MODES.map((m) => `"${m}"`).join(', ')} (got ${show(value)})`)
    return undefined
  }
  const fromFlag = pick(flag, FLAG)
  const fromEnv = pick(envMode, BASELINE_MODE_ENV)
  const fromCode: unknown = sources.options ?? {}
  let config: ResolvedConfig | undefined
  if (!isRecord(fromCode)) {
    problems.push(`${sources.source ?? 'options'} must be an object (got ${show(fromCode)})`)
  } else {
    try {
      const fromFile = sources.root === undefined ? {} : loadConfigFile(sources.root, sources.env).options
      config = validateOptions(mergeOptions(fromFile, fromCode), sources.source ?? 'options', sources.root)
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      problems.push(...error.problems)
    }
  }
  if (problems.length > 0 || !config) throw new ConfigError(problems)
  const mode = fromFlag ?? fromEnv
  return mode ? deepFreeze({ ...config, baselineMode: mode }) : config
}
