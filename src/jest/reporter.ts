import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import type { PerfRegressionOptions, ResolvedConfig } from '../config/options.js'
import { resolveConfig } from '../config/resolve.js'
import { completeRun } from '../core/complete.js'
import { colors } from '../report/color.js'
import { printable, printableLines } from '../report/printable.js'
import type { CollectedSample } from '../core/run.js'
import { abSettings } from '../ab/settings.js'
import { writeAbOutput } from '../ab/output.js'
import { runConfirmations, thisCommand, type ConfirmPlan } from '../confirm/run.js'
import { confirmSettings } from '../confirm/settings.js'
import { readSpool, SETTINGS_ENV, SPOOL_ENV, type SpooledSample } from './spool.js'
import { relativeFile } from '../util/paths.js'

/** The parts of Jest's reporter API this reporter uses (Jest 30). */
interface GlobalConfig {
  rootDir: string
  watch?: boolean
  watchAll?: boolean
}
interface AssertionResult {
  ancestorTitles: string[]
  title: string
  fullName: string
  status: string
  /** Present with `testLocationInResults: true`. */
  location?: { line: number; column: number } | null
}
interface TestFileResult {
  testFilePath: string
  numFailingTests?: number
  testExecError?: unknown
  testResults: AssertionResult[]
  displayName?: { name: string } | undefined
}
interface TestContext {
  config: { rootDir: string; testEnvironment?: string; displayName?: { name: string } | undefined }
}
interface AggregatedResult {
  testResults: TestFileResult[]
}

function jestVersion(rootDir: string): string {
  for (const name of ['jest/package.json', 'jest-cli/package.json', '@jest/core/package.json']) {
    try {
      const file = createRequire(path.join(rootDir, 'package.json')).resolve(name)
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
    } catch {
      // Try the next package: which of them is installed depends on how Jest was installed.
    }
  }
  return 'unknown'
}

/** Short name of a Jest test environment from its resolved path: `jest-env-node`, `jest-env-jsdom`, or the file name. */
export function environmentName(resolved: string | undefined): string {
  if (!resolved) return 'jest-env-node'
  const pkg = /jest-environment-([\w.-]+)/.exec(resolved)
  if (pkg) return `jest-env-${pkg[1]}`
  return `jest-env-${path.basename(resolved).replace(/\.[cm]?[jt]s$/, '')}`
}

/** Matches spooled samples to Jest's results: file, full name with ` > `, pass/fail. */
export function attribute(
  spooled: readonly SpooledSample[],
  results: readonly TestFileResult[],
  environments: ReadonlyMap<string, string>,
  rootDir: string,
  version: string,
): { samples: CollectedSample[]; notes: string[] } {
  const samples: CollectedSample[] = []
  const notes: string[] = []
  const byFile = new Map(results.map((r) => [r.testFilePath, r]))
  for (const s of spooled) {
    const label = `"${s.testName}"${s.sample.name ? ` [${s.sample.name}]` : ''}`
    if (s.concurrent) {
      notes.push(`${label} ran at the same time as another perf() (test.concurrent?): its measurement cannot be attributed safely and is skipped`)
      continue
    }
    const file = byFile.get(s.testPath)
    const matches = file?.testResults.filter((a) => a.fullName === s.testName) ?? []
    if (matches.length !== 1) {
      notes.push(`${label}: ${matches.length === 0 ? 'no such test in the results' : 'several tests have this name'}; its measurement is skipped`)
      continue
    }
    const assertion = matches[0]!
    if (assertion.status !== 'passed') {
      notes.push(`${label} did not pass: its measurements are not recorded`)
      continue
    }
    samples.push({
      test: {
        file: relativeFile(rootDir, s.testPath),
        name: [...assertion.ancestorTitles, assertion.title].join(' > '),
        project: file?.displayName?.name ?? '',
        ...(s.sample.name !== undefined ? { bench: s.sample.name } : {}),
        ...(assertion.location ? { line: assertion.location.line } : {}),
      },
      runner: { name: 'jest', version, pool: environments.get(s.testPath) ?? 'node' },
      sample: s.sample,
    })
  }
  return { samples, notes }
}

/**
 * The perf-regression reporter for Jest: `reporters: ['default', 'perf-regression']`
 * or `--reporters=default --reporters=perf-regression`.
 */
export default class PerfRegressionJestReporter {
  private readonly config: ResolvedConfig
  private readonly spool: string
  private readonly environments = new Map<string, string>()
  private lastError: Error | undefined

  constructor(
    private readonly globalConfig: GlobalConfig,
    options: PerfRegressionOptions = {},
  ) {
    // Validated like the Vitest plugin's options; a ConfigError stops Jest before any test runs.
    this.config = resolveConfig({ options, source: 'perf-regression reporter options', env: process.env, argv: process.argv, root: globalConfig.rootDir })
    this.spool = mkdtempSync(path.join(os.tmpdir(), 'perf-regression-jest-'))
    // Workers are started after reporters, and inherit these.
    process.env[SPOOL_ENV] = this.spool
    process.env[SETTINGS_ENV] = JSON.stringify({ measure: this.config.measure, rawSamples: this.config.rawSamples })
  }

  onTestResult(test: { path: string; context: TestContext }): void {
    this.environments.set(test.path, environmentName(test.context.config.testEnvironment))
  }

  async onRunComplete(_contexts: unknown, results: AggregatedResult): Promise<void> {
    const notes: string[] = []
    const spooled = readSpool(this.spool, (m) => notes.push(m))
    rmSync(this.spool, { recursive: true, force: true })
    const rootDir = this.globalConfig.rootDir
    const attributed = attribute(spooled, results.testResults, this.environments, rootDir, jestVersion(rootDir))
    notes.push(...attributed.notes)
    // Started by perf-regression ab, or to re-measure suspects: hand the samples over, judge nothing.
    const handOver = abSettings() ?? confirmSettings()
    if (handOver) {
      writeAbOutput(handOver, { name: 'jest', version: jestVersion(rootDir), pool: attributed.samples[0]?.runner.pool ?? 'jest-env-node' }, rootDir, attributed.samples, notes, results.testResults.filter((r) => (r.numFailingTests ?? 0) > 0 || r.testExecError != null).map((r) => r.testFilePath))
      return
    }
    const c = colors(process.stderr, process.env)
    for (const note of notes) process.stderr.write(c.yellow(`perf-regression: ${printable(note)}`) + '\n')
    if (attributed.samples.length === 0) return
    const watching = Boolean(this.globalConfig.watch || this.globalConfig.watchAll)
    const done = await completeRun({
      samples: attributed.samples,
      config: this.config,
      root: rootDir,
      record: !watching,
      color: c.isColorSupported,
      establishHint: 'npx jest --baseline-mode=establish',
      log: (text) => process.stderr.write(text + '\n'),
      ...(watching ? {} : { confirm: (plan: ConfirmPlan) => runConfirmations(thisCommand('jest'), plan) }),
    })
    const error = done.error === undefined ? undefined : printableLines(done.error)
    if (error !== undefined) process.stderr.write(c.red(error) + '\n')
    this.lastError =
      error !== undefined
        ? new Error(error)
        : done.regressions > 0
          ? new Error(`perf-regression: ${done.regressions} performance regression(s) at or above "${this.config.failOn}"`)
          : undefined
  }

  /** Jest fails the run when this returns an error. */
  getLastError(): Error | undefined {
    return this.lastError
  }
}
