import { rmSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { CONFIG_FILE_ENV, loadConfigFile, mergeOptions } from '../../src/config/file.js'
import { resolveConfig } from '../../src/config/resolve.js'
import { ConfigError } from '../../src/config/validate.js'
import PerfRegressionJestReporter from '../../src/jest/reporter.js'
import { SETTINGS_ENV, SPOOL_ENV } from '../../src/jest/spool.js'
import { perfRegression } from '../../src/vitest/plugin.js'
import PerfRegressionReporter from '../../src/vitest/reporter.js'
import { tempDir } from './helpers.js'

// Every resolution of a run is counted; the function itself is the real one.
vi.mock('../../src/config/resolve.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/config/resolve.js')>()
  return { ...actual, resolveConfig: vi.fn(actual.resolveConfig) }
})
const resolutions = vi.mocked(resolveConfig)

async function inDir(files: Record<string, string>, fn: (dir: string) => void | Promise<void>) {
  const { dir, cleanup } = await tempDir()
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text)
    await fn(dir)
  } finally {
    await cleanup()
  }
}

// Loading a config file hands it over through process.env by default: keep each test's to itself.
const savedHandOver = process.env[CONFIG_FILE_ENV]
afterEach(() => {
  if (savedHandOver === undefined) delete process.env[CONFIG_FILE_ENV]
  else process.env[CONFIG_FILE_ENV] = savedHandOver
})

describe('loadConfigFile', () => {
  test('no file: no options', async () => {
    await inDir({}, (dir) => expect(loadConfigFile(dir)).toEqual({ options: {} }))
  })

  test.each([
    ['perf-regression.config.json', '{ "failOn": "moderate", "thresholds": { "minor": 1.3 } }'],
    ['perf-regression.config.yaml', 'failOn: moderate\nthresholds:\n  minor: 1.3\n'],
    ['perf-regression.config.yml', 'failOn: moderate\nthresholds: { minor: 1.3 }\n'],
    ['perf-regression.config.mjs', "export default { failOn: 'moderate', thresholds: { minor: 1.3 } }\n"],
    ['perf-regression.config.cjs', "module.exports = { failOn: 'moderate', thresholds: { minor: 1.3 } }\n"],
    [
      'perf-regression.config.ts',
      "import type { PerfRegressionOptions } from 'perf-regression'\nconst minor: number = 1.3\nexport default { failOn: 'moderate', thresholds: { minor } } satisfies PerfRegressionOptions\n",
    ],
  ])('reads %s', async (name, text) => {
    await inDir({ [name]: text }, (dir) => {
      const loaded = loadConfigFile(dir)
      expect(loaded.file).toBe(path.join(dir, name))
      expect(loaded.options).toEqual({ failOn: 'moderate', thresholds: { minor: 1.3 } })
    })
  })

  test('every problem of the file at once, each naming the file', async () => {
    await inDir({ 'perf-regression.config.json': '{ "failOn": "often", "thresholds": { "minor": 0.5 }, "colour": true }' }, (dir) => {
      const error = (() => {
        try {
          loadConfigFile(dir)
        } catch (e) {
          return e
        }
      })() as ConfigError
      expect(error).toBeInstanceOf(ConfigError)
      expect(error.problems).toHaveLength(3)
      for (const p of error.problems) expect(p.startsWith('perf-regression.config.json: ')).toBe(true)
      expect(error.problems.join('\n')).toContain('thresholds.minor must be a number greater than 1 (got 0.5)')
      expect(error.problems.join('\n')).toContain('unknown option colour')
    })
  })

  test('a file is read once while unchanged, and again once it changes', async () => {
    // The file counts its own evaluations: jiti runs it in this realm.
    const counted = (failOn: string) =>
      `globalThis.__perfConfigLoads = (globalThis.__perfConfigLoads ?? 0) + 1\nexport default { failOn: '${failOn}' }\n`
    const counter = globalThis as { __perfConfigLoads?: number }
    counter.__perfConfigLoads = 0
    await inDir({ 'perf-regression.config.mjs': counted('moderate') }, async (dir) => {
      const first = loadConfigFile(dir)
      const second = loadConfigFile(dir)
      expect(counter.__perfConfigLoads).toBe(1)
      expect(second.options).toBe(first.options)
      expect(Object.isFrozen(first.options)).toBe(true)
      // A different size tells the change even within the file system's time resolution.
      await writeFile(path.join(dir, 'perf-regression.config.mjs'), counted('critical'))
      expect(loadConfigFile(dir).options).toEqual({ failOn: 'critical' })
      expect(counter.__perfConfigLoads).toBe(2)
    })
  })

  test('two config files are refused; broken syntax says which file', async () => {
    await inDir({ 'perf-regression.config.json': '{}', 'perf-regression.config.yaml': '{}' }, (dir) => {
      expect(() => loadConfigFile(dir)).toThrow(/found perf-regression\.config\.json and perf-regression\.config\.yaml .*keep one/)
    })
    await inDir({ 'perf-regression.config.json': '{ "failOn": ' }, (dir) => {
      expect(() => loadConfigFile(dir)).toThrow(/cannot read .*perf-regression\.config\.json/)
    })
  })
})

