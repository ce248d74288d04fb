import { describe, expect, test } from 'vitest'
import { decided, estimate, judgeAb, PROCESS_FLOOR, type AbEstimate, type AbJudgeConfig, type AbObservations, type ProcessPairs, type ProcessRun } from '../../src/ab/judge.js'
import type { Thresholds } from '../../src/config/options.js'
import { testKey } from '../../src/detect/detect.js'
import type { TestVerdict } from '../../src/detect/verdict.js'
import { mulberry32, ref } from './helpers.js'

const BANDS: Thresholds = { minor: 1.03, moderate: 1.15, critical: 1.5 }
const CONFIG: AbJudgeConfig = { thresholds: BANDS, confidence: 0.95, looks: 1, base: 'abc1234' }

/** Standard normal draws from a seeded PRNG (Box–Muller). */
function normals(seed: number): () => number {
  const rand = mulberry32(seed)
  return () => {
    const u = 1 - rand()
    const v = rand()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
}

interface PairsSpec {
  /** ln(head/base) of each process, or one value for all. */
  logRatio: number | number[]
  processes?: number
  cycles?: number
  /** Standard deviation of each cycle's log ratio. */
  noise?: number
  seed?: number
  base_ns?: number
}

function pairs({ logRatio, processes = 8, cycles = 10, noise = 0.02, seed = 1, base_ns = 1e6 }: PairsSpec): ProcessPairs[] {
  const z = normals(seed)
  return Array.from({ length: processes }, (_, i) => {
    const mu = Array.isArray(logRatio) ? logRatio[i]! : logRatio
    return {
      cycles: Array.from({ length: cycles }, () => mu + noise * z()),
      base_ns,
      head_ns: base_ns * Math.exp(mu),
      same_tier: true,
    }
  })
}

function runs(logRatio: number, count: number, noise = 0.02, seed = 7): ProcessRun[] {
  const z = normals(seed)
  return Array.from({ length: count }, () => {
    const base_ns = 1e6 * (1 + 0.05 * z())
    return { base_ns, head_ns: base_ns * Math.exp(logRatio + noise * z()) }
  })
}

const paired = (name: string, processes: ProcessPairs[]): AbObservations => ({ test: ref(name), design: 'paired', processes })
const fresh = (name: string, r: ProcessRun[]): AbObservations => ({ test: ref(name), design: 'processes', runs: r })

function one(obs: AbObservations, config: Partial<AbJudgeConfig> = {}): TestVerdict {
  const verdicts = judgeAb([obs], { ...CONFIG, ...config })
  expect(verdicts).toHaveLength(1)
  return verdicts[0]!
}

function evidenceOf(v: TestVerdict) {
  if (!('evidence' in v)) throw new Error(`expected a judged verdict, got ${v.kind}: ${v.reason}`)
  return v.evidence
}

describe('paired design', () => {
  test('A/A data (no change) is unchanged, in many seeds', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const v = one(paired('aa', pairs({ logRatio: 0, seed })))
      expect(v.kind, `seed ${seed}`).toBe('unchanged')
      const e = evidenceOf(v)
      expect(e.ratio).toBeGreaterThan(0.99)
      expect(e.ratio).toBeLessThan(1.01)
      expect(e.interval[0]).toBeGreaterThan(1 / BANDS.minor)
      expect(e.interval[1]).toBeLessThan(BANDS.minor)
    }
  })

  test('a clear 1.3x slowdown is a moderate regression, with the evidence of the pairs', () => {
    const v = one(paired('slow', pairs({ logRatio: Math.log(1.3) })))
    expect(v.kind).toBe('regression')
    if (v.kind !== 'regression') return
    expect(v.severity).toBe('moderate')
    expect(v.key).toBe(testKey(ref('slow')))
    const e = v.evidence
    expect(e.ratio).toBeCloseTo(1.3, 1)
    expect(e.interval[0]).toBeLessThan(e.ratio)
    expect(e.interval[1]).toBeGreaterThan(e.ratio)
    expect(e.interval[0]).toBeGreaterThan(1.2)
    expect(e.interval[1]).toBeLessThan(1.4)
    expect(e.p_value).toBeLessThan(0.0021)
    expect(e.baseline).toBe(1e6)
    expect(e.current).toBeCloseTo(1.3e6, -2)
    expect(e.thresholds).toEqual(BANDS)
    expect(e.confidence).toBeCloseTo(0.95, 12)
    expect(e.ab).toMatchObject({ base: 'abc1234', design: 'paired', processes: 8, pairs: 80, tier_mismatches: 0, looks: 1 })
    expect(e.ab?.per_process).toHaveLength(8)
    for (const r of e.ab!.per_process) expect(r).toBeCloseTo(1.3, 1)
    expect(v.reason).toContain('slower than base abc1234')
    expect(v.reason).toContain('80 paired rounds in 8 processes')
    expect(v.reason).toContain('moderate band from 1.15×')
  })

  test('a 0.7x change is an improvement', () => {
    const v = one(paired('fast', pairs({ logRatio: Math.log(0.7), seed: 3 })))
    expect(v.kind).toBe('improvement')
    if (v.kind !== 'improvement') return
    expect(v.severity).toBe('moderate')
    expect(evidenceOf(v).ratio).toBeCloseTo(0.7, 1)
    expect(v.reason).toContain('faster than base abc1234')
    expect(v.reason).toContain('1.43×')
  })

  test('a 2x change is critical', () => {
    const v = one(paired('crit', pairs({ logRatio: Math.log(2), seed: 4 })))
    expect(v.kind === 'regression' && v.severity).toBe('critical')
  })

  test('processes in different tiers are left out and counted', () => {
    const data = pairs({ logRatio: Math.log(1.3), seed: 5 })
    // Two processes whose sides ran in different tiers, with a wild ratio that must not count.
    for (const i of [1, 4]) data[i] = { ...data[i]!, cycles: data[i]!.cycles.map(() => Math.log(3)), same_tier: false }
    const v = one(paired('tiers', data))
    const e = evidenceOf(v)
    expect(v.kind).toBe('regression')
    expect(e.ratio).toBeCloseTo(1.3, 1)
    expect(e.ab?.tier_mismatches).toBe(2)
    expect(e.ab?.processes).toBe(6)
    expect(e.ab?.pairs).toBe(60)
    expect(v.reason).toContain('60 paired rounds in 6 processes, 2 left out (base and head in different V8 tiers)')
  })

  test('all processes in different tiers: insufficient data', () => {
    const data = pairs({ logRatio: 0, processes: 3 }).map((p, i) => ({ ...p, head_ns: 1000 + i, same_tier: false }))
    const v = one(paired('mixed', data))
    expect(v.kind).toBe('insufficient-data')
    if (v.kind !== 'insufficient-data') return
    expect(v.reason).toBe('base and head ran in different V8 tiers in all 3 processes: no fair pair to judge')
    expect(v.current).toBe(1001)
    expect(v.required).toBe(2)
  })

  test('a head that never reaches the base\'s tier is named as such', () => {
    const data = pairs({ logRatio: 0, processes: 3 }).map((p) => ({ ...p, same_tier: false, tiers: { base: 'turbofan', head: 'maglev' } }))
    const v = one(paired('deopt', data))
    expect(v.kind).toBe('insufficient-data')
    expect(v.reason).toBe('base and head ran in different V8 tiers in all 3 processes: no fair pair to judge; in every one the head ran in maglev and the base in turbofan (the head\'s code may no longer optimize)')
  })

  test('no processes at all: insufficient data', () => {
    const v = one(paired('none', []))
    expect(v.kind).toBe('insufficient-data')
    if (v.kind !== 'insufficient-data') return
    expect(v.reason).toBe('too few measurements of base and head to judge')
    expect(v.current).toBe(0)
  })

  test('per-process ratios in two groups are reported as clusters', () => {
    const logRatio = [1.1, 1.1, 1.1, 1.1, 1.3, 1.3, 1.3, 1.3].map(Math.log)
    const v = one(paired('bimodal', pairs({ logRatio, noise: 0.0005, seed: 9 })))
    const clusters = evidenceOf(v).ab?.clusters
    expect(clusters).toBeDefined()
    expect(clusters![0]).toBeCloseTo(1.1, 2)
    expect(clusters![1]).toBeCloseTo(1.3, 2)
    expect(v.reason).toContain('per-process ratios form two groups, 1.10× and 1.30×')
  })

  test('one group of ratios has no clusters', () => {
    const v = one(paired('flat', pairs({ logRatio: Math.log(1.2), seed: 10 })))
    expect(evidenceOf(v).ab).not.toHaveProperty('clusters')
    expect(v.reason).not.toContain('two groups')
  })

  test('more planned looks give wider intervals and a stricter confidence', () => {
    const data = pairs({ logRatio: Math.log(1.1), seed: 11 })
    const e1 = evidenceOf(one(paired('looks', data), { looks: 1 }))
    const e5 = evidenceOf(one(paired('looks', data), { looks: 5 }))
    expect(e5.ratio).toBeCloseTo(e1.ratio, 12)
    expect(e5.interval[0]).toBeLessThan(e1.interval[0])
    expect(e5.interval[1]).toBeGreaterThan(e1.interval[1])
    expect(e5.confidence).toBeCloseTo(1 - 0.05 / 5, 12)
    expect(e5.ab?.looks).toBe(5)
  })
})

