import vm from 'node:vm'
import { afterEach, describe, expect, test } from 'vitest'
import {
  callsPerBatch,
  fitHeapGrowth,
  HEAP_RESOLUTION_BYTES,
  LEAK_BATCHES,
  LEAK_WARMUP_CALLS,
  leakPhase,
  warmupCalls,
  type LeakProbes,
} from '../../src/measure/leak.js'
import { measure, type Probes } from '../../src/measure/measure.js'
import { defaultMeasureDeps, getFullGc } from '../../src/measure/probes.js'
import { measureOptions, mulberry32 } from './helpers.js'

/** A fake heap: each call of the function adds `perCall` bytes; each reading adds seeded noise of up to ±`noise` bytes. */
function fakeHeap(perCall: number, noise = 0, seed = 1) {
  const rand = mulberry32(seed)
  const state = { calls: 0, gcs: 0, events: [] as string[] }
  const probes: LeakProbes = {
    memoryUsage: () => ({ heapUsed: 50_000_000 + state.calls * perCall + noise * (2 * rand() - 1) }),
    gc: () => {
      state.gcs++
      state.events.push('gc')
    },
  }
  const fn = () => {
    state.calls++
  }
  return { state, probes, fn }
}

describe('fitHeapGrowth', () => {
  test('slope, 95% interval and one-sided p-value of a least-squares line (checked against scipy.stats.linregress)', () => {
    const fit = fitHeapGrowth([0, 1, 2, 3, 4], [1, 3, 2, 5, 4])
    expect(fit.bytes_per_iteration).toBeCloseTo(0.8, 12)
    expect(fit.interval[0]).toBeCloseTo(0.8 - 1.102431738622247, 9)
    expect(fit.interval[1]).toBeCloseTo(0.8 + 1.102431738622247, 9)
    expect(fit.p_value).toBeCloseTo(0.05204401933091385, 9)
  })

  test('points exactly on a line: the interval is the slope itself', () => {
    expect(fitHeapGrowth([0, 10, 20, 30], [5, 1005, 2005, 3005])).toEqual({ bytes_per_iteration: 100, interval: [100, 100], p_value: 0 })
    expect(fitHeapGrowth([0, 10, 20], [7, 7, 7])).toEqual({ bytes_per_iteration: 0, interval: [0, 0], p_value: 0.5 })
    expect(fitHeapGrowth([0, 10, 20], [30, 20, 10]).p_value).toBe(1)
  })

  test('a one-time step among identical readings is significant by itself, but not above the resolution floor', () => {
    const calls = [0, 100, 200, 300, 400, 500, 600, 700, 800]
    const heap = [0, 0, 0, 0, 2000, 2000, 2000, 2000, 2000].map((h) => 50_000_000 + h)
    expect(fitHeapGrowth(calls, heap).p_value).toBeLessThan(0.01)
    const floored = fitHeapGrowth(calls, heap, HEAP_RESOLUTION_BYTES)
    expect(floored.bytes_per_iteration).toBeCloseTo(fitHeapGrowth(calls, heap).bytes_per_iteration, 12)
    expect(floored.interval[0]).toBeLessThan(0)
    expect(floored.p_value).toBeGreaterThan(0.05)
  })

  test('the floor only widens an interval narrower than the readings allow', () => {
    const calls = [0, 1, 2, 3, 4]
    const heap = [1, 3, 2, 5, 4]
    expect(fitHeapGrowth(calls, heap, 0.1)).toEqual(fitHeapGrowth(calls, heap))
    // With the floor as the residual SD: se = 10 / sqrt(10), half-width t(0.975, 3) * se.
    const floored = fitHeapGrowth(calls, heap, 10)
    expect(floored.interval[1] - floored.bytes_per_iteration).toBeCloseTo((3.182446305284263 * 10) / Math.sqrt(10), 6)
  })

  test('needs three points and two distinct call counts', () => {
    expect(() => fitHeapGrowth([0, 1], [1, 2])).toThrow('at least 3 paired points')
    expect(() => fitHeapGrowth([0, 1, 2], [1, 2])).toThrow('at least 3 paired points')
    expect(() => fitHeapGrowth([5, 5, 5], [1, 2, 3])).toThrow('two distinct call counts')
  })
})