describe('the config file handed to child processes', () => {
  const counter = globalThis as { __perfConfigLoads?: number }
  const CONFIG = "globalThis.__perfConfigLoads = (globalThis.__perfConfigLoads ?? 0) + 1\nexport default { failOn: 'moderate', measure: { time: 30 } }\n"
  /** The loader as a new process has it: nothing read yet in this module instance. */
  async function freshLoader() {
    vi.resetModules()
    return (await import('../../src/config/file.js')).loadConfigFile
  }

  test('a file read once is handed over; a child with the same file takes it without evaluating it', async () => {
    await inDir({ 'perf-regression.config.mjs': CONFIG }, async (dir) => {
      counter.__perfConfigLoads = 0
      const env: Record<string, string | undefined> = {}
      const parent = loadConfigFile(dir, env)
      expect(counter.__perfConfigLoads).toBe(1)
      const entry = JSON.parse(env[CONFIG_FILE_ENV]!) as { file: string; mtimeMs: number; size: number; options: unknown }
      expect(entry).toMatchObject({ file: path.join(dir, 'perf-regression.config.mjs'), options: { failOn: 'moderate', measure: { time: 30 } } })
      expect(entry.size).toBe(CONFIG.length)
      // A child process inherits the environment, not the module's cache.
      const child = (await freshLoader())(dir, { ...env })
      expect(counter.__perfConfigLoads).toBe(1)
      expect(child.options).toEqual(parent.options)
      expect(Object.isFrozen(child.options)).toBe(true)
    })
  })

  test('a changed file, or another one, is evaluated again', async () => {
    await inDir({ 'perf-regression.config.mjs': CONFIG }, async (dir) => {
      counter.__perfConfigLoads = 0
      const env: Record<string, string | undefined> = {}
      loadConfigFile(dir, env)
      await writeFile(path.join(dir, 'perf-regression.config.mjs'), CONFIG.replace('moderate', 'critical'))
      expect((await freshLoader())(dir, { ...env }).options).toMatchObject({ failOn: 'critical' })
      expect(counter.__perfConfigLoads).toBe(2)
      const elsewhere = { [CONFIG_FILE_ENV]: JSON.stringify({ file: '/another/perf-regression.config.mjs', mtimeMs: 1, size: 1, options: { failOn: 'never' } }) }
      expect((await freshLoader())(dir, elsewhere).options).toMatchObject({ failOn: 'critical' })
      expect(counter.__perfConfigLoads).toBe(3)
    })
  })

  test('handed-over options are checked like the file\'s own', async () => {
    await inDir({ 'perf-regression.config.mjs': CONFIG }, async (dir) => {
      const env: Record<string, string | undefined> = {}
      loadConfigFile(dir, env)
      const entry = JSON.parse(env[CONFIG_FILE_ENV]!) as { options: Record<string, unknown> }
      entry.options.failOn = 'often'
      const load = await freshLoader()
      expect(() => load(dir, { [CONFIG_FILE_ENV]: JSON.stringify(entry) })).toThrow(/perf-regression\.config\.mjs: failOn must be one of/)
    })
  })

  test('a hand-over that is not one says which variable to unset', async () => {
    await inDir({ 'perf-regression.config.json': '{}' }, async (dir) => {
      expect(() => loadConfigFile(dir, { [CONFIG_FILE_ENV]: '{ broken' })).toThrow(`${CONFIG_FILE_ENV} is not valid JSON; perf-regression sets it for the processes it starts: unset it`)
      expect(() => loadConfigFile(dir, { [CONFIG_FILE_ENV]: '[1]' })).toThrow(`${CONFIG_FILE_ENV} does not hold a config file's options`)
    })
  })

  test('options too large for the environment are not handed over', async () => {
    const store = `${'a'.repeat(70_000)}.jsonl`
    await inDir({ 'perf-regression.config.json': JSON.stringify({ store }) }, (dir) => {
      const env: Record<string, string | undefined> = {}
      expect(loadConfigFile(dir, env).options).toEqual({ store })
      expect(env).not.toHaveProperty(CONFIG_FILE_ENV)
    })
  })

  test('resolveConfig hands over through the environment it is given', async () => {
    await inDir({ 'perf-regression.config.yaml': 'failOn: critical\n' }, (dir) => {
      const env: Record<string, string | undefined> = {}
      expect(resolveConfig({ root: dir, env }).failOn).toBe('critical')
      expect(JSON.parse(env[CONFIG_FILE_ENV]!)).toMatchObject({ options: { failOn: 'critical' } })
    })
  })
})

