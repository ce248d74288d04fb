import type { VitestPluginContext } from 'vitest/node'
import type { PerfRegressionOptions, ResolvedConfig } from '../config/options.js'
import { resolveConfig } from '../config/resolve.js'
import { colors } from '../report/color.js'
import { printable } from '../report/printable.js'
import path from 'node:path'
import { abSettings, relativeInside } from '../ab/settings.js'
import PerfRegressionReporter from './reporter.js'
import { PROVIDE_KEY } from './settings.js'

const REPORTER_NAMES = new Set(['perf-regression', 'perf-regression/reporter'])

type ReporterEntry = unknown

function isOurReference(entry: ReporterEntry): boolean {
  const name = Array.isArray(entry) ? entry[0] : entry
  return typeof name === 'string' && REPORTER_NAMES.has(name)
}

/** Options of the first `perf-regression` reporter entry (`reporters: [['perf-regression', { ... }]]`). */
function entryOptions(reporters: readonly ReporterEntry[]): PerfRegressionOptions {
  const entry = reporters.find(isOurReference)
  return Array.isArray(entry) && typeof entry[1] === 'object' && entry[1] !== null ? (entry[1] as PerfRegressionOptions) : {}
}

const configured = new WeakSet<object>()

/** Plugin object as Vite and Vitest see it. */
export interface PerfRegressionPlugin {
  name: 'perf-regression'
  config: (config: { root?: string; test?: { include?: string[]; exclude?: string[]; dir?: string } }) => { test: Record<string, unknown> }
  configureVitest: (context: VitestPluginContext) => void
  resolveId: ResolveIdHook
}

/** The part of Vite's plugin context and `resolveId` hook that A/B runs use. */
type ResolveIdHook = (
  this: { resolve: (source: string, importer?: string, options?: Record<string, unknown>) => Promise<{ id: string; external?: boolean | string } | null> },
  source: string,
  importer: string | undefined,
  options?: Record<string, unknown>,
) => Promise<{ id: string; external?: boolean | string } | null>

const within = (file: string, dir: string) => Boolean(relativeInside(dir, file))

/**
 * In a paired A/B run, an import from a base-tree file that resolves into the head's tree
 * (an alias such as '@' → path.resolve(__dirname, 'src'), resolved against the head's config)
 * is sent to the same file in the base tree, so that the base's tests run the base's code.
 * Dependencies (node_modules) are shared and stay as they are.
 */
export function baseTreeResolver(env: Record<string, string | undefined> = process.env): ResolveIdHook {
  return async function (source, importer, options) {
    const ab = abSettings(env)
    if (ab?.design !== 'paired' || !importer || !within(importer.split('?')[0]!, ab.base)) return null
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
    if (!resolved || resolved.external) return resolved
    const [file, ...query] = resolved.id.split('?')
    if (!within(file!, ab.head) || file!.split(path.sep).includes('node_modules')) return resolved
    const mapped = path.join(ab.base, path.relative(ab.head, file!))
    return { ...resolved, id: [mapped, ...query].join('?') }
  }
}

/** Vitest's default `include`. */
const DEFAULT_INCLUDE = ['**/*.{test,spec}.?(c|m)[jt]s?(x)']
/** The parts of Vitest's default `exclude` that matter for a checked-out tree. */
const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**']

/**
 * In a paired A/B run (`perf-regression ab`), the base tree's copies of the test files run
 * in the same worker process as the head's, one file after the other: the base's test
 * files are added to `include`, and files share one process without isolation.
 */
