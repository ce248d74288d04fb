import { readdirSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { checkMetrics, checkPerfCall, MAX_METRIC_NAME, MetricsError } from '../../src/config/perf-call.js'
import { ConfigError } from '../../src/config/validate.js'
import { measure, type Probes } from '../../src/measure/measure.js'
import { createPerf, type PerfTask } from '../../src/vitest/fixture.js'
import { META_KEY } from '../../src/vitest/meta.js'
import type { WorkerSettings } from '../../src/vitest/settings.js'
import { perf as jestPerf } from '../../src/jest/perf.js'
import { readSpool, SETTINGS_ENV, SPOOL_ENV } from '../../src/jest/spool.js'
import type { PerfSample } from '../../src/types.js'
import { tempDir } from './helpers.js'

/** The message of what `fn` throws. */
function problemOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(MetricsError)
    return (error as Error).message
  }
  throw new Error('expected a MetricsError')
}

describe('checkMetrics', () => {
  test('a number is a value, lower is better, without a unit', () => {
    expect(checkMetrics({ 'cache hits': 42, negative: -1.5 })).toEqual({
      'cache hits': { value: 42, better: 'lower', unit: '' },
      negative: { value: -1.5, better: 'lower', unit: '' },
    })
  })

  test('an object gives its value, direction, unit and absolute; defaults fill the rest', () => {
    expect(
      checkMetrics({
        'bytes out': { value: 1234, unit: 'B', better: 'lower' },
        'requests/s': { value: 900, better: 'higher' },
        'error rate': { value: 0, unit: '%', absolute: true },
      }),
    ).toEqual({
      'bytes out': { value: 1234, better: 'lower', unit: 'B' },
      'requests/s': { value: 900, better: 'higher', unit: '' },
      'error rate': { value: 0, better: 'lower', unit: '%', absolute: true },
    })
  })

  test('an empty object records nothing; names like "__proto__" are kept as data', () => {
    expect(checkMetrics({})).toEqual({})
    const odd = checkMetrics(JSON.parse('{"__proto__": 3}'))
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype)
    expect(Object.keys(odd)).toEqual(['__proto__'])
  })

  test.each<[string, unknown, string]>([
    ['undefined', undefined, "record must return an object of metrics like { 'bytes out': 1234 } or { 'bytes out': { value: 1234, unit: 'B', better: 'lower' } } (got undefined)"],
    ['null', null, 'record must return an object of metrics like'],
    ['an array', [1, 2], '(got [1,2])'],
    ['a number', 5, '(got 5)'],
    ['an empty name', { '': 1 }, `metric names must not be empty or blank (got ""): name it, like 'bytes out'`],
    ['a blank name', { '  ': 1 }, 'metric names must not be empty or blank (got "  ")'],
    ['a long name', { ['x'.repeat(MAX_METRIC_NAME + 1)]: 1 }, `names must be at most 200 characters (got 201): shorten it`],
    ['NaN', { size: Number.NaN }, 'metric "size" must be a finite number (got NaN): record only values that were measured'],
    ['Infinity', { size: Infinity }, 'metric "size" must be a finite number (got Infinity)'],
    ['a string', { size: '12' }, 'metric "size" must be a number or { value, better?, unit?, absolute? } (got "12")'],
    ['no value', { size: { unit: 'B' } }, 'metric "size".value must be a finite number (got undefined)'],
    ['a string value', { size: { value: '12' } }, 'metric "size".value must be a finite number (got "12")'],
    ['a bad direction', { size: { value: 1, better: 'smaller' } }, 'metric "size".better must be "lower" or "higher" (got "smaller")'],
    ['a unit that is not a string', { size: { value: 1, unit: 8 } }, `metric "size".unit must be a string like 'B' or 'ms' (got 8)`],
    ['absolute not a boolean', { size: { value: 1, absolute: 'yes' } }, 'metric "size".absolute must be true or false (got "yes")'],
    ['an unknown key', { size: { value: 1, units: 'B' } }, 'metric "size" has unknown keys "units" (allowed: value, better, unit, absolute)'],
    ['a built-in name', { cpu: 5 }, 'metric "cpu": "wall", "p75", "p99", "cpu", "thread_cpu", "heap", "rss", "leak", "memory" name built-in metrics: call it something else, like "cpu (custom)"'],
    ['a control character', { 'a\nb': 5 }, 'names must not contain control characters (line breaks, tabs, escapes)'],
  ])('rejects %s, saying what is wrong', (_label, value, message) => {
    const text = problemOf(() => checkMetrics(value))
    expect(text).toContain('perf(): record returned invalid metrics')
    expect(text).toContain(message)
  })

  test('a name of 200 characters is fine, counted in characters, not UTF-16 units', () => {
    expect(Object.keys(checkMetrics({ ['x'.repeat(MAX_METRIC_NAME)]: 1 }))).toHaveLength(1)
    expect(Object.keys(checkMetrics({ ['🚀'.repeat(MAX_METRIC_NAME)]: 1 }))).toHaveLength(1)
  })

  test('every problem is listed at once', () => {
    try {
      checkMetrics({ a: Number.NaN, b: { value: 1, better: 'up' }, ok: 3 })
      throw new Error('expected a MetricsError')
    } catch (error) {
      expect((error as MetricsError).problems).toEqual([
        'metric "a" must be a finite number (got NaN): record only values that were measured',
        'metric "b".better must be "lower" or "higher" (got "up")',
      ])
      expect((error as Error).message).toBe(
        'perf(): record returned invalid metrics:\n  - metric "a" must be a finite number (got NaN): record only values that were measured\n  - metric "b".better must be "lower" or "higher" (got "up")',
      )
    }
  })
})

