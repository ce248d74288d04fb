import pc from 'picocolors'
import type { VitestPluginContext } from 'vitest/node'
import type { PerfRegressionOptions } from '../config/options.js'
import { resolveConfig } from '../config/resolve.js'
import { validateOptions } from '../config/validate.js'
import PerfRegressionReporter from './reporter.js'
import { PROVIDE_KEY } from './settings.js'

const REPORTER_NAMES = new Set(['perf-regression', 'perf-regression/reporter'])

type ReporterEntry = unknown

function isOurReference(entry: ReporterEntry): boolean {
  const name = Array.isArray(entry) ? entry[0] : entry
  return typeof name === 'string' && REPORTER_NAMES.has(name)
}

const configured = new WeakSet<object>()

/** Plugin object as Vite and Vitest see it. */
export interface PerfRegressionPlugin {
  name: 'perf-regression'
  config: () => { test: { includeTaskLocation: true } }
  configureVitest: (context: VitestPluginContext) => void
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
  validateOptions(options, 'perfRegression() options')
  return {
    name: 'perf-regression',
    // Test lines, for GitHub annotations that point at the test.
    config: () => ({ test: { includeTaskLocation: true } }),
    configureVitest({ vitest, project }) {
      const config = resolveConfig({ options, env: process.env, argv: process.argv, root: vitest.config.root })
      project.provide(PROVIDE_KEY, { measure: config.measure, rawSamples: config.rawSamples, baselineMode: config.baselineMode })
      const pool = String(project.config.pool)
      if (pool !== 'forks') {
        vitest.logger.warn(
          pc.yellow(
            `perf-regression: project "${project.name || 'default'}" runs in the "${pool}" pool; per-process CPU and memory readings mix workers there. Use pool: 'forks' for benchmarks.`,
          ),
        )
      }
      if (configured.has(vitest)) return
      configured.add(vitest)
      const reporters = vitest.config.reporters as unknown as ReporterEntry[]
      let merged = false
      for (let i = 0; i < reporters.length; i++) {
        const entry = reporters[i]
        if (PerfRegressionReporter.is(entry)) {
          merged = true
        } else if (isOurReference(entry)) {
          // `--reporter=perf-regression` on the command line: one instance, with the plugin's options over the entry's.
          const entryOptions = Array.isArray(entry) && typeof entry[1] === 'object' && entry[1] !== null ? entry[1] : {}
          reporters[i] = merged ? undefined : new PerfRegressionReporter({ ...(entryOptions as PerfRegressionOptions), ...options })
          merged = true
        }
      }
      const kept = reporters.filter((r) => r !== undefined)
      reporters.length = 0
      reporters.push(...kept)
      if (!merged) reporters.push(new PerfRegressionReporter(options))
    },
  }
}