export function pairedRunConfig(config: { root?: string; test?: { include?: string[]; exclude?: string[]; dir?: string } }, env: Record<string, string | undefined> = process.env): Record<string, unknown> {
  const ab = abSettings(env)
  if (ab?.design !== 'paired') return {}
  const own = config.test?.include
  const patterns = own ?? DEFAULT_INCLUDE
  const root = path.resolve(config.root ?? ab.head)
  const dir = config.test?.dir ? path.resolve(root, config.test.dir) : root
  const relDir = path.relative(ab.head, dir)
  const inBase = (p: string) => (path.isAbsolute(p) ? p : path.join(ab.base, relDir, p)).split(path.sep).join('/')
  const base = patterns.map(inBase)
  // Vitest's exclusions are relative to the root: the base tree needs its own (its node_modules is the head's, linked).
  const exclude = [...(config.test?.exclude ?? DEFAULT_EXCLUDE), ...DEFAULT_EXCLUDE].map(inBase)
  return {
    // Vite concatenates arrays: add only the base's patterns when the project has its own.
    include: own ? base : [...DEFAULT_INCLUDE, ...base],
    exclude: config.test?.exclude ? exclude : [...DEFAULT_EXCLUDE, ...exclude],
    isolate: false,
    fileParallelism: false,
    maxWorkers: 1,
    // Which tree's copy of a test runs first (and is called again after its test ended) changes from process to process.
    sequence: { shuffle: { files: true, tests: false } },
  }
}

/**
 * Vitest plugin: adds the perf-regression reporter (so it survives `--reporter`
 * flags on the command line), hands the measurement options and baseline mode
 * to test workers, and warns when the pool makes timings unreliable.
 *
 * @example
 * // vitest.config.ts
 * export default defineConfig({ plugins: [perfRegression({ failOn: 'moderate' })] })
 */
export function perfRegression(options: PerfRegressionOptions = {}): PerfRegressionPlugin {
  return createPlugin(options, process)
}

/** What the plugin reads from the process, read when its hooks run. */
export interface PluginProcess {
  readonly env: Record<string, string | undefined>
  readonly argv: readonly string[]
}

/** {@link perfRegression}, reading the environment and the command line from `from` (the process, outside tests). */
export function createPlugin(options: PerfRegressionOptions, from: PluginProcess): PerfRegressionPlugin {
  // Resolved once per Vitest instance (configureVitest runs once per project) and handed to the reporter.
  const resolved = new WeakMap<object, ResolvedConfig>()
  return {
    name: 'perf-regression',
    // Test lines, for GitHub annotations that point at the test.
    config: (config) => ({ test: { includeTaskLocation: true, ...pairedRunConfig(config, from.env) } }),
    resolveId: baseTreeResolver(from.env),
    configureVitest({ vitest, project }) {
      const reporters = vitest.config.reporters as unknown as ReporterEntry[]
      let config = resolved.get(vitest)
      if (!config) {
        // The reporter entry's options with the plugin's over them: what the reporter below runs with.
        const withEntry = { ...entryOptions(reporters), ...options }
        config = resolveConfig({ options: withEntry, source: 'perfRegression() options', env: from.env, argv: from.argv, root: vitest.config.root })
        resolved.set(vitest, config)
      }
      project.provide(PROVIDE_KEY, { measure: config.measure, rawSamples: config.rawSamples, baselineMode: config.baselineMode })
      const pool = String(project.config.pool)
      if (pool !== 'forks') {
        vitest.logger.warn(
          colors(process.stderr, from.env).yellow(
            `perf-regression: project "${printable(project.name || 'default')}" runs in the "${printable(pool)}" pool; per-process CPU and memory readings mix workers there. Use pool: 'forks' for benchmarks.`,
          ),
        )
      }
      if (configured.has(vitest)) return
      configured.add(vitest)
      let merged = false
      for (let i = 0; i < reporters.length; i++) {
        const entry = reporters[i]
        if (PerfRegressionReporter.is(entry)) {
          // An instance made in the config: it resolves its own options.
          merged = true
        } else if (isOurReference(entry)) {
          // `--reporter=perf-regression` on the command line: one instance, with the plugin's options over the entry's.
          reporters[i] = merged ? undefined : new PerfRegressionReporter({ ...entryOptions(reporters), ...options }, config)
          merged = true
        }
      }
      const kept = reporters.filter((r) => r !== undefined)
      reporters.length = 0
      reporters.push(...kept)
      if (!merged) reporters.push(new PerfRegressionReporter(options, config))
    },
  }
}
