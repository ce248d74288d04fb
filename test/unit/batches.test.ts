import { describe, test, expect, vi } from 'vitest'
import { measure, type Probes } from '../../src/measure/measure.js'
import { BATCH_TARGET_MS, MAX_BATCH, batchRunner, batchSizeFor, timedPhase, warmUp } from '../../src/measure/phases.js'
import { BatchSamples, quantileOfSorted, SAMPLE_CAPACITY, standardDeviation } from '../../src/measure/samples.js'
import { measureOptions, mulberry32 } from './helpers.js'

/** Exact statistics of a list of per-call times, computed the plain way. */
function exact(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => {
    const rank = (sorted.length - 1) * q
    const low = Math.floor(rank)
    return low === rank ? sorted[low]! : sorted[low]! + (rank - low) * (sorted[low + 1]! - sorted[low]!)
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return { mean, median: at(0.5), p75: at(0.75), p99: at(0.99), min: sorted[0]!, max: sorted[sorted.length - 1]! }
}

/** Log-normal per-call times around `medianMs` with log-spread `sigma`, from a seeded generator. */
function logNormal(medianMs: number, sigma: number, seed: number): () => number {
  const random = mulberry32(seed)
  return () => {
    const u = Math.max(random(), 1e-12)
    const v = random()
    return medianMs * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v))
  }
}

/**
 * A fake clock that only the benchmarked function advances, by the duration `next()` gives
 * for each call; every call's duration is kept (unless `keep` is false), and the clock readings are counted.
 */
function fake(next: () => number, quantum = 0, keep = true) {
  const state = { t: 0, durations: [] as number[], readings: 0 }
  const probes: Probes = {
    now: () => {
      state.readings++
      return quantum > 0 ? Math.floor(state.t / quantum) * quantum : state.t
    },
    cpuUsage: () => ({ user: 0, system: 0 }),
    memoryUsage: () => ({ heapUsed: 0, rss: 0 }),
    processStats: async () => ({ cpu: 0, memory: 0 }),
    gc: () => {},
  }
  const fn = () => {
    const d = next()
    if (keep) state.durations.push(d)
    state.t += d
  }
  /** Durations of the timed calls: after the first call and the warm-up. */
  const timed = (warmupCalls: number, calls: number) => state.durations.slice(1 + warmupCalls, 1 + warmupCalls + calls)
  return { state, fn, timed, deps: { probes } }
}

const NO_METRICS = { metrics: [] as [] }

describe('batch size', () => {
  test('enough calls to last the target, one for calls that long, bounded', () => {
    expect(batchSizeFor(BATCH_TARGET_MS)).toBe(1)
    expect(batchSizeFor(0.5)).toBe(1)
    expect(batchSizeFor(BATCH_TARGET_MS / 4)).toBe(4)
    expect(batchSizeFor(0.000_001)).toBe(Math.ceil(BATCH_TARGET_MS / 0.000_001))
    expect(batchSizeFor(1e-12)).toBe(MAX_BATCH)
    expect(batchSizeFor(0)).toBe(1)
    expect(batchSizeFor(Number.NaN)).toBe(1)
  })
})

