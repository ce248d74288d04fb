import { describe, expect, test } from 'vitest'
import { pairedRounds, sameTier, tierOf, type PairedDeps, type PairedOptions, type PairSide } from '../../src/ab/paired.js'

const OPTIONS: PairedOptions = { warmupTime: 10, roundTime: 5, cycles: 4 }

type Event = 'now' | 'base' | 'head' | 'optimize'

/**
 * A fake clock that only moves inside the measured functions: the base's call takes
 * `baseMs`, the head's `headMs`. Every clock read and call is logged in order.
 */
function rig(baseMs = 1, headMs = 1.1, async = false) {
  let t = 0
  const log: Event[] = []
  const call = (side: 'base' | 'head', ms: number) => () => {
    log.push(side)
    t += ms
    return async ? Promise.resolve(side) : side
  }
  const base: PairSide = { fn: call('base', baseMs), async }
  const head: PairSide = { fn: call('head', headMs), async }
  const deps: PairedDeps = {
    now: () => {
      log.push('now')
      return t
    },
  }
  /** The rounds that ran, in order: each is the calls between a start and an end reading of the clock. */
  const rounds = () => {
    const out: { side: Event; calls: number }[] = []
    let current: { side: Event; calls: number } | undefined
    for (const e of log) {
      if (e === 'now' || e === 'optimize') {
        if (current) out.push(current)
        current = undefined
      } else if (current && current.side === e) current.calls++
      else current = { side: e, calls: 1 }
    }
    return out
  }
  return { base, head, deps, log, rounds, advance: (ms: number) => (t += ms) }
}

