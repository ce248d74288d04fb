/**
 * The Vitest plugin driven with small fakes of the Vitest instance and its projects (only the
 * parts the plugin touches), and with the environment and command line handed in.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import path from 'node:path'
import type { VitestPluginContext } from 'vitest/node'
import { AB_ENV, type AbWorkerSettings } from '../../src/ab/settings.js'
import { ConfigError } from '../../src/config/validate.js'
import { createPlugin, type PluginProcess } from '../../src/vitest/plugin.js'
import PerfRegressionReporter from '../../src/vitest/reporter.js'
import { PROVIDE_KEY, type WorkerSettings } from '../../src/vitest/settings.js'
import type { PerfRegressionOptions } from '../../src/config/options.js'
import { readsAsCommand, runnerLines } from './commands.js'
import { tempDir } from './helpers.js'

/** The parts of a Vitest project the plugin uses, recording what it was given. */
interface FakeProject {
  name: string
  config: { pool: string }
  provided: Map<string, WorkerSettings>
  provide(key: string, value: WorkerSettings): void
}

/** The parts of the Vitest instance the plugin uses, recording what it warned. */
interface FakeVitest {
  config: { root: string; reporters: unknown[] }
  logger: { warn(message: string): void }
  warnings: string[]
}

const fakeProject = (name: string, pool = 'forks'): FakeProject => ({
  name,
  config: { pool },
  provided: new Map(),
  provide(key, value) {
    this.provided.set(key, value)
  },
})

const fakeVitest = (root: string, reporters: unknown[] = []): FakeVitest => {
  const warnings: string[] = []
  return { config: { root, reporters }, logger: { warn: (message) => warnings.push(message) }, warnings }
}

/** Vitest's context type, for the fakes above: the plugin reads nothing else of it. */
const context = (vitest: FakeVitest, project: FakeProject) => ({ vitest, project }) as unknown as VitestPluginContext

const PLAIN: PluginProcess = { env: { NO_COLOR: '1' }, argv: ['node', 'vitest', 'run'] }

let root: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir: root, cleanup } = await tempDir())
})
afterEach(async () => {
  await cleanup()
})

/** Configures one Vitest instance with `projects` through a plugin made with `options`. */
function configure(reporters: unknown[], options: PerfRegressionOptions = {}, from: PluginProcess = PLAIN, projects = [fakeProject('')]) {
  const plugin = createPlugin(options, from)
  const vitest = fakeVitest(root, reporters)
  for (const project of projects) plugin.configureVitest(context(vitest, project))
  const ours = vitest.config.reporters.filter((r) => PerfRegressionReporter.is(r))
  return { vitest, reporters: vitest.config.reporters, ours, projects }
}

describe('the reporter the plugin adds', () => {
  test('with no reporter of ours configured, one instance is added after the others', () => {
    const { reporters, ours } = configure(['default'])
    expect(ours).toHaveLength(1)
    expect(reporters).toEqual(['default', ours[0]])
    expect(ours[0]).toBeInstanceOf(PerfRegressionReporter)
  })

  test.each<[string, unknown[]]>([
    ['by name', ['default', 'perf-regression', 'json']],
    ['by its subpath', ['default', 'perf-regression/reporter', 'json']],
    ['with options', ['default', ['perf-regression', { failOn: 'critical' }], 'json']],
    ['twice', ['default', 'perf-regression', 'json', ['perf-regression', {}]]],
  ])('a reporter listed %s is replaced by one instance in its place', (_, listed) => {
    const { reporters, ours } = configure(listed)
    expect(ours).toHaveLength(1)
    expect(reporters).toEqual(['default', ours[0], 'json'])
  })

  test('an instance made in the config is kept as it is, not added again', () => {
    const own = new PerfRegressionReporter({ failOn: 'never' })
    const { reporters } = configure(['default', own])
    expect(reporters).toEqual(['default', own])
  })

  test('an instance from another copy of the package is recognised by its brand', () => {
    const copy = { [Symbol.for('perf-regression.vitest-reporter')]: true, onInit() {} }
    expect(PerfRegressionReporter.is(copy)).toBe(true)
    const { reporters } = configure([copy, 'perf-regression'])
    // The name that follows it is dropped: one reporter of ours in all.
    expect(reporters).toEqual([copy])
  })

  test('other objects are not taken for ours', () => {
    expect(PerfRegressionReporter.is({ onInit() {} })).toBe(false)
    expect(PerfRegressionReporter.is({ [Symbol.for('perf-regression.vitest-reporter')]: 'yes' })).toBe(false)
    expect(PerfRegressionReporter.is(null)).toBe(false)
    expect(PerfRegressionReporter.is('perf-regression')).toBe(false)
  })

  test('with several projects, the reporter is added once', () => {
    const { ours } = configure([], {}, PLAIN, [fakeProject('a'), fakeProject('b'), fakeProject('c')])
    expect(ours).toHaveLength(1)
  })
})