describe('callsPerBatch', () => {
  test('each batch gets its share of the budget, at least one call', () => {
    // The budget is shared by the batches and the warm-up batch.
    expect(callsPerBatch({ budgetMs: 90, callMs: 0.01 })).toBe(Math.floor(90 / (LEAK_BATCHES + 1) / 0.01))
    expect(callsPerBatch({ budgetMs: 100, callMs: 1 })).toBe(11)
    expect(callsPerBatch({ budgetMs: 100, callMs: 50 })).toBe(1)
    expect(callsPerBatch({ budgetMs: 0, callMs: 0.001 })).toBe(1)
    expect(callsPerBatch({ budgetMs: 50, callMs: 1, batches: 4 })).toBe(10)
    // A clock that saw no time at all still gives a finite count.
    expect(Number.isFinite(callsPerBatch({ budgetMs: 100, callMs: 0 }))).toBe(true)
  })

  test('the warm-up batch makes up to LEAK_WARMUP_CALLS calls if the whole budget allows, and at least one batch', () => {
    expect(warmupCalls({ budgetMs: 100, callMs: 1 })).toBe(100)
    expect(warmupCalls({ budgetMs: 100, callMs: 0.0001 })).toBe(callsPerBatch({ budgetMs: 100, callMs: 0.0001 }))
    expect(warmupCalls({ budgetMs: 100, callMs: 0.01 })).toBe(LEAK_WARMUP_CALLS)
    expect(warmupCalls({ budgetMs: 100, callMs: 50 })).toBe(2)
    expect(warmupCalls({ budgetMs: 0, callMs: 1 })).toBe(1)
  })
})

describe('leakPhase (fake heap)', () => {
  test('a growing heap gives its growth per call, with an interval above 0', async () => {
    const f = fakeHeap(1000, 5_000, 7)
    const growth = await leakPhase(f.fn, false, { budgetMs: 100, callMs: 1 }, f.probes)
    expect(growth.batches).toBe(LEAK_BATCHES)
    expect(growth.iterations).toBe(LEAK_BATCHES * 11)
    // The warm-up batch's calls come before the first reading and are not counted.
    expect(f.state.calls).toBe(100 + growth.iterations)
    expect(growth.bytes_per_iteration).toBeGreaterThan(800)
    expect(growth.bytes_per_iteration).toBeLessThan(1200)
    expect(growth.interval[0]).toBeGreaterThan(0)
    expect(growth.interval[0]).toBeLessThan(growth.bytes_per_iteration)
    expect(growth.interval[1]).toBeGreaterThan(growth.bytes_per_iteration)
    expect(growth.p_value).toBeLessThan(0.001)
    // Two GCs before the first reading, one after each batch.
    expect(f.state.gcs).toBe(LEAK_BATCHES + 2)
  })

  test('a flat, noisy heap gives an interval containing 0', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const f = fakeHeap(0, 50_000, seed)
      const growth = await leakPhase(f.fn, false, { budgetMs: 100, callMs: 0.01 }, f.probes)
      expect(growth.interval[0]).toBeLessThan(0)
      expect(growth.interval[1]).toBeGreaterThan(0)
      expect(growth.p_value).toBeGreaterThan(0.01)
    }
  })

  test('an async function is awaited call by call', async () => {
    const f = fakeHeap(100)
    let running = 0
    let overlapped = false
    const fn = async () => {
      if (running > 0) overlapped = true
      running++
      await new Promise((resolve) => setImmediate(resolve))
      f.fn()
      running--
    }
    const growth = await leakPhase(fn, true, { budgetMs: 25, callMs: 1, batches: 4 }, f.probes)
    expect(overlapped).toBe(false)
    expect(f.state.calls).toBe(25 + 4 * 5)
    expect(growth.iterations).toBe(4 * 5)
    expect(growth.bytes_per_iteration).toBe(100)
    expect(growth.interval[0]).toBeLessThan(100)
    expect(growth.interval[1]).toBeGreaterThan(100)
  })

  test('an error thrown by the function propagates unchanged', async () => {
    const f = fakeHeap(0)
    const error = new Error('leaky')
    const caught = await leakPhase(() => {
      if (++f.state.calls === 30) throw error
    }, false, { budgetMs: 100, callMs: 1 }, f.probes).catch((e: unknown) => e)
    expect(caught).toBe(error)
  })
})

const options = measureOptions