describe('checkPerfCall: record', () => {
  test('must be a function', () => {
    expect(() => checkPerfCall(() => 1, { record: 'size' as never })).toThrow(ConfigError)
    expect(() => checkPerfCall(() => 1, { record: { size: 1 } as never })).toThrow(
      `perf() record must be a function like (result) => ({ 'bytes out': result.length }) (got {"size":1})`,
    )
  })

  test('is an allowed option, and wraps the function with the check of what it returns', async () => {
    const { overrides, record } = checkPerfCall(() => 1, { time: 5, record: (r: number) => ({ twice: r * 2 }) })
    expect(overrides).toEqual({ time: 5 })
    expect(await record!(21)).toEqual({ twice: { value: 42, better: 'lower', unit: '' } })
    await expect(record!(Number.NaN)).rejects.toThrow(MetricsError)
    expect(checkPerfCall(() => 1, {}).record).toBeUndefined()
  })

  test('an async record is awaited', async () => {
    const { record } = checkPerfCall(() => 1, { record: async () => ({ size: 3 }) })
    expect(await record!('x')).toEqual({ size: { value: 3, better: 'lower', unit: '' } })
  })
})

/** Fake clock and readings: only the benchmarked function advances the clock. */
function fakeDeps() {
  const state = { t: 0, calls: 0, processStats: 0 }
  const probes: Probes = {
    now: () => state.t,
    cpuUsage: () => ({ user: 0, system: 0 }),
    memoryUsage: () => ({ heapUsed: 0, rss: 0 }),
    processStats: async () => {
      state.processStats++
      return { cpu: 0, memory: 0 }
    },
    gc: () => {},
  }
  const fn = () => {
    state.t += 1
    return `call ${++state.calls}`
  }
  return { state, fn, deps: { probes } }
}

const measureOptions = { time: 20, iterations: 5, warmupTime: 0, warmupIterations: 0, metrics: ['cpu' as const], rawSamples: 4 }

describe('measure with record', () => {
  test('record gets the first call\'s result; its metrics land on the sample', async () => {
    const f = fakeDeps()
    const seen: unknown[] = []
    const { record } = checkPerfCall(f.fn, {
      record: (result: string) => {
        seen.push(result)
        return { 'bytes out': { value: result.length, unit: 'B' }, 'cache hits': 42 }
      },
    })
    const { result, sample } = await measure(f.fn, { ...measureOptions, record }, f.deps)
    expect(result).toBe('call 1')
    expect(seen).toEqual(['call 1'])
    expect(sample.metrics).toEqual({
      'bytes out': { value: 6, better: 'lower', unit: 'B' },
      'cache hits': { value: 42, better: 'lower', unit: '' },
    })
  })

  test('no record, or an empty one, leaves the sample without metrics', async () => {
    const f = fakeDeps()
    expect((await measure(f.fn, measureOptions, f.deps)).sample).not.toHaveProperty('metrics')
    const { record } = checkPerfCall(f.fn, { record: () => ({}) })
    expect((await measure(f.fn, { ...measureOptions, record }, f.deps)).sample).not.toHaveProperty('metrics')
  })

  test('a throwing record rejects with its error before anything is measured', async () => {
    const f = fakeDeps()
    const error = new Error('no length')
    const { record } = checkPerfCall(f.fn, {
      record: () => {
        throw error
      },
    })
    await expect(measure(f.fn, { ...measureOptions, record }, f.deps)).rejects.toBe(error)
    expect(f.state.calls).toBe(1)
    expect(f.state.processStats).toBe(0)
  })

  test('a bad return value rejects with the message before anything is measured', async () => {
    const f = fakeDeps()
    const { record } = checkPerfCall(f.fn, { record: () => ({ size: Number.NaN }) })
    await expect(measure(f.fn, { ...measureOptions, record }, f.deps)).rejects.toThrow('metric "size" must be a finite number (got NaN)')
    expect(f.state.calls).toBe(1)
  })
})