describe('what the workers are handed', () => {
  test('every project gets the same measurement settings, raw-sample limit and baseline mode', () => {
    const { projects } = configure([], { measure: { time: 40 }, rawSamples: 16 }, PLAIN, [fakeProject('a'), fakeProject('b')])
    const [a, b] = projects.map((p) => p.provided.get(PROVIDE_KEY))
    expect(a).toEqual({ measure: expect.objectContaining({ time: 40 }), rawSamples: 16, baselineMode: 'compare' })
    expect(b).toEqual(a)
    expect([...projects[0]!.provided.keys()]).toEqual([PROVIDE_KEY])
  })

  test("the reporter entry's options are used, the plugin's over them", () => {
    const { projects } = configure([['perf-regression', { measure: { time: 30 }, rawSamples: 4 }]], { rawSamples: 8 })
    expect(projects[0]!.provided.get(PROVIDE_KEY)).toMatchObject({ measure: { time: 30 }, rawSamples: 8 })
  })

  test.each<[string, PluginProcess]>([
    ['the environment', { env: { PERF_BASELINE_MODE: 'establish' }, argv: [] }],
    ['the command line', { env: {}, argv: ['node', 'vitest', 'run', '--baseline-mode=establish'] }],
  ])('the baseline mode comes from %s', (_, from) => {
    const { projects } = configure([], { baselineMode: 'compare' }, from)
    expect(projects[0]!.provided.get(PROVIDE_KEY)?.baselineMode).toBe('establish')
  })

  test('bad options stop the run with a ConfigError that names them', () => {
    const error = (() => {
      try {
        configure([], { rawSamples: -1 })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toContain('rawSamples')
  })
})

describe('the pool warning', () => {
  test('a project outside the forks pool is warned about, by name; forks is not', () => {
    const { vitest } = configure([], {}, PLAIN, [fakeProject('browser', 'threads'), fakeProject('node', 'forks'), fakeProject('', 'vmThreads')])
    expect(vitest.warnings).toEqual([
      `perf-regression: project "browser" runs in the "threads" pool; per-process CPU and memory readings mix workers there. Use pool: 'forks' for benchmarks.`,
      `perf-regression: project "default" runs in the "vmThreads" pool; per-process CPU and memory readings mix workers there. Use pool: 'forks' for benchmarks.`,
    ])
  })

  test('a project name cannot put a workflow command or a control character in the warning', () => {
    const { vitest } = configure([], {}, PLAIN, [fakeProject('x\n::error::injected\u001b[2J', 'threads')])
    expect(vitest.warnings).toHaveLength(1)
    expect(vitest.warnings[0]).not.toMatch(/[\n\u001b]/)
    expect(runnerLines(vitest.warnings[0]!).some(readsAsCommand)).toBe(false)
    expect(vitest.warnings[0]).toContain('injected')
  })
})

describe('the config hook', () => {
  const HEAD = path.resolve('/repo/app')
  const BASE = path.resolve('/tmp/perf-regression-ab-1/base/app')
  const ab = (design: AbWorkerSettings['design']): PluginProcess => ({
    env: { [AB_ENV]: JSON.stringify({ design, out: '/tmp/out.json', base: BASE, head: HEAD, paired: { warmupTime: 20, roundTime: 5, cycles: 8 } } satisfies AbWorkerSettings) },
    argv: [],
  })

  test('outside an A/B run: test locations only', () => {
    expect(createPlugin({}, PLAIN).config({ root: HEAD })).toEqual({ test: { includeTaskLocation: true } })
  })

  test("a paired A/B run adds the base tree's test files and runs every file in one shared process", () => {
    const { test: t } = createPlugin({}, ab('paired')).config({ root: HEAD, test: { include: ['test/**/*.test.ts'] } })
    expect(t.includeTaskLocation).toBe(true)
    expect(t.include).toEqual([path.join(BASE, 'test/**/*.test.ts').split(path.sep).join('/')])
    expect(t).toMatchObject({ isolate: false, fileParallelism: false, maxWorkers: 1 })
  })

  test('an A/B run of separate processes changes nothing but the locations', () => {
    expect(createPlugin({}, ab('processes')).config({ root: HEAD })).toEqual({ test: { includeTaskLocation: true } })
  })
})
