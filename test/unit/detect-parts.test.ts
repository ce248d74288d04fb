import { describe, expect, test } from 'vitest'
import { classify, insufficientVerdict, newVerdict } from '../../src/detect/classify.js'
import { baselineSpread, compare, MIN_POOLED_RUNS } from '../../src/detect/compare.js'
import { testKey } from '../../src/detect/identity.js'
import { MAD_TO_SD, NOISE_FLOOR, robustSd } from '../../src/detect/noise.js'
import type { Evidence } from '../../src/detect/verdict.js'
import { DEFAULTS } from '../../src/config/options.js'
import { noisy, ref } from './helpers.js'

const CONFIG = { confidence: 0.95, baselineWindow: { runs: 30, days: 30 } }
const BANDS = DEFAULTS.thresholds

describe('identity', () => {
  test('testKey is stable, separates every part and ignores the line', () => {
    expect(testKey(ref('x'))).toBe(JSON.stringify(['', 'test/bench.test.ts', 'x', null]))
    expect(testKey(ref('x', { line: 12 }))).toBe(testKey(ref('x')))
    expect(testKey(ref('x', { bench: 'b' }))).not.toBe(testKey(ref('x')))
    expect(testKey(ref('x', { project: 'p' }))).not.toBe(testKey(ref('x')))
  })
})

describe('noise', () => {
  test('robustSd is MAD_TO_SD times the median absolute deviation', () => {
    expect(robustSd([0, 1, 2, 3, 10], 2)).toBeCloseTo(MAD_TO_SD * 1, 12)
    expect(robustSd([5, 5, 5], 5)).toBe(0)
    expect(NOISE_FLOOR).toBe(0.01)
  })
})

describe('compare', () => {
  const baseline = noisy(1e6, 20, 0.05, 3)

  test('the evidence of one run against its baseline', () => {
    const e = compare(1.5e6, baseline, CONFIG, BANDS, undefined)
    expect(e.baseline_runs).toBe(20)
    expect(e.current).toBe(1.5e6)
    expect(e.ratio).toBeCloseTo(1.5e6 / e.baseline, 9)
    expect(e.interval[0]).toBeLessThan(e.ratio)
    expect(e.interval[1]).toBeGreaterThan(e.ratio)
    expect(e.p_value).toBeLessThan(0.001)
    expect(e.window).toEqual(CONFIG.baselineWindow)
    expect(e.window).not.toBe(CONFIG.baselineWindow)
    expect(e.noise).toBeGreaterThanOrEqual(NOISE_FLOOR)
    expect(e.detectable).toBeGreaterThanOrEqual(BANDS.minor)
    expect('floor_ns' in e || 'repeats' in e || 'mode' in e).toBe(false)
  })

  test('a floor is carried; earlier runs of the group are pooled from MIN_POOLED_RUNS on', () => {
    expect(compare(1e6, baseline, CONFIG, BANDS, 5000).floor_ns).toBe(5000)
    expect(compare(1e6, baseline, CONFIG, BANDS, undefined, Array(MIN_POOLED_RUNS - 2).fill(2e6)).repeats).toBeUndefined()
    const pooled = compare(1e6, baseline, CONFIG, BANDS, undefined, [3e6, 2e6])
    expect(pooled.repeats).toBe(3)
    expect(pooled.current).toBe(2e6)
  })

  test('baselineSpread: the centre on the log scale and the noise', () => {
    const { center, noise } = baselineSpread([1e6, 1e6, 1e6, 1e6])
    expect(center).toBeCloseTo(Math.log(1e6), 12)
    expect(noise).toBe(NOISE_FLOOR)
  })
})

describe('classify: the decision rule and its words', () => {
  const evidence = (extra: Partial<Evidence>): Evidence => ({
    metric: 'wall_ns',
    baseline_runs: 10,
    window: CONFIG.baselineWindow,
    baseline: 1e6,
    current: 1.6e6,
    ratio: 1.6,
    interval: [1.5, 1.7],
    p_value: 0.001,
    q_value: 0.001,
    confidence: 0.95,
    noise: 0.02,
    detectable: 1.2,
    thresholds: BANDS,
    ...extra,
  })
  const t = ref('x')

  test('significant and in a band: a regression of that band, or an improvement', () => {
    const v = classify(t, 'k', evidence({}))
    expect(v).toMatchObject({ kind: 'regression', severity: 'moderate', key: 'k', test: t })
    expect(v.reason).toBe('1.60× slower (1.60 ms vs 1.00 ms over 10 baseline runs; 95% interval 1.50–1.70×), moderate band from 1.50×')
    expect(classify(t, 'k', evidence({ ratio: 0.4, current: 0.4e6, interval: [0.35, 0.45] }))).toMatchObject({ kind: 'improvement', severity: 'critical' })
  })

  test('in a band but not significant: inconclusive, with q and what is needed', () => {
    const v = classify(t, 'k', evidence({ q_value: 0.2 }))
    expect(v.kind).toBe('inconclusive')
    expect(v.reason).toContain('but not significantly (q = 0.20, needs ≤ 0.050)')
  })

  test('too wide an interval is inconclusive; a small significant change is unchanged; the floor wins', () => {
    expect(classify(t, 'k', evidence({ ratio: 1.05, interval: [0.8, 1.4], q_value: 0.5 })).kind).toBe('inconclusive')
    const small = classify(t, 'k', evidence({ ratio: 1.1, current: 1.1e6, interval: [1.05, 1.15] }))
    expect(small.kind).toBe('unchanged')
    expect(small.reason).toMatch(/^1\.10× slower, below the 1\.20× band/)
    expect(classify(t, 'k', evidence({ floor_ns: 1e6 })).reason).toMatch(/^the change is smaller than the 1\.00 ms floor/)
  })

  test('new and insufficient-data verdicts', () => {
    expect(newVerdict(t, 'k', 5, 0)).toEqual({ kind: 'new', test: t, key: 'k', current: 5, foreign_baseline_runs: 0, reason: 'no baseline run yet: this run is not judged' })
    expect(newVerdict(t, 'k', 5, 2).reason).toMatch(/^no baseline run from this environment yet \(2 from other machines/)
    expect(insufficientVerdict(t, 'k', 5, [1, 3, 2], 5)).toEqual({
      kind: 'insufficient-data',
      test: t,
      key: 'k',
      current: 5,
      baseline: 2,
      baseline_runs: 3,
      required: 5,
      reason: '3 of 5 baseline runs needed before this test is judged',
    })
  })
})
