import { describe, expect, test } from 'vitest'
import { ConfigError } from '../../src/config/validate.js'
import { checkLoadCall, parseTime, plannedMs } from '../../src/load/options.js'
import { Arrivals, workerStarts } from '../../src/load/schedule.js'

function problemsOf(options: unknown): string[] {
  try {
    checkLoadCall(() => {}, options)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).problems
  }
  throw new Error('expected a ConfigError')
}

describe('perf.load() options', () => {
  test('the closed model with its defaults: 1 s measured after a 200 ms warm-up, 1 s to drain', () => {
    const { plan, name, record } = checkLoadCall(() => {}, { concurrency: 8 })
    expect(plan).toEqual({ model: 'closed', levels: [8], maxConcurrency: 8, durationMs: 1000, calls: undefined, rampUpMs: 0, warmupMs: 200, drainMs: 1000 })
    expect(name).toBeUndefined()
    expect(record).toBeUndefined()
    expect(plannedMs(plan)).toBe(1200)
  })

  test('the open model, levels, times as strings and numbers, calls instead of duration', () => {
    const { plan } = checkLoadCall(() => {}, { rate: [100, 200.5], maxConcurrency: 32, calls: 500, rampUp: '1.5s', warmup: 0, drain: '250ms', name: 'search' })
    expect(plan).toEqual({ model: 'open', levels: [100, 200.5], maxConcurrency: 32, durationMs: undefined, calls: 500, rampUpMs: 1500, warmupMs: 0, drainMs: 250 })
    expect(plannedMs(plan)).toBe(3000)
    expect(checkLoadCall(() => {}, { concurrency: [1, 4, 16], duration: '2m' }).plan.maxConcurrency).toBe(16)
  })

  test.each<[string, unknown, string]>([
    ['zero concurrency', { concurrency: 0 }, 'perf.load() concurrency must be a whole number of 1 or more, or a list of them, like 16 or [1, 4, 16] (got 0)'],
    ['negative concurrency', { concurrency: -4 }, '(got -4)'],
    ['fractional concurrency', { concurrency: 2.5 }, 'concurrency must be a whole number of 1 or more'],
    ['an empty list', { concurrency: [] }, '(got [])'],
    ['a bad level in a list', { concurrency: [1, 0] }, '(got [1,0])'],
    ['too many levels', { concurrency: Array.from({ length: 21 }, (_, i) => i + 1) }, 'or a list of them (at most 20 levels)'],
    ['zero rate', { rate: 0, maxConcurrency: 4 }, 'perf.load() rate must be a number above 0, or a list of them, like 500 (calls per second) or [100, 200, 400] (got 0)'],
    ['negative rate', { rate: -1, maxConcurrency: 4 }, 'rate must be a number above 0'],
    ['rate without maxConcurrency', { rate: 100 }, 'perf.load() rate needs maxConcurrency, the most calls in flight at once (like { rate: 200, maxConcurrency: 64 })'],
    ['a bad maxConcurrency', { rate: 100, maxConcurrency: 0 }, 'perf.load() maxConcurrency must be a whole number of 1 or more, like 64 (got 0)'],
    ['maxConcurrency with concurrency', { concurrency: 4, maxConcurrency: 8 }, 'maxConcurrency is for the open model (rate)'],
    ['both models', { concurrency: 4, rate: 100, maxConcurrency: 8 }, 'perf.load() takes concurrency (the closed model) or rate (the open model), not both'],
    ['neither model', { duration: '1s' }, 'perf.load() needs concurrency (workers, the closed model'],
    ['zero duration', { concurrency: 1, duration: 0 }, "perf.load() duration must be a time above 0, like '5s', '500ms' or 2000 (milliseconds) (got 0)"],
    ['negative duration', { concurrency: 1, duration: '-5s' }, 'duration must be a time above 0'],
    ['a duration without a unit', { concurrency: 1, duration: '5' }, `(got "5")`],
    ['a duration in words', { concurrency: 1, duration: '5 sec' }, `(got "5 sec")`],
    ['both calls and duration', { concurrency: 1, calls: 100, duration: '1s' }, 'perf.load() takes duration or calls to end the measured phase, not both'],
    ['zero calls', { concurrency: 1, calls: 0 }, 'perf.load() calls must be a whole number of 1 or more, like 1000 (got 0)'],
    ['a negative ramp', { concurrency: 1, rampUp: -1 }, 'perf.load() rampUp must be a time of 0 or more'],
    ['a bad warm-up', { concurrency: 1, warmup: 'soon' }, 'perf.load() warmup must be a time of 0 or more'],
    ['an empty name', { concurrency: 1, name: '' }, 'perf.load() name must be a non-empty string (got "")'],
    ['record not a function', { concurrency: 1, record: 5 }, 'perf.load() record must be a function'],
    ['an unknown key', { concurrency: 1, vus: 10 }, 'unknown option perf.load() vus (allowed: concurrency, rate, maxConcurrency, duration, calls, rampUp, warmup, drain, name, record)'],
  ])('refuses %s, saying what is wrong', (_label, options, message) => {
    expect(problemsOf(options).join('\n')).toContain(message)
  })

  test('lists every problem at once; messages are made printable', () => {
    const problems = problemsOf({ concurrency: 0, duration: '\u001b[31m', calls: -1 })
    expect(problems).toHaveLength(4)
    const error = new ConfigError(problems)
    expect(error.message).not.toContain('\u001b')
  })

  test('no options, or not a function', () => {
    expect(problemsOf(undefined)[0]).toContain('perf.load() needs options with concurrency (the closed model) or rate and maxConcurrency (the open model)')
    expect(() => checkLoadCall('http://x', { concurrency: 1 })).toThrow(TypeError)
    expect(() => checkLoadCall('http://x', { concurrency: 1 })).toThrow('perf.load() needs a function to call under load')
  })

  test('parseTime reads ms, s and m, and numbers as milliseconds', () => {
    const problems: string[] = []
    expect(['250ms', '1.5s', '2m', ' 3 s ', '.5s', 40].map((t) => parseTime(t, 't', true, problems))).toEqual([250, 1500, 120_000, 3000, 500, 40])
    expect(parseTime(0, 't', false, problems)).toBe(0)
    expect(problems).toEqual([])
    expect(parseTime(Infinity, 't', true, problems)).toBeUndefined()
    expect(problems).toHaveLength(1)
  })
})