describe("measure with metrics: ['leak'] (fake clock and heap)", () => {
  function fake(perCall: number) {
    const state = { t: 0, calls: 0, events: [] as string[] }
    const probes: Probes = {
      now: () => state.t,
      cpuUsage: () => ({ user: 0, system: 0 }),
      memoryUsage: () => ({ heapUsed: 1_000_000 + state.calls * perCall, rss: 0 }),
      processStats: async () => ({ cpu: 0, memory: 0 }),
      gc: () => void state.events.push(`gc after call ${state.calls}`),
    }
    const fn = () => {
      state.t += 2
      state.calls++
    }
    return { state, fn, deps: { probes } }
  }

  test('records heap_growth from a leak phase that runs after the timed phase', async () => {
    const f = fake(10_000)
    const { sample } = await measure(f.fn, options({ metrics: ['leak'] }), f.deps)
    // 2 ms per call in the timed phase: 100 ms / 9 / 2 ms = 5 calls per batch, and 50 warm-up calls.
    const growth = sample.heap_growth!
    expect(growth).toMatchObject({ bytes_per_iteration: 10_000, iterations: LEAK_BATCHES * 5, batches: LEAK_BATCHES })
    expect(growth.interval[0]).toBeGreaterThan(0)
    expect(growth.p_value).toBeLessThan(1e-6)
    // No GC before every timed call had run: the first one comes after 1 + warm-up + timed calls + leak warm-up.
    const timed = 1 + sample.warmup.iterations + sample.iterations
    expect(f.state.events[0]).toBe(`gc after call ${timed + 50}`)
    expect(f.state.events).toHaveLength(LEAK_BATCHES + 2)
    expect(f.state.calls).toBe(timed + 50 + LEAK_BATCHES * 5)
    expect(sample).not.toHaveProperty('cpu_ns')
  })

  test('without the leak metric there is no leak phase', async () => {
    const f = fake(64)
    const { sample } = await measure(f.fn, options(), f.deps)
    expect(sample).not.toHaveProperty('heap_growth')
    expect(f.state.events).toEqual([])
  })
})

describe('leak phase on the real heap', () => {
  // Module-level, as a real leak would be; emptied after each test.
  const retained: number[][] = []
  afterEach(() => {
    retained.length = 0
  })
  // Short phases: the leaking function retains ~10 KB per call, so keep the calls few.
  const quick = options({ time: 10, iterations: 10, warmupTime: 0, warmupIterations: 2, metrics: ['leak'] })

  test('V8 gc() is available without --expose-gc, and leaves no gc global behind', () => {
    const gc = getFullGc()
    expect(typeof gc).toBe('function')
    expect(() => gc()).not.toThrow()
    expect(getFullGc()).toBe(gc)
    // Unless the process was started with --expose-gc, new contexts (Jest's test files) get no gc global.
    const exposedByUser = /--expose[-_]gc/.test([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' '))
    if (!exposedByUser) expect(vm.runInNewContext('typeof gc')).toBe('undefined')
  })

  test('a function keeping 10 KB per call in a module-level array is found leaking', async () => {
    const leaky = () => {
      retained.push(new Array<number>(1280).fill(retained.length + 0.5))
    }
    const { sample } = await measure(leaky, quick, defaultMeasureDeps)
    const growth = sample.heap_growth!
    expect(growth.interval[0]).toBeGreaterThan(0)
    expect(growth.p_value).toBeLessThan(0.01)
    // 1280 doubles: 10 KB per call, plus the array's header.
    expect(growth.bytes_per_iteration).toBeGreaterThan(8_000)
    expect(growth.batches).toBe(LEAK_BATCHES)
  })

  test('a function that allocates and drops garbage is not', async () => {
    let sink = 0
    const garbage = () => {
      const scratch = new Array<number>(1280).fill(sink + 0.5)
      sink = scratch.length
    }
    // Garbage costs no memory in the end, so this one can afford the default budget: more calls, a longer warm-up.
    const { sample } = await measure(garbage, { ...quick, time: 100 }, defaultMeasureDeps)
    const growth = sample.heap_growth!
    expect(growth.interval[0] <= 0 || growth.p_value > 0.01, JSON.stringify(growth)).toBe(true)
  })

  test('an async function is measured too', async () => {
    const asyncLeaky = async () => {
      await Promise.resolve()
      retained.push(new Array<number>(1280).fill(0.5))
    }
    const { sample } = await measure(asyncLeaky, quick, defaultMeasureDeps)
    expect(sample.heap_growth!.interval[0]).toBeGreaterThan(0)
  })
})