describe('mergeOptions and resolveConfig with a root', () => {
  test('options from code win, nested objects merge one level deep', () => {
    expect(
      mergeOptions(
        { failOn: 'critical', thresholds: { minor: 1.3, moderate: 1.6 }, measure: { time: 50 } },
        { failOn: 'moderate', thresholds: { minor: 1.25 } },
      ),
    ).toEqual({ failOn: 'moderate', thresholds: { minor: 1.25, moderate: 1.6 }, measure: { time: 50 } })
  })

  test('the file is read from the root; the flag still decides the mode', async () => {
    await inDir({ 'perf-regression.config.yaml': 'failOn: critical\nminSamples: 3\nbaselineMode: establish\n' }, (dir) => {
      const config = resolveConfig({ root: dir, options: { failOn: 'moderate' }, argv: ['--baseline-mode=compare'] })
      expect(config.failOn).toBe('moderate')
      expect(config.minSamples).toBe(3)
      expect(config.baselineMode).toBe('compare')
      expect(resolveConfig({ root: dir }).baselineMode).toBe('establish')
    })
  })

  test('the A/B flags of the command merge over the file\'s ab options', async () => {
    await inDir({ 'perf-regression.config.yaml': 'ab:\n  budget: 60\n  cycles: 4\n  base: origin/develop\n' }, (dir) => {
      const config = resolveConfig({ root: dir, options: { ab: { budget: 10 } } })
      expect(config.ab).toMatchObject({ budget: 10, cycles: 4, base: 'origin/develop', roundTime: 5 })
      expect(resolveConfig({ root: dir, options: { ab: {} } }).ab.budget).toBe(60)
    })
  })

  test('checks that depend on other options wait for the merge', async () => {
    // Alone, the file's minor 1.6 is above the default moderate 1.5; merged, the code's moderate 1.8 is over it.
    await inDir({ 'perf-regression.config.json': '{ "thresholds": { "minor": 1.6 }, "allowOutsideRoot": true }' }, (dir) => {
      const store = path.resolve(dir, '..', 'elsewhere.jsonl')
      const config = resolveConfig({ root: dir, options: { thresholds: { moderate: 1.8 }, store } })
      expect(config.thresholds).toEqual({ minor: 1.6, moderate: 1.8, critical: 2 })
      expect(config.store).toBe(store)
    })
  })

  test('a store outside the root is refused as merged, whichever source set it', async () => {
    await inDir({ 'perf-regression.config.json': '{ "store": "../history.jsonl" }' }, (dir) => {
      expect(() => resolveConfig({ root: dir })).toThrow(/store "\.\.\/history\.jsonl" resolves to .*, outside the project root .*allowOutsideRoot: true/)
      expect(resolveConfig({ root: dir, options: { allowOutsideRoot: true } }).store).toBe('../history.jsonl')
    })
  })

  test('options from code that are not an object are named by their source', () => {
    expect(() => resolveConfig({ options: 42 as never, source: 'perfRegression() options' })).toThrow('perfRegression() options must be an object (got 42)')
  })

  test('a merged result that breaks the band order is reported', async () => {
    await inDir({ 'perf-regression.config.json': '{ "thresholds": { "moderate": 1.3 } }' }, (dir) => {
      expect(() => resolveConfig({ root: dir, options: { thresholds: { minor: 1.4 } } })).toThrow(/increasing order/)
    })
  })
})