describe('the schedule', () => {
  const take = (a: Arrivals, n: number) => Array.from({ length: n }, () => a.take())

  test('a constant rate starts at once and spaces arrivals evenly', () => {
    const a = new Arrivals(100)
    a.segment(100, 50, 0)
    expect(take(a, 4)).toEqual([100, 120, 140, 160])
  })

  test('a ramp from 0: the k-th arrival at sqrt(2·ramp·k/rate), then evenly after it', () => {
    const a = new Arrivals(0)
    a.segment(0, 200, 1000)
    const times = take(a, 102)
    expect(times[0]).toBeCloseTo(100, 9)
    expect(times[24]).toBeCloseTo(500, 9)
    expect(times[99]).toBeCloseTo(1000, 9)
    expect(times[100]).toBeCloseTo(1005, 9)
  })

  test('a new segment mid-way carries the part of a call accrued so far, and ramps from the rate reached', () => {
    const a = new Arrivals(0)
    a.segment(0, 100, 0)
    expect(take(a, 3)).toEqual([0, 10, 20])
    // At 25 ms half of the next call has accrued; at 1000/s the rest takes 0.5 ms.
    a.segment(25, 1000, 0)
    expect(a.take()).toBeCloseTo(25.5, 9)
    expect(a.take()).toBeCloseTo(26.5, 9)
    // Ramping down from 1000/s to 0 over 10 ms accrues 5 calls in all.
    const b = new Arrivals(0)
    b.segment(0, 1000, 0)
    b.take()
    b.segment(0, 0, 10)
    const down = take(b, 6)
    expect(down.slice(0, 5).every((t) => t > 0 && t <= 10)).toBe(true)
    expect(down[5]).toBe(Infinity)
  })

  test('workers of a ramp start linearly, the first at once', () => {
    expect(workerStarts(0, 0, 4, 300)).toEqual([0, 75, 150, 225])
    expect(workerStarts(50, 2, 4, 100)).toEqual([50, 100])
    expect(workerStarts(0, 0, 3, 0)).toEqual([0, 0, 0])
    expect(workerStarts(0, 4, 2, 100)).toEqual([])
  })
})
