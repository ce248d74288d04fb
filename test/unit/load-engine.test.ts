import { describe, expect, test } from 'vitest'
import { runLoad } from '../../src/load/engine.js'
import { checkLoadCall, type LoadOptions, type LoadPlan } from '../../src/load/options.js'
import { loadResult } from '../../src/load/result.js'
import { FakeClock, fakeDeps } from './load-clock.js'
import { mulberry32 } from './helpers.js'

const planOf = (options: LoadOptions): LoadPlan => checkLoadCall(() => {}, options).plan

/** Runs a load test of `fn` on `clock` and returns its result for the test. */
async function load(clock: FakeClock, fn: (call: { signal: AbortSignal }) => unknown, options: LoadOptions) {
  const plan = planOf(options)
  const run = await clock.run(runLoad(fn, plan, fakeDeps(clock)))
  return { run, result: loadResult(run, plan) }
}

describe('the closed model', () => {
  test('workers start their next call when the last ends: throughput is workers over latency', async () => {
    const clock = new FakeClock()
    const { result, run } = await load(clock, () => clock.delay(10), { concurrency: 4, duration: '1s', warmup: '100ms' })
    expect(result.model).toBe('closed')
    expect(result.throughput).toBeCloseTo(400, 0)
    expect(result.calls).toBeGreaterThanOrEqual(396)
    expect(result.calls).toBeLessThanOrEqual(404)
    expect(result.latencyMs.p50).toBeCloseTo(10, 1)
    expect(result.latencyMs.max).toBeCloseTo(10, 1)
    expect(result.concurrency).toBeCloseTo(4, 1)
    expect(result.errors).toBe(0)
    expect(result.unfinished).toBe(0)
    // The warm-up's calls are not in the figures.
    expect(run.warmup.calls).toBe(40)
    expect(run.warmup.ms).toBe(100)
    expect(clock.pending).toBe(0)
  })

  test('rampUp starts the workers one by one, linearly, before the warm-up', async () => {
    const clock = new FakeClock()
    const starts: { at: number; worker: number }[] = []
    let inFlight = 0
    const fn = async () => {
      starts.push({ at: clock.now(), worker: ++inFlight })
      await clock.delay(10)
      inFlight--
    }
    const { run } = await load(clock, fn, { concurrency: 4, rampUp: '300ms', warmup: 0, duration: '100ms' })
    // Workers join at 0, 75, 150 and 225 ms; each then runs back to back.
    const firstAtLevel = [1, 2, 3, 4].map((n) => starts.find((s) => s.worker === n)!.at)
    expect(firstAtLevel).toEqual([0, 75, 150, 225])
    expect(starts.filter((s) => s.at < 300).every((s) => s.worker <= 1 + Math.floor(s.at / 75))).toBe(true)
    expect(run.warmup.ms).toBe(300)
    expect(run.steps[0]!.concurrency).toBeCloseTo(4, 1)
  })

  test('a list of concurrencies measures each level and the scaling against the first', async () => {
    const clock = new FakeClock()
    // A server with 2 slots: past 2 workers, calls queue and throughput stops growing.
    let busy = 0
    const queue: (() => void)[] = []
    const fn = async () => {
      if (busy >= 2) await new Promise<void>((resolve) => queue.push(resolve))
      else busy++
      await clock.delay(10)
      const next = queue.shift()
      if (next) next()
      else busy--
    }
    const { result } = await load(clock, fn, { concurrency: [1, 2, 4], duration: '500ms', warmup: '50ms' })
    expect(result.steps.map((s) => s.level)).toEqual([1, 2, 4])
    const [one, two, four] = result.steps
    expect(one!.throughput).toBeCloseTo(100, -1)
    expect(two!.throughput).toBeCloseTo(200, -1)
    expect(four!.throughput).toBeCloseTo(200, -1)
    expect(one!.efficiency).toBe(1)
    expect(two!.efficiency).toBeCloseTo(1, 1)
    expect(four!.efficiency).toBeCloseTo(0.5, 1)
    expect(result.steps[2]!.latencyMs.p50).toBeCloseTo(20, 1)
    // The result's own figures are the last level's.
    expect(result.throughput).toBe(result.steps[2]!.throughput)
  })

  test('calls ends the measured phase once that many calls have finished', async () => {
    const clock = new FakeClock()
    const { run, result } = await load(clock, () => clock.delay(5), { concurrency: 2, calls: 50, warmup: 0 })
    expect(run.steps[0]!.completed).toBe(50)
    expect(run.steps[0]!.durationMs).toBe(125)
    expect(result.throughput).toBe(400)
    expect(run.capped).toEqual([])
  })
})