describe('processes design', () => {
  test('one pair of processes is not enough', () => {
    const v = one(fresh('single', [{ base_ns: 100, head_ns: 130 }]))
    expect(v.kind).toBe('insufficient-data')
    if (v.kind !== 'insufficient-data') return
    expect(v.required).toBe(2)
    expect(v.current).toBe(130)
    expect(v.reason).toBe('too few measurements of base and head to judge')
  })

  test('many pairs: a t-test over their log ratios', () => {
    const slow = one(fresh('slow', runs(Math.log(1.3), 12)))
    expect(slow.kind === 'regression' && slow.severity).toBe('moderate')
    const e = evidenceOf(slow)
    expect(e.ab).toMatchObject({ base: 'abc1234', design: 'processes', processes: 24, pairs: 12, tier_mismatches: 0, looks: 1 })
    expect(e.ab?.per_process).toHaveLength(12)
    expect(slow.reason).toContain('12 pairs of fresh processes')
    expect(one(fresh('fast', runs(Math.log(0.7), 12))).kind).toBe('improvement')
    expect(one(fresh('same', runs(0, 12))).kind).toBe('unchanged')
  })
})

describe('estimate', () => {
  test('nothing to estimate: undefined', () => {
    expect(estimate(fresh('x', [{ base_ns: 1, head_ns: 2 }]), 0.05)).toBeUndefined()
    expect(estimate(fresh('x', []), 0.05)).toBeUndefined()
    expect(estimate(paired('x', []), 0.05)).toBeUndefined()
    expect(estimate({ test: ref('x'), design: 'paired' }, 0.05)).toBeUndefined()
    expect(estimate(paired('x', [{ cycles: [], base_ns: 1, head_ns: 1, same_tier: true }]), 0.05)).toBeUndefined()
  })

  test('processes design: mean log ratio, standard error with the floor, medians', () => {
    const e = estimate(fresh('x', [{ base_ns: 100, head_ns: 110 }, { base_ns: 200, head_ns: 242 }, { base_ns: 300, head_ns: 330 }]), 0.05)!
    const x = [Math.log(1.1), Math.log(1.21), Math.log(1.1)]
    const m = (x[0]! + x[1]! + x[2]!) / 3
    const sd = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / 2)
    expect(e.log_ratio).toBeCloseTo(m, 12)
    expect(e.spread).toBeCloseTo(sd, 12)
    expect(e.se).toBeCloseTo(sd / Math.sqrt(3), 12)
    expect(e.pairs).toBe(3)
    expect(e.processes).toBe(6)
    expect(e.base_ns).toBe(200)
    expect(e.head_ns).toBe(242)
    // Identical pairs: the spread is floored.
    const flat = estimate(fresh('y', [{ base_ns: 100, head_ns: 120 }, { base_ns: 100, head_ns: 120 }]), 0.05)!
    expect(flat.se).toBeCloseTo(PROCESS_FLOOR / Math.sqrt(2), 12)
  })

  test('paired design: one process is not enough; each process is the median of its cycles, tested with t on k - 1 df', () => {
    const one = [{ cycles: [0.1, 0.12, 0.08, 0.1], base_ns: 10, head_ns: 11, same_tier: true }]
    expect(estimate(paired('x', one), 0.05)).toBeUndefined()
    // A descheduled round makes one cycle read 3x: the median of the cycles does not move.
    const three = [
      { cycles: [0.1, 0.1, Math.log(3), 0.1, 0.1], base_ns: 10, head_ns: 11, same_tier: true },
      { cycles: [0.12, 0.12, 0.12], base_ns: 10, head_ns: 11, same_tier: true },
      { cycles: [0.08, 0.2, 0.08], base_ns: 10, head_ns: 11, same_tier: true },
    ]
    const e = estimate(paired('y', three), 0.05)!
    const x = [0.1, 0.12, 0.08]
    expect(e.log_ratio).toBeCloseTo(0.1, 12)
    expect(e.spread).toBeCloseTo(0.02, 12)
    expect(e.se).toBeCloseTo(0.02 / Math.sqrt(3), 12)
    expect(e.df).toBe(2)
    // t with 2 degrees of freedom: 4.303 at 95%.
    expect(e.q).toBeCloseTo(4.303, 2)
    expect(e.p).toBeLessThan(0.05)
    expect(e.per_process.map(Math.log)).toEqual(x.map((v) => expect.closeTo(v, 12)))
    expect(e.pairs).toBe(11)
    expect(e.processes).toBe(3)
  })

  test('processes that disagree widen the spread beyond the floor', () => {
    const agree = estimate(paired('a', pairs({ logRatio: 0.1, seed: 12 })), 0.05)!
    const disagree = estimate(paired('d', pairs({ logRatio: [0, 0.2, 0.05, 0.15, 0.1, 0.02, 0.18, 0.1], seed: 12 })), 0.05)!
    // Processes that agree closer than the floor: the floor sets the standard error.
    expect(agree.spread).toBeLessThan(PROCESS_FLOOR)
    expect(agree.se).toBeCloseTo(PROCESS_FLOOR / Math.sqrt(agree.processes), 12)
    expect(disagree.spread).toBeGreaterThan(0.05)
    expect(disagree.se).toBeGreaterThan(agree.se * 2)
  })
})

