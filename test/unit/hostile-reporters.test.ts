/**
 * Hostile names and a hostile store through the reporters' whole path (judge, record,
 * print the summary, print the annotations, write the reports), under Vitest and Jest:
 * nothing printed is a workflow command, and the package's own annotations are the
 * same as with plain names.
 */
import { afterEach, beforeAll, afterAll, describe, expect, test, vi } from 'vitest'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { TestModule, Vitest } from 'vitest/node'
import type { PerfRegressionOptions } from '../../src/config/options.js'
import { completeRun } from '../../src/core/complete.js'
import { collectEnv, envKey } from '../../src/env/environment.js'
import PerfRegressionJestReporter from '../../src/jest/reporter.js'
import { SETTINGS_ENV, SPOOL_ENV, writeSpooled } from '../../src/jest/spool.js'
import { META_KEY } from '../../src/vitest/meta.js'
import PerfRegressionReporter from '../../src/vitest/reporter.js'
import type { RunnerInfo, TestRef } from '../../src/types.js'
import { config, processOutputSpy, tempDir } from './helpers.js'
import { countAnnotations, expectSafe, hostile, HOSTILE_DIR, scenarioSample, writeHostileStore, type StoreScenario } from './hostile-output.js'

type Kind = 'completeRun' | 'vitest' | 'jest'
type Printed = { out: string; err: string; lastError?: string; summary: string }

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterAll(async () => {
  await cleanup()
})

const capture = processOutputSpy()
afterEach(() => {
  capture.reset()
  vi.unstubAllEnvs()
})

const plain = (tag: string) => tag.replace(/ /g, '-')
const STORE = `.perf/${HOSTILE_DIR}/benchmarks.jsonl`

/** The tests: the first regresses (2.3×, and its custom metric 3×), the second is unchanged, the third is new. */
function scenario(kind: Kind, s: (tag: string) => string, root: string): StoreScenario & { abs: string[] } {
  const runner: RunnerInfo = kind === 'jest' ? { name: 'jest', version: 'unknown', pool: 'jest-env-node' } : { name: 'vitest', version: '4.1.12', pool: 'forks' }
  const files = [0, 1, 2].map((i) => `test/${s(`file ${i}`)}.test.ts`)
  const tests: TestRef[] = files.map((file, i) => ({
    file,
    name: kind === 'jest' ? [s(`suite ${i}`), s(`name ${i}`)].join(' > ') : s(`name ${i}`),
    project: kind === 'jest' ? '' : s('project'),
    ...(i === 0 ? { bench: s('bench') } : {}),
    line: 3,
  }))
  return { s, tests, runner, envKey: envKey(collectEnv(), runner), now: new Date(), abs: files.map((f) => path.join(root, f)) }
}

const MEDIANS = [2.3e6, 1e6, 3e6]
const METRICS = [300, 100, 100]