describe('the open model', () => {
  test('calls start at a constant rate whatever they take, at most maxConcurrency at once', async () => {
    const clock = new FakeClock()
    const starts: number[] = []
    const { result } = await load(
      clock,
      () => {
        starts.push(clock.now())
        return clock.delay(25)
      },
      { rate: 100, maxConcurrency: 10, duration: '1s', warmup: 0 },
    )
    expect(result.model).toBe('open')
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!)
    expect(gaps.every((g) => Math.abs(g - 10) < 1e-6)).toBe(true)
    expect(result.calls).toBe(100)
    // The calls that finished inside the measured second: those scheduled in its last 25 ms had not.
    expect(result.throughput).toBeCloseTo(100, -1)
    expect(result.latencyMs.p99).toBeCloseTo(25, 1)
    // Little's law: 100 calls/s × 25 ms.
    expect(result.concurrency).toBeCloseTo(2.5, 1)
  })

  test('rampUp raises the rate linearly from 0: a quarter of the ramp’s calls in its first half', async () => {
    const clock = new FakeClock()
    const starts: number[] = []
    await load(
      clock,
      () => {
        starts.push(clock.now())
        return clock.delay(1)
      },
      { rate: 200, maxConcurrency: 50, rampUp: '1s', warmup: 0, duration: '500ms' },
    )
    // 200/s ramped over 1 s: 100 calls in the ramp (the 100th at 1 s exactly), 25 of them in its
    // first half (the 25th at 500 ms exactly); then 100 in 500 ms, every 5 ms.
    expect(starts.filter((t) => t <= 500)).toHaveLength(25)
    expect(starts.filter((t) => t < 1000)).toHaveLength(99)
    expect(starts.filter((t) => t >= 1000 && t < 1500)).toHaveLength(100)
  })

  test('a call due while every slot is busy waits, and its wait counts in its latency', async () => {
    const clock = new FakeClock()
    // 1 slot, calls of 20 ms, due every 10 ms: each waits longer than the one before.
    const { result, run } = await load(clock, () => clock.delay(20), { rate: 100, maxConcurrency: 1, duration: '200ms', warmup: 0, drain: '10s' })
    expect(result.throughput).toBeGreaterThanOrEqual(45)
    expect(result.throughput).toBeLessThanOrEqual(50)
    // The k-th call is scheduled at 10k ms and ends at 20(k+1) ms.
    expect(result.latencyMs.p50).toBeGreaterThan(100)
    expect(result.latencyMs.max).toBeGreaterThan(200)
    expect(run.unfinished).toBe(0)
    expect(result.concurrency).toBeCloseTo(1, 1)
  })
})

describe('coordinated omission: a server that stalls for 1 s', () => {
  /** Calls take 1 ms, except that everything arriving from 2 s to 3 s waits until 3 s. */
  const stalling = (clock: FakeClock) => () => (clock.now() >= 2000 && clock.now() < 3000 ? clock.sleepUntil(3001) : clock.delay(1))

  test('the open model measures from the scheduled start: its p99 shows the stall', async () => {
    const clock = new FakeClock()
    const { result } = await load(clock, stalling(clock), { rate: 1000, maxConcurrency: 2000, duration: '5s', warmup: 0 })
    expect(result.calls).toBe(5000)
    expect(result.latencyMs.p99).toBeGreaterThan(900)
    expect(result.latencyMs.p90).toBeGreaterThan(400)
    expect(result.latencyMs.max).toBeCloseTo(1001, -1)
  })

  test('with few slots, the calls queue behind the stall: the open model still shows it', async () => {
    const clock = new FakeClock()
    const { result } = await load(clock, stalling(clock), { rate: 1000, maxConcurrency: 4, duration: '5s', warmup: 0 })
    expect(result.latencyMs.p99).toBeGreaterThan(900)
  })

  test('the closed model sees only the few calls that were stuck: its p99 does not show the stall, its max does', async () => {
    const clock = new FakeClock()
    const { result } = await load(clock, stalling(clock), { concurrency: 4, duration: '5s', warmup: 0 })
    expect(result.latencyMs.p99).toBeCloseTo(1, 1)
    expect(result.latencyMs.max).toBeGreaterThan(900)
    // The stall is in its throughput: 4 workers did nothing for a second.
    expect(result.throughput).toBeLessThan(3300)
  })
})

