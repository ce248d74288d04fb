import type { Reporter, TestModule, TestRunEndReason, Vitest } from 'vitest/node'
import { DEFAULTS, type PerfRegressionOptions, type ResolvedConfig } from '../config/options.js'
import { resolveConfig } from '../config/resolve.js'
import type * as Complete from '../core/complete.js'
import { colors } from '../report/color.js'
import { printable, printableLines } from '../report/printable.js'
import type { CollectedSample } from '../core/run.js'
import { abSettings } from '../ab/settings.js'
import { writeAbOutput } from '../ab/output.js'
import type { ConfirmPlan } from '../confirm/run.js'
import { confirmSettings } from '../confirm/settings.js'
import { checkSample } from '../store/record.js'
import type { PerfSample } from '../types.js'
import { relativeFile } from '../util/paths.js'
import { benchSamples } from './bench.js'
import { META_KEY } from './meta.js'

const BRAND = Symbol.for('perf-regression.vitest-reporter')

/** The parts of Vitest's `TestCase` that {@link collectSamples} reads. */
export interface FinishedTest {
  fullName: string
  meta(): object
  result(): { state: string }
  project: { name: string; config: { pool: unknown } }
  location?: { line: number } | undefined
  /** Results of Vitest 5's `bench` fixture (absent in Vitest 4). */
  benchmarks?: () => ReadonlyArray<unknown>
}

/** The parts of Vitest's `TestModule` that {@link collectSamples} reads. */
export interface FinishedModule {
  moduleId: string
  children: { allTests(): Iterable<FinishedTest> }
}

/**
 * Collects `perf()` samples and the results of Vitest 5's `bench` fixture from finished
 * tests. Samples of tests that did not pass are left out. `rawSamples` bounds the
 * per-iteration times kept from a benchmark's retained samples.
 */
export function collectSamples(
  testModules: ReadonlyArray<FinishedModule>,
  root: string,
  version: string,
  rawSamples: number = DEFAULTS.rawSamples,
): { samples: CollectedSample[]; notes: string[] } {
  const samples: CollectedSample[] = []
  const notes: string[] = []
  for (const mod of testModules) {
    const file = relativeFile(root, mod.moduleId)
    for (const testCase of mod.children.allTests()) {
      const raw = (testCase.meta() as Record<string, unknown>)[META_KEY]
      const benchmarks = testCase.benchmarks?.() ?? []
      if (raw === undefined && benchmarks.length === 0) continue
      const name = testCase.fullName
      const state = testCase.result().state
      if (state !== 'passed') {
        notes.push(`"${name}" ${state === 'failed' ? 'failed' : 'did not pass'}: its measurements are not recorded`)
        continue
      }
      const record = (sample: PerfSample, bench: string | undefined) =>
        samples.push({
          test: {
            file,
            name,
            project: testCase.project.name,
            ...(bench !== undefined ? { bench } : {}),
            ...(testCase.location ? { line: testCase.location.line } : {}),
          },
          runner: { name: 'vitest', version, pool: String(testCase.project.config.pool) },
          sample,
        })
      if (raw !== undefined && !Array.isArray(raw)) notes.push(`"${name}": unexpected task.meta.${META_KEY}; its measurements are not recorded`)
      for (const sample of Array.isArray(raw) ? (raw as unknown[]) : []) {
        const problem = checkSample(sample)
        if (problem) {
          notes.push(`"${name}": invalid measurement (${problem}); not recorded`)
          continue
        }
        const s = sample as PerfSample
        record(s, s.name)
      }
      if (benchmarks.length === 0) continue
      const read = benchSamples(benchmarks, name, rawSamples)
      for (const problem of read.problems) notes.push(`"${name}": unexpected benchmark result (${problem}); not recorded`)
      for (const why of read.skipped) notes.push(`"${name}": benchmark ${why}; not recorded`)
      for (const b of read.samples) record(b.sample, b.bench)
    }
  }
  return { samples, notes }
}

/**
 * The perf-regression reporter for Vitest: `--reporter=perf-regression`, or
 * added by the `perfRegression()` plugin. Records the run, judges it against
 * the baseline, prints the verdicts and fails the run on a regression.
 */
export default class PerfRegressionReporter implements Reporter {
  readonly [BRAND] = true
  private vitest: Vitest | undefined
  private config: ResolvedConfig | undefined
  /** What judges the run, loaded while the tests run: the main process waits for its workers then. */
  private complete: Promise<typeof Complete> | undefined

  /**
   * @param options Options of the reporter entry.
   * @param resolved The run's configuration, when the plugin resolved it already (from these options);
   * without it the reporter resolves `options` with the config file itself, once, in `onInit`.
   */
  constructor(
    private readonly options: PerfRegressionOptions = {},
    private readonly resolved?: ResolvedConfig,
  ) {}

  /** True for instances of this class, also across copies of the package. */
  static is(value: unknown): value is PerfRegressionReporter {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
    this.config =
      this.resolved ??
      resolveConfig({ options: this.options, source: 'perf-regression reporter options', env: process.env, argv: process.argv, root: vitest.config.root })
    this.complete = import('../core/complete.js')
    // Awaited at the end of the run; a run that ends early must not leave it unhandled.
    this.complete.catch(() => undefined)
  }

  async onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    _unhandledErrors: ReadonlyArray<unknown>,
    reason: TestRunEndReason,
  ): Promise<void> {
    const vitest = this.vitest
    const config = this.config
    if (!vitest || !config || reason === 'interrupted') return
    const root = vitest.config.root
    const { samples, notes } = collectSamples(testModules, root, vitest.version, config.rawSamples)
    // Started by perf-regression ab, or to re-measure suspects: hand the samples over, judge nothing.
    const handOver = abSettings() ?? confirmSettings()
    if (handOver) {
      const pool = testModules[0] ? String(testModules[0].project.config.pool) : 'forks'
      const failed = testModules.filter((m) => m.state() === 'failed').map((m) => m.moduleId)
      writeAbOutput(handOver, { name: 'vitest', version: vitest.version, pool }, root, samples, notes, failed)
      return
    }
    const log = (text: string) => vitest.logger.log(text)
    const out = colors(process.stdout, process.env)
    const err = colors(process.stderr, process.env)
    for (const note of notes) vitest.logger.warn(err.yellow(`perf-regression: ${printable(note)}`))
    if (samples.length === 0) return
    const watching = Boolean(vitest.config.watch)
    const { completeRun } = await (this.complete ?? import('../core/complete.js'))
    const done = await completeRun({
      samples,
      config,
      root,
      record: !watching,
      color: out.isColorSupported,
      establishHint: 'npx perf-regression vitest run --baseline-mode=establish',
      log,
      ...(watching ? {} : { confirm: async (plan: ConfirmPlan) => import('../confirm/run.js').then(({ runConfirmations, thisCommand }) => runConfirmations(thisCommand('vitest'), plan)) }),
    })
    if (watching) log(out.dim('  perf-regression: watch mode: runs are judged but not recorded.'))
    if (done.error) vitest.logger.error(err.red(printableLines(done.error)))
    if (done.error || done.regressions > 0) process.exitCode = 1
  }
}