describe('pairedRounds with a fake clock', () => {
  test('each cycle compares the two sides exactly: ln(1.1)', async () => {
    const r = rig()
    const ev = await pairedRounds(r.base, r.head, OPTIONS, r.deps)
    expect(ev.cycles).toHaveLength(4)
    for (const c of ev.cycles) expect(c).toBeCloseTo(Math.log(1.1), 10)
    // Warm-up: 1 ms and 1.1 ms per call, so a 5 ms round is round(5 / 1.1) = 5 calls.
    expect(ev.calls).toBe(5)
    expect(ev.base_ns).toBeCloseTo(1e6, 3)
    expect(ev.head_ns).toBeCloseTo(1.1e6, 3)
    expect(ev.base_rounds_ns).toHaveLength(8)
    expect(ev.head_rounds_ns).toHaveLength(8)
    for (const ns of ev.base_rounds_ns) expect(ns).toBeCloseTo(1e6, 3)
    for (const ns of ev.head_rounds_ns) expect(ns).toBeCloseTo(1.1e6, 3)
    expect(ev).not.toHaveProperty('tiers')
  })

  test('the same number of calls per round on both sides', async () => {
    const r = rig(0.5, 2)
    const ev = await pairedRounds(r.base, r.head, { warmupTime: 20, roundTime: 7, cycles: 3 }, r.deps)
    // The slower side sets the count: round(7 / 2) = 4.
    expect(ev.calls).toBe(4)
    const timed = r.rounds().slice(-12)
    expect(timed.every((round) => round.calls === 4)).toBe(true)
    for (const c of ev.cycles) expect(c).toBeCloseTo(Math.log(4), 10)
  })

  test('rounds alternate ABBA, then BAAB', async () => {
    const r = rig()
    await pairedRounds(r.base, r.head, { ...OPTIONS, cycles: 3 }, r.deps)
    const timed = r.rounds().slice(-12).map((round) => round.side)
    expect(timed).toEqual(['base', 'head', 'head', 'base', 'head', 'base', 'base', 'head', 'base', 'head', 'head', 'base'])
  })

  test('warm-up alternates the sides and lasts at least the warm-up time on each', async () => {
    const r = rig()
    await pairedRounds(r.base, r.head, OPTIONS, r.deps)
    const warm = r.rounds().slice(0, -16)
    expect(warm.length).toBeGreaterThanOrEqual(20)
    warm.forEach((round, i) => expect(round.side).toBe(i % 2 === 0 ? 'base' : 'head'))
    expect(warm.filter((x) => x.side === 'base').reduce((a, x) => a + x.calls, 0)).toBeGreaterThanOrEqual(10)
  })

  test('fast functions: warm-up batches grow, rounds hold many calls', async () => {
    const r = rig(0.01, 0.011)
    const ev = await pairedRounds(r.base, r.head, { warmupTime: 10, roundTime: 4, cycles: 2 }, r.deps)
    const warm = r.rounds().slice(0, -8)
    expect(warm[0]!.calls).toBe(1)
    expect(Math.max(...warm.map((x) => x.calls))).toBeGreaterThanOrEqual(32)
    // perCall is the head's 0.011 ms: round(4 / 0.011) = 364.
    expect(ev.calls).toBe(364)
    for (const c of ev.cycles) expect(c).toBeCloseTo(Math.log(1.1), 8)
  })

  test('a round longer than the target still runs one call', async () => {
    const r = rig(10, 11)
    const ev = await pairedRounds(r.base, r.head, { warmupTime: 5, roundTime: 1, cycles: 2 }, r.deps)
    expect(ev.calls).toBe(1)
    expect(ev.base_ns).toBeCloseTo(10e6, 3)
    expect(ev.head_ns).toBeCloseTo(11e6, 3)
  })

  test('optimize is called for both functions after the warm-up, before the timed rounds', async () => {
    const r = rig()
    const optimizedFns: { fn: () => unknown; async: boolean }[] = []
    const deps: PairedDeps = {
      ...r.deps,
      optimize: async (fn, async) => {
        r.log.push('optimize')
        optimizedFns.push({ fn, async })
      },
    }
    const ev = await pairedRounds(r.base, r.head, OPTIONS, deps)
    expect(optimizedFns).toEqual([
      { fn: r.base.fn, async: false },
      { fn: r.head.fn, async: false },
    ])
    const at = r.log.indexOf('optimize')
    expect(r.log.lastIndexOf('optimize')).toBe(at + 1)
    // After optimizing: one untimed-for-cycles round of each, then the 16 timed rounds.
    // Warm-up rounds all ran before optimizing.
    expect(r.log.slice(0, at).filter((e) => e === 'base').length).toBeGreaterThanOrEqual(10)
    const all = r.rounds()
    const roundsBefore = r.log.slice(0, at).filter((e, i, a) => e !== 'now' && a[i - 1] === 'now').length
    expect(all.length - roundsBefore).toBe(2 + 16)
    expect(all.slice(-18, -16)).toEqual([{ side: 'base', calls: 1 }, { side: 'head', calls: 1 }])
    for (const c of ev.cycles) expect(c).toBeCloseTo(Math.log(1.1), 10)
  })

  test('tiers are read through status after every cycle and at the end; cycles in different tiers are left out', async () => {
    const r = rig()
    const seen: (() => unknown)[] = []
    let reads = 0
    const TURBOFAN = (1 << 4) | (1 << 6) | 1
    const MAGLEV = (1 << 4) | (1 << 5) | 1
    const deps: PairedDeps = {
      ...r.deps,
      status: (fn) => {
        seen.push(fn)
        reads++
        // The head falls back to Maglev in the second cycle only.
        return fn === r.head.fn && reads === 4 ? MAGLEV : TURBOFAN
      },
    }
    const ev = await pairedRounds(r.base, r.head, OPTIONS, deps)
    expect(seen.length).toBe(2 * OPTIONS.cycles + 2)
    expect(ev.mismatched_cycles).toBe(1)
    expect(ev.cycles).toHaveLength(OPTIONS.cycles - 1)
    expect(ev.tiers).toEqual({ base: TURBOFAN, head: TURBOFAN })
    expect(sameTier(ev.tiers)).toBe(true)
    expect(sameTier({ base: TURBOFAN, head: MAGLEV })).toBe(false)
  })

  test('async functions are awaited and measured the same way', async () => {
    const r = rig(1, 1.1, true)
    const ev = await pairedRounds(r.base, r.head, OPTIONS, r.deps)
    expect(ev.calls).toBe(5)
    expect(ev.cycles).toHaveLength(4)
    for (const c of ev.cycles) expect(c).toBeCloseTo(Math.log(1.1), 10)
  })

  test('an error thrown by either side propagates', async () => {
    const r = rig()
    let calls = 0
    const failing: PairSide = {
      fn: () => {
        r.advance(1)
        if (++calls === 30) throw new Error('head broke')
      },
      async: false,
    }
    await expect(pairedRounds(r.base, failing, OPTIONS, r.deps)).rejects.toThrow('head broke')
    const throwing: PairSide = {
      fn: () => {
        throw new TypeError('base broke')
      },
      async: false,
    }
    await expect(pairedRounds(throwing, r.head, OPTIONS, r.deps)).rejects.toThrow(TypeError)
  })

  test('a rejected promise of an async side propagates', async () => {
    const r = rig(1, 1.1, true)
    const rejecting: PairSide = { fn: () => Promise.reject(new Error('async head broke')), async: true }
    await expect(pairedRounds(r.base, rejecting, OPTIONS, r.deps)).rejects.toThrow('async head broke')
  })

  test('a cycle whose rounds read no time on the clock is left out', async () => {
    let t = 0
    let warm = true
    const base: PairSide = { fn: () => void (t += warm ? 1 : 0), async: false }
    const head: PairSide = { fn: () => void (t += 1), async: false }
    const ev = await pairedRounds(base, head, OPTIONS, {
      now: () => t,
      optimize: async () => {
        warm = false
      },
    })
    expect(ev.cycles).toEqual([])
    expect(ev.base_ns).toBe(0)
    expect(ev.head_ns).toBeCloseTo(1e6, 3)
  })
})

describe('tiers', () => {
  test('tierOf and sameTier: TurboFan, Maglev, Sparkplug and the interpreter are four tiers', () => {
    expect(tierOf(0b1010001)).toBe('turbofan')
    expect(tierOf((1 << 4) | (1 << 5) | 1)).toBe('maglev')
    expect(tierOf(0b1000000000000001)).toBe('sparkplug')
    expect(tierOf(1 | (1 << 7))).toBe('ignition')
    expect(sameTier(undefined)).toBe(true)
    expect(sameTier({ base: 0b1010001, head: 0b1010001 | (1 << 3) })).toBe(true)
    expect(sameTier({ base: 1, head: 3 })).toBe(true)
    // The probe in DESIGN.md: base in Sparkplug, head TurboFanned.
    expect(sameTier({ base: 0b1000000000000001, head: 0b1010001 })).toBe(false)
    expect(sameTier({ base: (1 << 4) | (1 << 5), head: (1 << 4) | (1 << 6) })).toBe(false)
  })
})
