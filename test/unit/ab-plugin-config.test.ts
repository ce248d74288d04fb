import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { AB_ENV, abSettings, type AbWorkerSettings } from '../../src/ab/settings.js'
import { sideOf } from '../../src/ab/worker.js'
import { pairedRunConfig, perfRegression } from '../../src/vitest/plugin.js'

const HEAD = path.resolve('/repo/app')
const BASE = path.resolve('/tmp/perf-regression-ab-1/base/app')
const DEFAULT_INCLUDE = '**/*.{test,spec}.?(c|m)[jt]s?(x)'

const settings = (extra: Partial<AbWorkerSettings> = {}): AbWorkerSettings => ({
  design: 'paired',
  out: '/tmp/out.json',
  base: BASE,
  head: HEAD,
  paired: { warmupTime: 20, roundTime: 5, cycles: 8 },
  ...extra,
})
const env = (s: unknown = settings()) => ({ [AB_ENV]: JSON.stringify(s) })
const inBase = (...parts: string[]) => path.join(BASE, ...parts).split(path.sep).join('/')

describe('pairedRunConfig', () => {
  test('outside an A/B run: nothing', () => {
    expect(pairedRunConfig({}, {})).toEqual({})
    expect(pairedRunConfig({ test: { include: ['x'] } }, { OTHER: '1' })).toEqual({})
  })

  test('the processes design runs each tree on its own: nothing', () => {
    expect(pairedRunConfig({}, env(settings({ design: 'processes' })))).toEqual({})
  })

  test('paired, default include: the base tree pattern is added and files share one process', () => {
    const c = pairedRunConfig({}, env())
    expect(c.include).toEqual([DEFAULT_INCLUDE, inBase(DEFAULT_INCLUDE)])
    expect(path.isAbsolute(inBase(DEFAULT_INCLUDE))).toBe(true)
    expect(c.isolate).toBe(false)
    expect(c.fileParallelism).toBe(false)
    expect(c.maxWorkers).toBe(1)
    const exclude = c.exclude as string[]
    expect(exclude).toContain('**/node_modules/**')
    expect(exclude).toContain('**/.git/**')
    expect(exclude).toContain(inBase('**/node_modules/**'))
    expect(exclude).toContain(inBase('**/.git/**'))
  })

  test("the project's own include: only the base patterns (Vite concatenates arrays)", () => {
    const c = pairedRunConfig({ test: { include: ['test/perf/**/*.bench.ts', 'src/**/*.perf.ts'] } }, env())
    expect(c.include).toEqual([inBase('test/perf/**/*.bench.ts'), inBase('src/**/*.perf.ts')])
  })

  test('absolute patterns are kept as they are', () => {
    const abs = path.resolve('/elsewhere/**/*.test.ts').split(path.sep).join('/')
    expect(pairedRunConfig({ test: { include: [abs] } }, env()).include).toEqual([abs])
  })

  test("the project's own exclude: mapped into the base, with the defaults, none for the head", () => {
    const c = pairedRunConfig({ test: { exclude: ['**/fixtures/**'] } }, env())
    expect(c.exclude).toEqual([inBase('**/fixtures/**'), inBase('**/node_modules/**'), inBase('**/.git/**')])
  })

  test('a root or test.dir inside the project: patterns follow into the base tree', () => {
    const sub = pairedRunConfig({ root: path.join(HEAD, 'packages', 'core') }, env())
    expect((sub.include as string[])[1]).toBe(inBase('packages', 'core', DEFAULT_INCLUDE))
    const dir = pairedRunConfig({ test: { dir: 'test/perf', include: ['*.test.ts'] } }, env())
    expect(dir.include).toEqual([inBase('test', 'perf', '*.test.ts')])
  })

  test('settings that are not JSON throw', () => {
    expect(() => pairedRunConfig({}, { [AB_ENV]: '{nope' })).toThrow('is not valid JSON')
  })
})

describe('the plugin config hook', () => {
  const saved = process.env[AB_ENV]
  afterEach(() => {
    if (saved === undefined) delete process.env[AB_ENV]
    else process.env[AB_ENV] = saved
  })

  test('adds the paired run config under test, next to includeTaskLocation', () => {
    process.env[AB_ENV] = JSON.stringify(settings())
    const out = perfRegression().config({ root: HEAD })
    expect(out.test.includeTaskLocation).toBe(true)
    expect(out.test.include).toEqual([DEFAULT_INCLUDE, inBase(DEFAULT_INCLUDE)])
    expect(out.test.isolate).toBe(false)
  })

  test('outside an A/B run only includeTaskLocation', () => {
    delete process.env[AB_ENV]
    expect(perfRegression().config({ root: HEAD })).toEqual({ test: { includeTaskLocation: true } })
  })
})

describe('abSettings', () => {
  test('unset or empty: not an A/B run', () => {
    expect(abSettings({})).toBeUndefined()
    expect(abSettings({ [AB_ENV]: '' })).toBeUndefined()
  })

  test('valid settings are returned', () => {
    expect(abSettings(env())).toEqual(settings())
    expect(abSettings(env(settings({ design: 'processes' })))?.design).toBe('processes')
  })

  test('not JSON', () => {
    expect(() => abSettings({ [AB_ENV]: 'paired' })).toThrow(`perf-regression: ${AB_ENV} is not valid JSON; it is set by perf-regression ab, do not set it by hand`)
  })

  test('JSON of something else', () => {
    const wrong = `perf-regression: ${AB_ENV} does not hold A/B settings; it is set by perf-regression ab, do not set it by hand`
    for (const value of [null, 1, 'x', [], { ...settings(), design: 'both' }, { ...settings(), out: 3 }, { ...settings(), base: undefined }, { ...settings(), head: null }, { ...settings(), paired: 'fast' }]) {
      expect(() => abSettings(env(value)), JSON.stringify(value)).toThrow(wrong)
    }
  })
})

describe('sideOf', () => {
  const where = { base: BASE, head: HEAD }

  test('a file of the base tree', () => {
    expect(sideOf(path.join(BASE, 'test', 'a.test.ts'), where)).toEqual({ side: 'base', rel: 'test/a.test.ts' })
  })

  test('a file of the head', () => {
    expect(sideOf(path.join(HEAD, 'test', 'a.test.ts'), where)).toEqual({ side: 'head', rel: 'test/a.test.ts' })
  })

  test('both sides of one test get the same rel', () => {
    const rel = path.join('src', 'deep', 'x.perf.test.ts')
    expect(sideOf(path.join(BASE, rel), where).rel).toBe(sideOf(path.join(HEAD, rel), where).rel)
  })

  test('a file outside both trees is the head, keyed by its path', () => {
    const other = path.resolve('/other/x.test.ts')
    expect(sideOf(other, where)).toEqual({ side: 'head', rel: other })
  })

  test('a folder next to the base whose name starts with it is not the base', () => {
    const file = path.resolve(`${BASE}-copy`, 'a.test.ts')
    expect(sideOf(file, where).side).toBe('head')
  })
})
