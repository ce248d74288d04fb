import { describe, test, expect } from 'vitest'
import { measure, timeBudget, type MeasureCallOptions, type Probes } from '../../src/measure/measure.js'
import { measureOptions } from './helpers.js'

const STEP_MS = 2
/** Fake CPU time per call of the benchmarked function, in microseconds. */
const CPU_USER_US = 300
const CPU_SYSTEM_US = 100
const HEAP_PER_CALL = 8

/** A fake clock that only the benchmarked function advances, and fake process readings. */
function fake() {
  const state = { t: 0, calls: 0, processStats: 0 }
  const probes: Probes = {
    now: () => state.t,
    cpuUsage: () => ({ user: state.calls * CPU_USER_US, system: state.calls * CPU_SYSTEM_US }),
    memoryUsage: () => ({ heapUsed: 10_000 + state.calls * HEAP_PER_CALL, rss: 50_000 }),
    processStats: async () => {
      state.processStats++
      return { cpu: 87.5, memory: 123_456 }
    },
    gc: () => {},
  }
  const tick = (ms = STEP_MS) => {
    state.t += ms
    state.calls++
    return state.calls
  }
  return { state, probes, tick, deps: { probes } }
}

const options = (extra: Partial<MeasureCallOptions> = {}): MeasureCallOptions => ({ ...measureOptions(), ...extra })