describe('one resolution per run', () => {
  const counter = globalThis as { __perfConfigLoads?: number }
  const CONFIG = "globalThis.__perfConfigLoads = (globalThis.__perfConfigLoads ?? 0) + 1\nexport default { failOn: 'moderate', measure: { time: 30 } }\n"
  afterEach(() => {
    resolutions.mockClear()
    counter.__perfConfigLoads = 0
  })

  /** The parts of Vitest's plugin context the plugin and the reporter use. */
  function fakeVitest(root: string, reporters: unknown[]) {
    const vitest = { config: { root, reporters, watch: false }, logger: { warn: () => {}, log: () => {}, error: () => {} }, version: '4.1.0' }
    const project = (name: string) => ({ name, config: { pool: 'forks' }, provided: undefined as unknown, provide(_key: string, value: unknown) { this.provided = value } })
    return { vitest, project }
  }

  test('Vitest: the plugin resolves once for all projects and the reporter reuses it', async () => {
    await inDir({ 'perf-regression.config.mjs': CONFIG }, (dir) => {
      counter.__perfConfigLoads = 0
      resolutions.mockClear()
      const reporters: unknown[] = [['perf-regression', { failOn: 'critical' }]]
      const { vitest, project } = fakeVitest(dir, reporters)
      const plugin = perfRegression({ rawSamples: 8 })
      const a = project('a')
      const b = project('b')
      plugin.configureVitest({ vitest, project: a } as never)
      plugin.configureVitest({ vitest, project: b } as never)
      const reporter = reporters.find((r) => PerfRegressionReporter.is(r)) as PerfRegressionReporter
      expect(reporters).toHaveLength(1)
      reporter.onInit(vitest as never)
      expect(resolutions).toHaveBeenCalledTimes(1)
      expect(counter.__perfConfigLoads).toBe(1)
      // Both projects' workers and the reporter got the same configuration: file, entry and plugin options merged.
      expect(a.provided).toEqual({ measure: expect.objectContaining({ time: 30 }), rawSamples: 8, baselineMode: 'compare' })
      expect(b.provided).toEqual(a.provided)
      expect((reporter as unknown as { config: { failOn: string; rawSamples: number } }).config).toMatchObject({ failOn: 'critical', rawSamples: 8 })
    })
  })

  test('Vitest: a reporter given by name without the plugin resolves once, in onInit', async () => {
    await inDir({ 'perf-regression.config.mjs': CONFIG }, (dir) => {
      counter.__perfConfigLoads = 0
      resolutions.mockClear()
      const reporter = new PerfRegressionReporter({ failOn: 'never' })
      expect(resolutions).toHaveBeenCalledTimes(0)
      reporter.onInit(fakeVitest(dir, []).vitest as never)
      expect(resolutions).toHaveBeenCalledTimes(1)
      expect(counter.__perfConfigLoads).toBe(1)
    })
  })

  test('Jest: the reporter resolves once, in its constructor', async () => {
    const saved = { spool: process.env[SPOOL_ENV], settings: process.env[SETTINGS_ENV] }
    await inDir({ 'perf-regression.config.mjs': CONFIG }, (dir) => {
      counter.__perfConfigLoads = 0
      resolutions.mockClear()
      try {
        const reporter = new PerfRegressionJestReporter({ rootDir: dir }, { failOn: 'critical' })
        expect(reporter.getLastError()).toBeUndefined()
        expect(resolutions).toHaveBeenCalledTimes(1)
        expect(counter.__perfConfigLoads).toBe(1)
        expect(JSON.parse(process.env[SETTINGS_ENV]!)).toMatchObject({ measure: { time: 30 } })
      } finally {
        if (process.env[SPOOL_ENV]) rmSync(process.env[SPOOL_ENV]!, { recursive: true, force: true })
        for (const [key, value] of [[SPOOL_ENV, saved.spool], [SETTINGS_ENV, saved.settings]] as const) {
          if (value === undefined) delete process.env[key]
          else process.env[key] = value
        }
      }
    })
  })
})
