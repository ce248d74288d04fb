import { afterEach, describe, expect, test, vi } from 'vitest'
import { MetricsError } from '../../src/config/perf-call.js'
import { ConfigError } from '../../src/config/validate.js'
import { checkLoadCall, type LoadOptions } from '../../src/load/options.js'
import { measureLoad } from '../../src/load/run.js'
import { checkSample } from '../../src/store/record.js'
import { createPerf, type PerfTask } from '../../src/vitest/fixture.js'
import type { WorkerSettings } from '../../src/vitest/settings.js'
import { perf as jestPerf } from '../../src/jest/perf.js'
import { readSpool, SPOOL_ENV } from '../../src/jest/spool.js'
import { FakeClock, fakeDeps } from './load-clock.js'
import { tempDir } from './helpers.js'

async function measured(clock: FakeClock, fn: () => unknown, options: LoadOptions, budget?: { until: number; onCapped?: (m: string) => void }) {
  return clock.run(measureLoad(fn, checkLoadCall(fn, options), { rawSamples: 8, budget }, fakeDeps(clock)))
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('measureLoad', () => {
  test('records a valid sample: latencies in wall_ns, load metrics with their directions, the load block', async () => {
    const clock = new FakeClock()
    const { sample, result } = await measured(clock, () => clock.delay(10), { concurrency: 4, duration: '1s', warmup: '100ms', name: 'search' })
    expect(checkSample(sample)).toBeUndefined()
    expect(sample.name).toBe('search')
    expect(sample.iterations).toBe(result.calls)
    expect(sample.wall_ns.median).toBeCloseTo(10e6, -4)
    expect(sample.raw_wall_ns).toHaveLength(8)
    expect(sample.warmup).toEqual({ iterations: 40, time_ms: 100 })
    expect(sample.metrics?.throughput).toEqual({ value: result.throughput, better: 'higher', unit: 'calls/s' })
    expect(sample.metrics?.['latency p95']).toMatchObject({ better: 'lower', unit: 'ns' })
    expect(sample.metrics?.['error rate']).toEqual({ value: 0, better: 'lower', unit: '%', absolute: true })
    expect(sample.metrics?.errors).toEqual({ value: 0, better: 'lower', unit: 'calls', absolute: true })
    expect(Object.keys(sample.metrics ?? {})).not.toContain('scaling')
    expect(sample.load).toMatchObject({ model: 'closed', duration_ms: 1000, unfinished: 0, error_messages: [] })
    expect(sample.load?.steps).toHaveLength(1)
    // One fake CPU reading per phase edge: 1 ms of CPU over the phase.
    expect(sample.cpu_ns).toBeCloseTo(1e6 / result.calls, 0)
    expect(sample.rss_bytes).toBe(50_000_000)
  })

  test('levels: a scaling metric, every level in the load block', async () => {
    const clock = new FakeClock()
    const { sample } = await measured(clock, () => clock.delay(10), { concurrency: [1, 2], duration: '200ms', warmup: 0 })
    expect(checkSample(sample)).toBeUndefined()
    expect(sample.load?.steps.map((s) => s.level)).toEqual([1, 2])
    expect(sample.metrics?.scaling).toMatchObject({ better: 'higher', unit: '%' })
    expect(sample.metrics!.scaling!.value).toBeCloseTo(100, -1)
  })

  test('record adds the test’s own metrics; a name perf.load() records itself is refused', async () => {
    const clock = new FakeClock()
    const dropped = 0
    const { sample } = await measured(clock, () => clock.delay(1), { concurrency: 1, calls: 10, warmup: 0, record: (r) => ({ dropped: { value: dropped, absolute: true }, calls: r.calls }) })
    expect(sample.metrics?.dropped).toEqual({ value: 0, better: 'lower', unit: '', absolute: true })
    expect(sample.metrics?.calls).toMatchObject({ value: 10 })
    const clash = () => {
      const fresh = new FakeClock()
      return measured(fresh, () => fresh.delay(1), { concurrency: 1, calls: 10, warmup: 0, record: () => ({ throughput: 5 }) })
    }
    await expect(clash()).rejects.toThrow(MetricsError)
    await expect(clash()).rejects.toThrow('metric "throughput": perf.load() records it itself: call yours something else, like "throughput (custom)"')
  })

  test('a load test longer than what the test’s timeout leaves is refused before any call, with the figures', async () => {
    const clock = new FakeClock()
    let calls = 0
    const run = measured(clock, () => void calls++, { concurrency: [1, 2], duration: '5s', rampUp: '1s' }, { until: 4000 })
    await expect(run).rejects.toThrow(ConfigError)
    await expect(run).rejects.toThrow(
      "perf.load() needs 12.4 s (ramp-up 1 s, warm-up 0.2 s, 5 s measured at each of 2 levels) but the test's timeout leaves 4 s: raise the test's timeout (the third argument of test()) or shorten duration, rampUp or warmup",
    )
    expect(calls).toBe(0)
  })

  test('a calls phase cut by the timeout, and calls cut off at the end, are told', async () => {
    const clock = new FakeClock()
    const notes: string[] = []
    let n = 0
    const fn = () => (++n === 3 ? new Promise(() => {}) : clock.delay(10))
    const { result } = await measured(clock, fn, { concurrency: 2, calls: 1000, warmup: 0, drain: '20ms' }, { until: 520, onCapped: (m) => notes.push(m) })
    expect(result.unfinished).toBe(1)
    expect(notes).toEqual([
      "perf.load(): the measured phase at level 2 finished 50 of 1000 calls to finish inside the test's timeout; 1 call was still running after the drain and was cut off",
    ])
  })

  test('no call of the measured phase finished: an error, nothing recorded', async () => {
    const clock = new FakeClock()
    await expect(measured(clock, () => new Promise(() => {}), { concurrency: 2, duration: '100ms', warmup: 0, drain: '10ms' })).rejects.toThrow(
      'perf.load(): no call of the measured phase finished (2 were still running and cut off at the end); nothing was recorded',
    )
  })
})

const settings: WorkerSettings = {
  measure: { time: 5, iterations: 3, warmupTime: 0, warmupIterations: 5, metrics: [] },
  rawSamples: 4,
  baselineMode: 'compare',
}
const quick = { concurrency: 2, duration: '20ms', warmup: 0, drain: '50ms' } as const

describe('perf.load() in the adapters', () => {
  test('Vitest: the sample goes into the task meta, names are claimed with perf()’s', async () => {
    const task: PerfTask = { name: 'search under load', meta: {} }
    const perf = createPerf(task, () => settings)
    const result = await perf.load(async () => {}, { ...quick, name: 'search' })
    expect(result.model).toBe('closed')
    expect(result.calls).toBeGreaterThan(0)
    expect(task.meta.perf).toHaveLength(1)
    expect(checkSample(task.meta.perf![0])).toBeUndefined()
    expect(task.meta.perf![0]!.raw_wall_ns).toHaveLength(4)
    await expect(perf(() => 1, { name: 'search' })).rejects.toThrow('perf() was already called with the name "search" in this test')
    await expect(perf.load(async () => {}, { concurrency: 0 })).rejects.toThrow('perf.load() concurrency must be a whole number of 1 or more')
  })

  test('Vitest: a load test that cannot fit the test’s timeout is refused, and records nothing', async () => {
    const task: PerfTask = { name: 'too long', meta: {}, timeout: 1000 }
    const perf = createPerf(task, () => settings)
    await expect(perf.load(async () => {}, { concurrency: 1, duration: '5s' })).rejects.toThrow("but the test's timeout leaves")
    expect(task.meta.perf).toBeUndefined()
  })

  test('Jest: the sample is spooled for the reporter like perf()’s', async () => {
    const { dir, cleanup } = await tempDir()
    vi.stubEnv(SPOOL_ENV, dir)
    vi.stubGlobal('expect', { getState: () => ({ currentTestName: `search under load ${dir}`, testPath: '/project/test/api.test.js' }) })
    try {
      const result = await jestPerf.load(async () => {}, quick)
      expect(result.calls).toBeGreaterThan(0)
      const spooled = readSpool(dir, (m) => {
        throw new Error(m)
      })
      expect(spooled).toHaveLength(1)
      expect(spooled[0]!.testName).toBe(`search under load ${dir}`)
      expect(spooled[0]!.concurrent).toBeUndefined()
      expect(spooled[0]!.sample.load?.model).toBe('closed')
    } finally {
      vi.unstubAllEnvs()
      vi.unstubAllGlobals()
      await cleanup()
    }
  })
})