describe('adjustment across tests', () => {
  test('Benjamini–Hochberg q-values are never below p-values', () => {
    const observations = [0, 0.01, 0.02, 0.03, 0.05, Math.log(1.3)].map((lr, i) => paired(`t${i}`, pairs({ logRatio: lr, seed: 20 + i, processes: 4, noise: 0.05 })))
    const verdicts = judgeAb(observations, CONFIG)
    expect(verdicts.map((v) => v.test.name)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5'])
    let strictlyAbove = 0
    for (const v of verdicts) {
      const e = evidenceOf(v)
      expect(e.q_value).toBeGreaterThanOrEqual(e.p_value - 1e-15)
      expect(e.q_value).toBeLessThanOrEqual(1)
      if (e.q_value > e.p_value) strictlyAbove++
    }
    expect(strictlyAbove).toBeGreaterThan(0)
  })

  test('an unjudged test does not shift the others', () => {
    const slow = paired('slow', pairs({ logRatio: Math.log(1.3) }))
    const alone = evidenceOf(judgeAb([slow], CONFIG)[0]!)
    const verdicts = judgeAb([paired('empty', []), slow], CONFIG)
    expect(verdicts[0]!.kind).toBe('insufficient-data')
    expect(evidenceOf(verdicts[1]!).q_value).toBe(alone.q_value)
    expect(alone.q_value).toBe(alone.p_value)
  })
})

describe('decided', () => {
  const est = (log_ratio: number, se: number, p: number, q = 1.959964): AbEstimate => ({
    log_ratio, se, p, q, spread: 0.01, processes: 4, pairs: 40, tier_mismatches: 0, base_ns: 1, head_ns: 1, per_process: [], df: 3,
  })

  test('undefined: not decided', () => {
    expect(decided(undefined, BANDS, 0.05)).toBe(false)
  })

  test('significant and beyond the band: decided', () => {
    expect(decided(est(Math.log(1.3), 0.01, 1e-10), BANDS, 0.05)).toBe(true)
    expect(decided(est(Math.log(0.7), 0.01, 1e-10), BANDS, 0.05)).toBe(true)
  })

  test('a tight interval around 1.0: decided (futility)', () => {
    expect(decided(est(0, 0.001, 1), BANDS, 0.05)).toBe(true)
  })

  test('a wide interval: not decided', () => {
    expect(decided(est(0, 0.1, 1), BANDS, 0.05)).toBe(false)
    // Big but not significant at this look.
    expect(decided(est(Math.log(1.3), 0.2, 0.2), BANDS, 0.05)).toBe(false)
  })

  test('below the band, but its one-sided 80% bound reaches it: not decided', () => {
    expect(decided(est(0.0198, 0.015, 0.013), BANDS, 0.05)).toBe(false)
  })

  test('the look share of alpha decides significance', () => {
    const e = est(Math.log(1.3), 0.1, 0.01)
    expect(decided(e, BANDS, 0.05)).toBe(true)
    expect(decided(e, BANDS, 0.005)).toBe(false)
  })
})
