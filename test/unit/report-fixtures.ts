/**
 * A fixed ReportModel for renderer tests: every number, id, commit, time and
 * the environment are constants, and the verdicts come from detect() on that
 * data, so renderers can be snapshot-tested without normalisation.
 */
import type { ResolvedConfig } from '../../src/config/options.js'
import { buildRecord, type RunOutcome } from '../../src/core/run.js'
import { detect } from '../../src/detect/detect.js'
import { failingVerdicts, type TestVerdict } from '../../src/detect/verdict.js'
import { envKey } from '../../src/env/environment.js'
import { buildReportModel, type ReportModel } from '../../src/report/model.js'
import type { StoreWarning } from '../../src/store/store.js'
import { SCHEMA_VERSION, type EnvInfo, type GitInfo, type RunRecord, type RunnerInfo, type TestRef } from '../../src/types.js'
import { config, sample } from './helpers.js'

export const FIXTURE_NOW = new Date('2025-06-01T12:00:00.000Z')
export const FIXTURE_RUN_ID = '3f2a9c1e-7b4d-4e8a-9c01-5d6e7f809a1b'
export const FIXTURE_STORE = '/project/.perf/benchmarks.jsonl'
export const FIXTURE_GIT: GitInfo = { commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', branch: 'feature/faster-parser' }
export const FIXTURE_ENV: EnvInfo = {
  cpu_model: 'AMD EPYC 7763 64-Core Processor',
  cpu_count: 4,
  os: 'linux',
  arch: 'x64',
  node_version: '20.19.0',
  ci: 'github-actions',
}
export const FIXTURE_RUNNER: RunnerInfo = { name: 'vitest', version: '4.1.12', pool: 'forks' }

/** One benchmarked test: its baseline run medians (oldest first) and this run's median, in ns. */
export interface FixtureTest {
  test: TestRef
  /** Medians of the earlier baseline runs, oldest first; run i belongs to baseline run i. */
  baseline: readonly number[]
  current: number
}

const QUIET = [1.0e6, 1.01e6, 0.99e6, 1.02e6, 0.98e6, 1.0e6, 1.01e6, 0.99e6]
const scaled = (k: number) => QUIET.map((v) => v * k)
const t = (file: string, name: string, bench?: string): TestRef => ({ file, name, project: '', ...(bench ? { bench } : {}) })

/**
 * One test of each verdict kind, plus a second (moderate) regression so that
 * "worst first" ordering shows. Eight baseline runs for the judged tests, two
 * for the insufficient-data one, none for the new one.
 */
export const FIXTURE_TESTS: readonly FixtureTest[] = [
  { test: t('test/format.test.ts', 'formatNs > many values'), baseline: scaled(0.05), current: 0.08e6 }, // moderate regression
  { test: t('test/parse.test.ts', 'parser > large file', 'tokenize'), baseline: QUIET, current: 2.31e6 }, // critical regression
  { test: t('test/render.test.ts', 'render > table'), baseline: scaled(2), current: 1.2e6 }, // improvement
  { test: t('test/store.test.ts', 'store > append'), baseline: scaled(0.3), current: 0.302e6 }, // unchanged
  {
    test: t('test/io.test.ts', 'io > read file'),
    baseline: [1.0e6, 1.3e6, 0.75e6, 1.2e6, 0.85e6, 1.1e6, 0.9e6, 1.25e6],
    current: 1.3e6,
  }, // inconclusive
  { test: t('test/cache.test.ts', 'cache > warm'), baseline: [40e3, 41e3], current: 44e3 }, // insufficient-data
  { test: t('test/cli.test.ts', 'cli > --help'), baseline: [], current: 3.2e6 }, // new
]

/** Commit of baseline run i (0 = oldest): fixed, 40 hex digits. */
export function baselineCommit(i: number): string {
  return `${(0x0c1d2e3 + i * 0x111111).toString(16).padStart(7, '0')}${'f'.repeat(33)}`
}

export interface FixtureOptions {
  tests?: readonly FixtureTest[]
  /** Overrides of the default config (baselineMode, failOn, ...). */
  config?: Partial<ResolvedConfig>
  warnings?: StoreWarning[]
  git?: GitInfo
}

/** The baseline runs of `tests`, oldest first, one day apart, the newest a day before FIXTURE_NOW. */
export function fixtureHistory(tests: readonly FixtureTest[]): RunRecord[] {
  const count = Math.max(0, ...tests.map((x) => x.baseline.length))
  return Array.from({ length: count }, (_, i) => ({
    schema: SCHEMA_VERSION,
    kind: 'run',
    id: `base-${String(i + 1).padStart(2, '0')}`,
    time: new Date(FIXTURE_NOW.getTime() - (count - i) * 86_400_000).toISOString(),
    mode: 'baseline',
    git: { commit: baselineCommit(i), branch: 'main' },
    env: FIXTURE_ENV,
    results: tests
      // Every test's values end at the newest run: a test with fewer values joined the history later.
      .filter((x) => i >= count - x.baseline.length)
      .map((x) => ({
        test: x.test,
        runner: FIXTURE_RUNNER,
        env_key: envKey(FIXTURE_ENV, FIXTURE_RUNNER),
        sample: sample(x.baseline[i - (count - x.baseline.length)]!),
      })),
  }))
}

/** The outcome of the fixed run, judged with detect() against the fixed history. */
export function buildFixtureOutcome(options: FixtureOptions = {}): RunOutcome {
  const tests = options.tests ?? FIXTURE_TESTS
  const cfg = config(options.config)
  const record = buildRecord({
    samples: tests.map((x) => ({ test: x.test, runner: FIXTURE_RUNNER, sample: sample(x.current) })),
    config: cfg,
    env: FIXTURE_ENV,
    git: options.git ?? FIXTURE_GIT,
    now: FIXTURE_NOW,
    runId: FIXTURE_RUN_ID,
  })
  const history = fixtureHistory(tests)
  const verdicts = detect({ current: record.results, history, config: cfg, now: FIXTURE_NOW, runId: FIXTURE_RUN_ID })
  const failing = failingVerdicts(verdicts, cfg.baselineMode, cfg.failOn)
  return { record, verdicts, failing, warnings: options.warnings ?? [], storePath: FIXTURE_STORE, recorded: true, history, config: cfg }
}

/** The fixed ReportModel: one verdict of each kind (two regressions), ~8 history points per judged test. */
export function buildFixtureModel(options: FixtureOptions = {}): ReportModel {
  const outcome = buildFixtureOutcome(options)
  return buildReportModel(outcome, outcome.history)
}

/**
 * The fixed model with the detector's verdicts changed by `change` first (findings
 * added, verdicts left out): the failing verdicts are decided again, as a run decides them.
 */
export function buildFixtureModelWith(change: (verdicts: TestVerdict[]) => TestVerdict[], options: FixtureOptions = {}): ReportModel {
  const outcome = buildFixtureOutcome(options)
  const verdicts = change(outcome.verdicts)
  const failing = failingVerdicts(verdicts, outcome.config.baselineMode, outcome.config.failOn)
  return buildReportModel({ ...outcome, verdicts, failing }, outcome.history)
}