const fast: WorkerSettings = {
  measure: { time: 5, iterations: 3, warmupTime: 0, warmupIterations: 0, metrics: [] },
  rawSamples: 4,
  baselineMode: 'compare',
}

describe('record under the Vitest fixture', () => {
  const task = (): PerfTask & { meta: Record<string, unknown> } => ({ name: 'encodes', meta: {} })

  test('the metrics are on the recorded sample', async () => {
    const t = task()
    const perf = createPerf(t, () => fast)
    const out = await perf(() => 'abcdef', { record: (s) => ({ 'bytes out': { value: s.length, unit: 'B' } }) })
    expect(out).toBe('abcdef')
    const samples = t.meta[META_KEY] as PerfSample[]
    expect(samples).toHaveLength(1)
    expect(samples[0]!.metrics).toEqual({ 'bytes out': { value: 6, better: 'lower', unit: 'B' } })
  })

  test('a throwing record fails the call and nothing is recorded', async () => {
    const t = task()
    const perf = createPerf(t, () => fast)
    await expect(
      perf(() => 1, {
        record: () => {
          throw new Error('record broke')
        },
      }),
    ).rejects.toThrow('record broke')
    expect(t.meta[META_KEY]).toBeUndefined()
  })

  test('a bad return value fails the call with the message and nothing is recorded', async () => {
    const t = task()
    const perf = createPerf(t, () => fast)
    await expect(perf(() => 1, { record: () => ({ '': 1 }) })).rejects.toThrow('metric names must not be empty or blank')
    expect(t.meta[META_KEY]).toBeUndefined()
  })
})

describe('record under the Jest helper', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.unstubAllEnvs()
  })

  async function inJestTest(run: (dir: string) => Promise<void>) {
    const { dir, cleanup } = await tempDir()
    vi.stubGlobal('expect', { getState: () => ({ currentTestName: `encodes ${dir}`, testPath: '/project/test/a.test.js' }) })
    vi.stubEnv(SPOOL_ENV, dir)
    vi.stubEnv(SETTINGS_ENV, JSON.stringify({ measure: fast.measure, rawSamples: fast.rawSamples }))
    try {
      await run(dir)
    } finally {
      await cleanup()
    }
  }

  test('the metrics are on the spooled sample', async () => {
    await inJestTest(async (dir) => {
      const out = await jestPerf(() => [1, 2, 3], { record: (rows) => ({ rows: { value: rows.length, better: 'higher' } }) })
      expect(out).toEqual([1, 2, 3])
      const spooled = readSpool(dir, (problem) => {
        throw new Error(problem)
      })
      expect(spooled).toHaveLength(1)
      expect(spooled[0]!.sample.metrics).toEqual({ rows: { value: 3, better: 'higher', unit: '' } })
    })
  })

  test('a throwing record fails the call and nothing is spooled', async () => {
    await inJestTest(async (dir) => {
      await expect(
        jestPerf(() => 1, {
          name: 'throws',
          record: () => {
            throw new Error('record broke')
          },
        }),
      ).rejects.toThrow('record broke')
      await expect(jestPerf(() => 1, { name: 'bad', record: () => ({ x: { value: 1, better: 'up' } }) as never })).rejects.toThrow(
        'metric "x".better must be "lower" or "higher" (got "up")',
      )
      expect(readdirSync(dir).filter((f) => path.extname(f) === '.jsonl')).toEqual([])
    })
  })
})