describe('percentiles', () => {
  test('are those of a known distribution: every whole ms from 1 to 100 equally often, in shuffled order', async () => {
    const clock = new FakeClock()
    const random = mulberry32(7)
    const order = Array.from({ length: 10_000 }, (_, i) => 1 + (i % 100))
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    let n = 0
    const { result } = await load(clock, () => clock.delay(order[n++ % order.length]!), { concurrency: 1, calls: 10_000, warmup: 0 })
    expect(result.calls).toBe(10_000)
    // To the histogram's 3 significant digits.
    expect(result.latencyMs.p50).toBeCloseTo(50, 1)
    expect(result.latencyMs.p90).toBeCloseTo(90, 1)
    expect(result.latencyMs.p95).toBeCloseTo(95, 1)
    expect(result.latencyMs.p99).toBeCloseTo(99, 1)
    expect(result.latencyMs.max).toBeCloseTo(100, 0)
    expect(result.latencyMs.mean).toBeCloseTo(50.5, 1)
  })
})

describe('errors and calls that never finish', () => {
  test('a call that throws or rejects is an error: counted, rated, its first distinct messages kept printable', async () => {
    const clock = new FakeClock()
    let n = 0
    const fn = async () => {
      await clock.delay(1)
      n++
      if (n % 20 === 0) throw new Error('HTTP 500\n::error::injected')
      if (n % 50 === 1) throw `plain ${n % 7}`
    }
    const { result } = await load(clock, fn, { concurrency: 1, calls: 1000, warmup: 0 })
    // Calls 20, 40, …, 1000 and 1, 51, …, 951 of the 1000.
    expect(result.calls).toBe(1000)
    expect(result.errors).toBe(70)
    expect(result.errorRate).toBe(0.07)
    // In order of first sight; plain 5, 6 and 0 came after five others.
    expect(result.errorMessages).toEqual([
      { message: 'plain 1', count: 3 },
      { message: 'HTTP 500⏎::error::injected', count: 50 },
      { message: 'plain 2', count: 3 },
      { message: 'plain 3', count: 3 },
      { message: 'plain 4', count: 3 },
    ])
  })

  test('a sync function that throws is an error too', async () => {
    const clock = new FakeClock()
    let calls = 0
    const fn = () => {
      if (++calls % 2 === 0) throw new Error('odd')
      return clock.delay(1)
    }
    const { result } = await load(clock, fn, { concurrency: 1, calls: 10, warmup: 0 })
    expect(result.errors).toBe(5)
    expect(result.errorMessages).toEqual([{ message: 'odd', count: 5 }])
  })

  test('calls still running after the drain are cut off: counted, their signal aborted, nothing left running', async () => {
    const clock = new FakeClock()
    const signals: AbortSignal[] = []
    const hanging: (() => void)[] = []
    let n = 0
    const fn = ({ signal }: { signal: AbortSignal }) => {
      signals.push(signal)
      // Every 10th call never settles on its own.
      return ++n % 10 === 0 ? new Promise<void>((resolve) => hanging.push(resolve)) : clock.delay(5)
    }
    const { run, result } = await load(clock, fn, { concurrency: 4, duration: '200ms', warmup: 0, drain: '100ms' })
    expect(run.unfinished).toBe(4)
    expect(result.unfinished).toBe(4)
    expect(signals.every((s) => s.aborted)).toBe(true)
    expect(clock.pending).toBe(0)
    expect(run.totalMs).toBeCloseTo(300, 0)
    // A hanging call that finishes later changes nothing.
    const before = run.steps[0]!.latencies.count
    for (const resolve of hanging) resolve()
    await new Promise((resolve) => setImmediate(resolve))
    expect(run.steps[0]!.latencies.count).toBe(before)
  })

  test('the test’s abort stops the load test at once and rejects with its reason', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    let calls = 0
    // The calls pass the signal on, so they stop too.
    const fn = async ({ signal }: { signal: AbortSignal }) => {
      if (++calls === 30) controller.abort(new Error('Test timed out in 5000ms.'))
      await clock.sleepUntil(clock.now() + 1, signal)
    }
    const plan = planOf({ concurrency: 2, duration: '10s' })
    await expect(clock.run(runLoad(fn, plan, fakeDeps(clock), { until: Infinity, signal: controller.signal }))).rejects.toThrow('Test timed out in 5000ms.')
    expect(clock.time).toBeLessThan(100)
    expect(clock.pending).toBe(0)
  })

  test('a deadline cuts a calls phase short and says so', async () => {
    const clock = new FakeClock()
    const plan = planOf({ concurrency: 1, calls: 1000, warmup: 0, drain: '50ms' })
    // Calls of 7 ms: 71 finish by 500 ms, the time left before the drain's 50 ms.
    const run = await clock.run(runLoad(() => clock.delay(7), plan, fakeDeps(clock), { until: 550 }))
    expect(run.steps[0]!.completed).toBe(71)
    expect(run.capped).toEqual(['the measured phase at level 1 finished 71 of 1000 calls'])
    expect(run.unfinished).toBe(0)
    expect(clock.time).toBeLessThanOrEqual(550)
  })
})