describe('measure', () => {
  test('returns what the first call returned', async () => {
    const f = fake()
    const { result, sample } = await measure(() => ({ call: f.tick() }), options(), f.deps)
    expect(result).toEqual({ call: 1 })
    expect(sample).not.toHaveProperty('name')
    expect(f.state.calls).toBeGreaterThan(10)
  })

  test('wall time per iteration is the fake per-call time, in ns', async () => {
    const f = fake()
    const { sample } = await measure(() => f.tick(), options(), f.deps)
    expect(sample.wall_ns.median).toBeCloseTo(STEP_MS * 1e6, 3)
    expect(sample.wall_ns.mean).toBeCloseTo(STEP_MS * 1e6, 3)
    expect(sample.wall_ns.min).toBeCloseTo(STEP_MS * 1e6, 3)
    expect(sample.wall_ns.max).toBeCloseTo(STEP_MS * 1e6, 3)
    expect(sample.wall_ns.sd).toBeCloseTo(0, 6)
    expect(sample.wall_ns.n).toBe(sample.iterations)
    // Both the 100 ms budget and the 10 iterations are reached.
    expect(sample.iterations).toBeGreaterThanOrEqual(100 / STEP_MS)
    // Warm-up runs until both 5 calls and 20 ms have passed: 10 calls of 2 ms.
    expect(sample.warmup).toEqual({ iterations: 10, time_ms: 20 })
    // Every call advanced the fake clock: the whole perf() call took all of them.
    expect(sample.duration_ms).toBeCloseTo(f.state.calls * STEP_MS, 9)
    expect(f.state.calls).toBe(1 + 10 + sample.iterations)
  })

  test('distinct per-call times show in min, max and median', async () => {
    const f = fake()
    const { sample } = await measure(() => f.tick(f.state.calls % 4 === 0 ? 5 : 1), options({ warmupIterations: 0, warmupTime: 0 }), f.deps)
    expect(sample.wall_ns.min).toBeCloseTo(1e6, 3)
    expect(sample.wall_ns.max).toBeCloseTo(5e6, 3)
    expect(sample.wall_ns.median).toBeCloseTo(1e6, 3)
    expect(sample.wall_ns.mean).toBeGreaterThan(1e6)
  })

  test('an async function is awaited, for the result and for every iteration', async () => {
    const f = fake()
    const { result, sample } = await measure(
      async () => {
        await Promise.resolve()
        return `call ${f.tick()}`
      },
      options(),
      f.deps,
    )
    expect(result).toBe('call 1')
    expect(sample.wall_ns.median).toBeCloseTo(STEP_MS * 1e6, 3)
  })

  test('a throwing function rethrows the same error, and nothing is measured', async () => {
    const f = fake()
    const error = new Error('boom')
    const caught = await measure(() => {
      f.tick()
      throw error
    }, options(), f.deps).catch((e: unknown) => e)
    expect(caught).toBe(error)
    expect(f.state.calls).toBe(1)
    expect(f.state.processStats).toBe(0)
  })

  test('a rejecting async function rethrows the same error, and nothing is measured', async () => {
    const f = fake()
    const error = new TypeError('nope')
    const caught = await measure(async () => {
      f.tick()
      throw error
    }, options(), f.deps).catch((e: unknown) => e)
    expect(caught).toBe(error)
    expect(f.state.calls).toBe(1)
    expect(f.state.processStats).toBe(0)
  })

  test('an error thrown during the timed phase is rethrown unchanged', async () => {
    const f = fake()
    const error = new Error('late')
    // Without warm-up, every call after the first is timed.
    const caught = await measure(() => {
      if (f.tick() === 15) throw error
    }, options({ warmupIterations: 0, warmupTime: 0 }), f.deps).catch((e: unknown) => e)
    expect(caught).toBe(error)
    expect(f.state.calls).toBe(15)
  })

  test('CPU time per iteration from the cpuUsage delta, and memory readings', async () => {
    const f = fake()
    const { sample } = await measure(() => f.tick(), options(), f.deps)
    // The fake CPU clock advances (300 + 100) µs per call; only timed calls fall between the readings.
    expect(sample.cpu_ns).toBeCloseTo((CPU_USER_US + CPU_SYSTEM_US) * 1000, 6)
    expect(sample.cpu_percent).toBe(87.5)
    expect(sample.heap_delta_bytes).toBe(sample.iterations * HEAP_PER_CALL)
    expect(sample.heap_used_bytes).toBe(10_000 + f.state.calls * HEAP_PER_CALL)
    // The process stats' RSS is preferred over the one read with the heap.
    expect(sample.rss_bytes).toBe(123_456)
    expect(f.state.processStats).toBe(2)
  })

  test('metrics: [] omits the CPU and memory fields and skips the process readings', async () => {
    const f = fake()
    const { sample } = await measure(() => f.tick(), options({ metrics: [] }), f.deps)
    for (const key of ['cpu_ns', 'cpu_percent', 'heap_used_bytes', 'heap_delta_bytes', 'rss_bytes']) {
      expect(sample).not.toHaveProperty(key)
    }
    expect(f.state.processStats).toBe(0)
    expect(sample.wall_ns.median).toBeCloseTo(STEP_MS * 1e6, 3)
  })

  test('one metric at a time', async () => {
    const cpu = fake()
    const { sample: s1 } = await measure(() => cpu.tick(), options({ metrics: ['cpu'] }), cpu.deps)
    expect(s1.cpu_ns).toBeCloseTo(400_000, 6)
    expect(s1).not.toHaveProperty('heap_used_bytes')
    expect(s1).not.toHaveProperty('rss_bytes')
    const mem = fake()
    const { sample: s2 } = await measure(() => mem.tick(), options({ metrics: ['memory'] }), mem.deps)
    expect(s2).not.toHaveProperty('cpu_ns')
    expect(s2).not.toHaveProperty('cpu_percent')
    expect(s2.heap_delta_bytes).toBe(s2.iterations * HEAP_PER_CALL)
  })

  test('raw_wall_ns is bounded by rawSamples', async () => {
    for (const rawSamples of [0, 1, 8, 10_000]) {
      const f = fake()
      const { sample } = await measure(() => f.tick(), options({ rawSamples }), f.deps)
      expect(sample.raw_wall_ns.length).toBe(Math.min(rawSamples, sample.iterations))
      for (const v of sample.raw_wall_ns) expect(v).toBeCloseTo(STEP_MS * 1e6, 3)
    }
  })

  test('no warm-up when both warm-up budgets are 0; the name is recorded', async () => {
    const f = fake()
    const { sample } = await measure(
      () => f.tick(),
      options({ warmupIterations: 0, warmupTime: 0, time: 0, iterations: 7, name: 'small input' }),
      f.deps,
    )
    expect(sample.warmup).toEqual({ iterations: 0, time_ms: 0 })
    expect(sample.name).toBe('small input')
    expect(sample.iterations).toBeGreaterThanOrEqual(7)
    expect(f.state.calls).toBe(1 + sample.iterations)
  })

  test('the timed phase also stops on the wall clock, when timing overhead dwarfs the function', async () => {
    // Each clock reading costs 1 ms and the function nothing: every latency is
    // 1 ms but an iteration takes 2 ms of wall time, so tinybench's own budget
    // (100 ms of latencies) would take 200 ms; the wall-clock limit stops at ~100 ms.
    let t = 0
    const probes: Probes = {
      now: () => ++t,
      cpuUsage: () => ({ user: 0, system: 0 }),
      memoryUsage: () => ({ heapUsed: 0, rss: 0 }),
      processStats: async () => ({ cpu: 0, memory: 0 }),
      gc: () => {},
    }
    const { sample } = await measure(() => 1, options({ warmupIterations: 0, warmupTime: 0, metrics: [] }), { probes })
    expect(sample.wall_ns.median).toBeCloseTo(1e6, 3)
    expect(sample.iterations).toBeGreaterThanOrEqual(10)
    expect(sample.iterations).toBeLessThan(60)
  })

  test('the wall-clock limit never cuts a slow function below its minimum iterations', async () => {
    const f = fake()
    // 30 ms per call: 10 iterations need 300 ms, three times the 100 ms budget.
    const { sample } = await measure(() => f.tick(30), options({ warmupIterations: 1, warmupTime: 0 }), f.deps)
    expect(sample.iterations).toBeGreaterThanOrEqual(10)
  })

  describe('inside a deadline (the test timeout)', () => {
    test('a fast function: warm-up and timed phase end by the deadline, without a note', async () => {
      const f = fake()
      const notes: string[] = []
      const { sample } = await measure(() => f.tick(), options({ budget: { until: 60, onCapped: (m) => notes.push(m) } }), f.deps)
      // Without the deadline the phases take 20 + 100 ms of fake time.
      expect(sample.duration_ms).toBeLessThanOrEqual(60 + STEP_MS)
      expect(sample.iterations).toBeGreaterThanOrEqual(10)
      expect(notes).toEqual([])
    })

    test('a slow function is cut below its minimum iterations, and says so once', async () => {
      const f = fake()
      const notes: string[] = []
      // 30 ms per call: the options want 5 warm-up and 10 timed iterations (450 ms); the deadline allows 200 ms.
      const { sample } = await measure(() => f.tick(30), options({ budget: { until: 200, onCapped: (m) => notes.push(m) } }), f.deps)
      expect(f.state.t).toBeLessThanOrEqual(200 + 30)
      expect(sample.iterations).toBeGreaterThanOrEqual(1)
      expect(sample.iterations).toBeLessThan(10)
      expect(notes).toHaveLength(1)
      expect(notes[0]).toMatch(/warm-up ran \d of 5 iterations and the timed phase ran \d of 10 iterations to finish inside the test's timeout/)
    })

    test('a deadline already passed still measures at least one iteration', async () => {
      const f = fake()
      const notes: string[] = []
      const { sample } = await measure(() => f.tick(10), options({ budget: { until: 0, onCapped: (m) => notes.push(m) } }), f.deps)
      expect(sample.iterations).toBeGreaterThanOrEqual(1)
      expect(sample.warmup.iterations).toBe(0)
      expect(notes).toHaveLength(1)
    })

    test('an abort stops the measurement and rejects with its reason; nothing more is called', async () => {
      const f = fake()
      const controller = new AbortController()
      const reason = new Error('Test timed out in 5000ms.')
      const fn = async () => {
        if (f.tick() === 4) controller.abort(reason)
      }
      await expect(measure(fn, options({ budget: { until: Infinity, signal: controller.signal } }), f.deps)).rejects.toBe(reason)
      expect(f.state.calls).toBe(4)
    })

    test('an abort during the timed phase stops it', async () => {
      const f = fake()
      const controller = new AbortController()
      const fn = async () => {
        if (f.tick() === 30) controller.abort()
      }
      await expect(measure(fn, options({ budget: { until: Infinity, signal: controller.signal } }), f.deps)).rejects.toThrow('aborted')
      expect(f.state.calls).toBeLessThanOrEqual(31)
    })

    test('an already aborted signal measures nothing', async () => {
      const f = fake()
      const controller = new AbortController()
      controller.abort()
      await expect(measure(() => f.tick(), options({ budget: { until: Infinity, signal: controller.signal } }), f.deps)).rejects.toThrow('aborted')
      expect(f.state.calls).toBe(0)
    })
  })
})

describe('timeBudget', () => {
  test('leaves a tenth of the timeout, at least 50 ms', () => {
    expect(timeBudget(1000, 5000)).toBe(1000 + 5000 - 500)
    expect(timeBudget(0, 200)).toBe(150)
  })

  test('no timeout means no deadline', () => {
    expect(timeBudget(0, 0)).toBe(Infinity)
    expect(timeBudget(0, undefined)).toBe(Infinity)
    expect(timeBudget(0, Infinity)).toBe(Infinity)
  })
})

describe('the share of a core the measuring thread got', () => {
  test("from the thread clock: CPU and run-queue wait over each phase's wall time, and thread CPU per iteration", async () => {
    const f = fake()
    // The thread is on a CPU for half of every fake millisecond and waits for one the other half.
    f.probes.thread = { source: 'schedstat', read: () => ({ cpuNs: f.state.t * 0.5e6, waitNs: f.state.t * 0.5e6 }) }
    const { sample } = await measure(() => f.tick(), options({ metrics: [] }), f.deps)
    expect(sample.core).toEqual({ source: 'schedstat', timed: { cpu: 0.5, wait: 0.5 }, warmup: { cpu: 0.5, wait: 0.5 } })
    // 2 ms per call, half of it on the CPU.
    expect(sample.thread_cpu_ns).toBeCloseTo(1e6, 0)
  })

  test('without a thread clock nothing is recorded', async () => {
    const f = fake()
    const { sample } = await measure(() => f.tick(), options({ metrics: [] }), f.deps)
    expect(sample.core).toBeUndefined()
    expect(sample.thread_cpu_ns).toBeUndefined()
  })

  test('the real clock: a CPU-bound function gets a share of a core between 0 and 1', async () => {
    const { defaultMeasureDeps } = await import('../../src/measure/probes.js')
    const spin = () => {
      let x = 0
      for (let i = 0; i < 20_000; i++) x += i
      return x
    }
    const { sample } = await measure(spin, options({ metrics: [], time: 20 }), defaultMeasureDeps)
    expect(sample.core?.source).toBe('schedstat')
    expect(sample.core!.timed.cpu).toBeGreaterThan(0)
    expect(sample.core!.timed.cpu).toBeLessThanOrEqual(1)
    expect(sample.thread_cpu_ns).toBeGreaterThan(0)
  })
})


describe('processMeter: CPU % and RSS of the process, without pidusage', () => {
  test('CPU % of one core since the previous reading (since the start on the first), and the RSS', async () => {
    const { processMeter } = await import('../../src/measure/probes.js')
    const readings = [
      { cpu: { user: 30_000, system: 10_000 }, at: 100 }, // 40 ms of CPU in the first 100 ms
      { cpu: { user: 130_000, system: 10_000 }, at: 150 }, // then 100 ms of CPU in 50 ms: two cores busy
      { cpu: { user: 130_000, system: 10_000 }, at: 150 }, // no time passed
    ]
    let i = 0
    let current = readings[0]!
    const meter = processMeter(
      () => current.cpu,
      () => current.at,
      () => 4096 * (i + 1),
    )
    const out: { cpu: number; memory: number }[] = []
    for (; i < readings.length; i++) {
      current = readings[i]!
      out.push(meter())
    }
    expect(out.map((o) => o.cpu)).toEqual([40, 200, 0])
    expect(out.map((o) => o.memory)).toEqual([4096, 8192, 12288])
  })

  test('the real readings: a CPU % and an RSS above 0', async () => {
    const { processProbes } = await import('../../src/measure/probes.js')
    const stats = await processProbes.processStats()
    expect(stats.cpu).toBeGreaterThanOrEqual(0)
    expect(stats.memory).toBeGreaterThan(1_000_000)
  })
})