describe('BatchSamples', () => {
  test('one sample per batch, its time over its calls; the mean is over all calls', () => {
    const s = new BatchSamples(4)
    s.add(8)
    s.add(4)
    expect(s.calls).toBe(8)
    expect(s.length).toBe(2)
    const { sorted, meanMs, calls } = s.summary()
    expect([...sorted]).toEqual([1, 2])
    expect(meanMs).toBe(12 / 8)
    expect(calls).toBe(8)
  })

  test('when full, neighbours merge in pairs into exact per-call times of twice the batch, and batches double', () => {
    const s = new BatchSamples(1, 4)
    for (const ms of [1, 3, 5, 7]) s.add(ms)
    // Full at 4: merged into [2, 6], later batches have 2 calls.
    expect(s.length).toBe(2)
    expect(s.batch).toBe(2)
    s.add(20) // 2 calls of 10 ms
    expect([...s.summary().sorted]).toEqual([2, 6, 10])
    expect(s.calls).toBe(6)
    expect(s.summary().meanMs).toBe((1 + 3 + 5 + 7 + 20) / 6)
  })

  test('memory stays bounded however many batches are added', () => {
    const s = new BatchSamples(1, 16)
    let calls = 0
    for (let i = 0; i < 100; i++) {
      calls += s.batch
      s.add(s.batch) // 1 ms a call
    }
    expect(s.length).toBeLessThanOrEqual(16)
    expect(s.batch).toBeGreaterThan(1000)
    expect(s.calls).toBe(calls)
    expect(s.summary().meanMs).toBe(1)
    expect([...s.summary().sorted].every((v) => v === 1)).toBe(true)
  })

  test('bad arguments say what is wrong', () => {
    expect(() => new BatchSamples(0)).toThrow('batch must be a whole number of at least 1 (got 0)')
    expect(() => new BatchSamples(1, 3)).toThrow('capacity must be an even whole number of at least 2 (got 3)')
    expect(() => new BatchSamples(1).summary()).toThrow('no batch was recorded')
  })

  test('quantiles interpolate between ranks; the standard deviation is the sample one', () => {
    expect(quantileOfSorted([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(quantileOfSorted([1, 2, 3, 4], 0.75)).toBeCloseTo(3.25, 12)
    expect(quantileOfSorted([7], 0.99)).toBe(7)
    expect(quantileOfSorted([1, 2], 1)).toBe(2)
    expect(() => quantileOfSorted([], 0.5)).toThrow('at least one value')
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935, 9)
    expect(standardDeviation([3])).toBe(0)
  })
})

describe('the phases', () => {
  test('a batch runner makes exactly the calls asked for, and awaits async ones in turn', async () => {
    let calls = 0
    const run = batchRunner(() => calls++, false)
    expect(run(5)).toBeUndefined()
    expect(calls).toBe(5)
    const order: string[] = []
    const runAsync = batchRunner(async () => {
      order.push('start')
      await Promise.resolve()
      order.push('end')
    }, true)
    await runAsync(3)
    expect(order).toEqual(['start', 'end', 'start', 'end', 'start', 'end'])
  })

  test('where code generation from strings is disallowed, a shared loop makes the calls', () => {
    vi.stubGlobal(
      'Function',
      class {
        constructor() {
          throw new EvalError('Code generation from strings disallowed for this context')
        }
      },
    )
    try {
      let calls = 0
      const run = batchRunner(() => calls++, false)
      run(7)
      expect(calls).toBe(7)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  test('an async batch ends after the call during which its signal was aborted', async () => {
    const controller = new AbortController()
    let calls = 0
    const run = batchRunner(async () => {
      if (++calls === 4) controller.abort()
    }, true, controller.signal)
    await run(100)
    expect(calls).toBe(4)
  })

  test('warm-up batches grow until one lasts the target, and only grow', async () => {
    const f = fake(() => 0.000_5) // 0.5 µs a call
    const inner = batchRunner(f.fn, false)
    const sizes: number[] = []
    const run = (calls: number) => {
      sizes.push(calls)
      return inner(calls)
    }
    const warmup = await warmUp(run, { iterations: 5, time: 2, until: Infinity, firstCallMs: 0.01 }, f.deps.probes.now, () => {})
    expect(warmup.batch).toBe(40)
    expect(warmup.calls).toBe(f.state.durations.length)
    expect(sizes[0]).toBe(2) // from the first call's 10 µs
    expect(sizes.slice(1).every((size, i) => size >= sizes[i]!)).toBe(true)
    expect(sizes.at(-1)).toBe(40)
    expect(warmup.ms).toBeGreaterThanOrEqual(2)
    expect(warmup.cut).toBe(false)
  })

  test('a batch the thread spent waiting for a core (a late call of 5 ms) does not shrink the timed batch', async () => {
    let calls = 0
    const f = fake(() => (++calls === 3000 ? 5 : 0.000_5))
    const warmup = await warmUp(batchRunner(f.fn, false), { iterations: 5, time: 2, until: Infinity, firstCallMs: 0.01 }, f.deps.probes.now, () => {})
    expect(calls).toBeGreaterThan(3000)
    expect(warmup.batch).toBe(40)
  })

  test('a clock too coarse to see a batch doubles it until it can', async () => {
    // 1 µs calls on a clock that moves in 0.1 ms steps.
    const f = fake(() => 0.001, 0.1)
    const warmup = await warmUp(batchRunner(f.fn, false), { iterations: 0, time: 5, until: Infinity, firstCallMs: 0 }, f.deps.probes.now, () => {})
    expect(warmup.batch).toBeGreaterThanOrEqual(19)
  })

  test('the timed phase runs at least one batch, and stops at the deadline even below its minimum calls', async () => {
    const f = fake(() => 1)
    const start = f.deps.probes.now()
    const one = await timedPhase(batchRunner(f.fn, false), { batch: 1, iterations: 10, time: 0, deadline: -1 }, start, f.deps.probes.now, () => {})
    expect(one.calls).toBe(1)
    const cut = await timedPhase(batchRunner(f.fn, false), { batch: 1, iterations: 100, time: 0, deadline: f.state.t + 5 }, f.state.t, f.deps.probes.now, () => {})
    expect(cut.calls).toBe(6)
  })
})

describe('measure: how exact batched statistics are (injected per-call times)', () => {
  test('calls longer than the batch target are timed one by one: every statistic is exact', async () => {
    const f = fake(logNormal(0.05, 0.3, 7)) // 50 µs median
    const { sample } = await measure(f.fn, measureOptions(NO_METRICS), f.deps)
    expect(sample.wall_ns.n).toBe(sample.iterations)
    const want = exact(f.timed(sample.warmup.iterations, sample.iterations))
    for (const key of ['mean', 'median', 'p75', 'p99', 'min', 'max'] as const) {
      expect(sample.wall_ns[key] / (want[key] * 1e6)).toBeCloseTo(1, 6)
    }
  })

  test('short calls are batched: the mean is exact, the median within 0.5% of the per-call mean and 3% of the per-call median', async () => {
    // 1 µs median, log-spread 0.2: the per-call mean is 2% above the per-call median.
    const f = fake(logNormal(0.001, 0.2, 11))
    const { sample } = await measure(f.fn, measureOptions(NO_METRICS), f.deps)
    const batch = sample.iterations / sample.wall_ns.n
    expect(batch).toBe(Math.round(batch))
    expect(batch * 0.001).toBeGreaterThanOrEqual(BATCH_TARGET_MS * 0.9)
    const want = exact(f.timed(sample.warmup.iterations, sample.iterations))
    expect(sample.wall_ns.mean / (want.mean * 1e6)).toBeCloseTo(1, 6)
    expect(Math.abs(sample.wall_ns.median / (want.mean * 1e6) - 1)).toBeLessThan(0.005)
    expect(Math.abs(sample.wall_ns.median / (want.median * 1e6) - 1)).toBeLessThan(0.03)
    // The tails are those of batch averages: never beyond the per-call extremes.
    expect(sample.wall_ns.p99).toBeLessThanOrEqual(want.p99 * 1e6)
    expect(sample.wall_ns.min).toBeGreaterThanOrEqual(want.min * 1e6)
    expect(sample.wall_ns.max).toBeLessThanOrEqual(want.max * 1e6)
  })

  test('a long timed phase merges samples: bounded, and as exact as without merging', async () => {
    const f = fake(logNormal(0.001, 0.2, 13))
    const { sample } = await measure(f.fn, measureOptions({ ...NO_METRICS, time: 300 }), f.deps)
    expect(sample.wall_ns.n).toBeLessThanOrEqual(SAMPLE_CAPACITY)
    expect(sample.iterations).toBeGreaterThan(250_000)
    const want = exact(f.timed(sample.warmup.iterations, sample.iterations))
    expect(sample.wall_ns.mean / (want.mean * 1e6)).toBeCloseTo(1, 6)
    expect(Math.abs(sample.wall_ns.median / (want.mean * 1e6) - 1)).toBeLessThan(0.005)
  })

  test('a trivial function reads the clock twice per batch, not per call', async () => {
    const f = fake(() => 0.000_01, 0, false) // 10 ns a call
    const { sample } = await measure(f.fn, measureOptions(NO_METRICS), f.deps)
    expect(sample.iterations).toBeGreaterThan(9_000_000)
    // Warm-up batches (a few growing ones, then full ones) and timed batches, two readings each.
    const batch = sample.iterations / sample.wall_ns.n
    expect(f.state.readings).toBeLessThan(2 * (sample.wall_ns.n + sample.warmup.iterations / batch + 50))
    expect(sample.wall_ns.median).toBeCloseTo(10, 6)
  })
})

describe('measure: the whole call stays inside warm-up + timed budget', () => {
  // Defaults: warm-up 20 ms, timed phase 100 ms. Beyond them: the first call, and at most one batch past each phase's end.
  test.each([
    ['a trivial function (10 ns)', 0.000_01],
    ['a 0.5 ms function', 0.5],
  ])('%s', async (_name, callMs) => {
    const f = fake(() => callMs, 0, false)
    const options = measureOptions(NO_METRICS)
    const { sample } = await measure(f.fn, options, f.deps)
    const batchMs = Math.max(callMs, 2 * BATCH_TARGET_MS)
    expect(sample.duration_ms).toBeGreaterThanOrEqual(options.warmupTime + options.time)
    expect(sample.duration_ms).toBeLessThanOrEqual(options.warmupTime + options.time + callMs + 2 * batchMs)
  })
})
