import { afterEach, describe, expect, test, vi } from 'vitest'
import { createPerf, type PerfTask } from '../../src/vitest/fixture.js'
import type { WorkerSettings } from '../../src/vitest/settings.js'

const settings: WorkerSettings = {
  measure: { time: 5, iterations: 3, warmupTime: 0, warmupIterations: 5, metrics: [] },
  rawSamples: 4,
  baselineMode: 'compare',
}
const task = (extra: Partial<PerfTask> = {}): PerfTask => ({ name: 'parses', meta: {}, ...extra })

afterEach(() => {
  vi.restoreAllMocks()
})

describe('perf() inside a test that can time out', () => {
  test('an aborted test measures nothing and records nothing', async () => {
    const controller = new AbortController()
    controller.abort(new Error('Test timed out in 5000ms.'))
    const t = task()
    let calls = 0
    const perf = createPerf(t, () => settings, { startedAt: performance.now(), signal: controller.signal })
    await expect(perf(() => calls++)).rejects.toThrow('Test timed out in 5000ms.')
    expect(calls).toBe(0)
    expect(t.meta.perf).toBeUndefined()
  })

  test('an abort while measuring stops the calls and records nothing', async () => {
    const controller = new AbortController()
    const t = task()
    let calls = 0
    const perf = createPerf(t, () => settings, { startedAt: performance.now(), signal: controller.signal })
    const fn = async () => {
      if (++calls === 3) controller.abort(new Error('Test timed out in 100ms.'))
    }
    await expect(perf(fn)).rejects.toThrow('Test timed out in 100ms.')
    expect(calls).toBe(3)
    expect(t.meta.perf).toBeUndefined()
  })

  test('with the timeout nearly spent, the phases are cut, the sample is recorded and a warning says so', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    // Started 10 s ago with a 1 s timeout: the deadline has passed.
    const t = task({ timeout: 1000 })
    const perf = createPerf(t, () => settings, { startedAt: performance.now() - 10_000 })
    await expect(perf(() => 42, { name: 'json' })).resolves.toBe(42)
    expect(t.meta.perf).toHaveLength(1)
    expect(t.meta.perf![0]!.iterations).toBeGreaterThanOrEqual(1)
    expect(t.meta.perf![0]!.warmup.iterations).toBe(0)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toMatch(/^perf-regression: "parses" \[json\]: warm-up ran 0 of 5 iterations.* to finish inside the test's timeout/)
  })

  test('without a timeout nothing is cut', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const t = task({ timeout: 0 })
    const perf = createPerf(t, () => settings, { startedAt: performance.now() - 10_000 })
    await perf(() => 1)
    expect(t.meta.perf![0]!.warmup.iterations).toBeGreaterThanOrEqual(5)
    expect(t.meta.perf![0]!.iterations).toBeGreaterThanOrEqual(3)
    expect(warn).not.toHaveBeenCalled()
  })
})