async function runReporter(kind: Kind, s: (tag: string) => string): Promise<Printed> {
  const root = path.join(dir, kind, s === plain ? 'plain' : 'hostile')
  const sc = scenario(kind, s, root)
  await writeHostileStore(path.join(root, STORE), sc)
  const summary = path.join(root, 'summary.md')
  vi.stubEnv('GITHUB_STEP_SUMMARY', summary)
  vi.stubEnv('GITHUB_SHA', s('sha'))
  vi.stubEnv('GITHUB_HEAD_REF', s('head ref'))
  const options = { store: STORE, github: true } satisfies PerfRegressionOptions
  const samples = sc.tests.map((test, i) => ({ test, runner: i === 2 && kind !== 'jest' ? { ...sc.runner, pool: s('pool') } : sc.runner, sample: scenarioSample(sc, MEDIANS[i]!, METRICS[i]!, test.bench) }))
  const printed: Printed = { out: '', err: '', summary: '' }
  const exitCode = process.exitCode
  capture.capture()
  try {
    if (kind === 'completeRun') {
      const logged: string[] = []
      const done = await completeRun(
        { samples, config: config(options), root, record: true, color: false, establishHint: 'npx perf-regression vitest run --baseline-mode=establish', log: (t) => logged.push(t + '\n') },
        { stdout: { write: (t: string) => capture.out.push(t) } },
      )
      expect(done.regressions).toBe(1)
      capture.err.push(...logged)
    } else if (kind === 'vitest') {
      const reporter = new PerfRegressionReporter(options)
      const logger = { log: (t: string) => capture.out.push(`${t}\n`), warn: (t: string) => capture.err.push(`${t}\n`), error: (t: string) => capture.err.push(`${t}\n`) }
      reporter.onInit({ config: { root, watch: false }, logger, version: '4.1.12' } as unknown as Vitest)
      const testCase = (i: number, state = 'passed', meta: unknown = [samples[Math.min(i, 2)]!.sample]) => ({
        fullName: i < 3 ? sc.tests[i]!.name : s(`failed ${i}`),
        meta: () => ({ [META_KEY]: meta }),
        result: () => ({ state }),
        project: { name: sc.tests[0]!.project, config: { pool: i === 2 ? s('pool') : 'forks' } },
        location: { line: 3, column: 1 },
      })
      const modules = sc.abs.map((abs, i) => ({
        moduleId: abs,
        state: () => 'passed',
        project: { config: { pool: 'forks' } },
        children: { allTests: () => [testCase(i), ...(i === 0 ? [testCase(3, 'failed'), testCase(4, 'passed', s('meta'))] : [])] },
      }))
      await reporter.onTestRunEnd(modules as unknown as TestModule[], [], 'passed')
      expect(process.exitCode).toBe(1)
    } else {
      vi.stubEnv(SPOOL_ENV, '')
      vi.stubEnv(SETTINGS_ENV, '')
      const reporter = new PerfRegressionJestReporter({ rootDir: root }, options)
      const spool = process.env[SPOOL_ENV]!
      const titles = sc.tests.map((t) => t.name.split(' > '))
      for (const [i, abs] of sc.abs.entries()) {
        writeSpooled(spool, { testPath: abs, testName: titles[i]!.join(' '), sample: samples[i]!.sample })
        reporter.onTestResult({ path: abs, context: { config: { rootDir: root } } })
      }
      writeSpooled(spool, { testPath: sc.abs[0]!, testName: s('unmatched'), sample: samples[0]!.sample })
      await reporter.onRunComplete(undefined, {
        testResults: sc.abs.map((abs, i) => ({
          testFilePath: abs,
          testResults: [{ ancestorTitles: [titles[i]![0]!], title: titles[i]![1]!, fullName: titles[i]!.join(' '), status: 'passed', location: { line: 3, column: 1 } }],
        })),
      })
      printed.lastError = reporter.getLastError()?.message
      expect(printed.lastError).toContain('1 performance regression')
    }
  } finally {
    process.exitCode = exitCode
    printed.out = capture.out.join('')
    printed.err = capture.err.join('')
    capture.reset()
  }
  printed.summary = await readFile(summary, 'utf8')
  return printed
}

describe.each<Kind>(['completeRun', 'vitest', 'jest'])('hostile names and store through %s', (kind) => {
  let hostileRun: Printed
  let plainRun: Printed
  beforeAll(async () => {
    plainRun = await runReporter(kind, plain)
    hostileRun = await runReporter(kind, hostile)
  }, 60_000)

  test('the plain run has a failing regression, a finding and annotations', () => {
    const counts = countAnnotations(plainRun.out)
    expect(counts.error).toBeGreaterThanOrEqual(2)
    expect(plainRun.err + plainRun.out).toContain('✗ regression (critical)')
    expect(plainRun.err + plainRun.out).toMatch(/metric/)
  })

  test('no printed line is a workflow command; the annotations are the same as with plain names', () => {
    expectSafe(hostileRun.out, countAnnotations(plainRun.out))
    expectSafe(hostileRun.err)
    const printed = hostileRun.err + hostileRun.out
    expect(printed).toContain('✗ regression (critical)')
    // The hostile strings were printed, made harmless.
    expect(printed).toMatch(/:∶error::(name|suite) 0/)
    expect(printed).toContain('#♯[add-mask]')
    expect(printed).toContain('warning: ')
  })

  test('Jest is handed an error whose message is printable', () => {
    if (kind !== 'jest') return expect(hostileRun.lastError).toBeUndefined()
    expectSafe(hostileRun.lastError!)
  })

  test('the job summary keeps every name escaped', () => {
    expectSafe(hostileRun.summary)
    expect(hostileRun.summary).toContain('\\#\\#\\[add-mask\\]')
  })
})
