import { describe, test, expect } from 'vitest'
import { validateOptions } from '../../src/config/validate.js'
import { selectBaselines } from '../../src/detect/baseline.js'
import { detect, type DetectInput } from '../../src/detect/detect.js'
import { testKey } from '../../src/detect/identity.js'
import { NOISE_FLOOR } from '../../src/detect/noise.js'
import type { TestVerdict } from '../../src/detect/verdict.js'
import { benjaminiHochberg } from '../../src/stats/multiple.js'
import type { RunRecord } from '../../src/types.js'
import { baselineRuns, daysAgo, detectConfig, noisy, NOW, ref, result, run } from './helpers.js'

const NOMINAL = 1e6
/** Ten baseline runs with ±2% seeded noise around 1 ms. */
const QUIET = noisy(NOMINAL, 10, 0.02, 1)

function judge(current: number, history: Iterable<RunRecord>, extra: Partial<DetectInput> = {}): TestVerdict {
  const verdicts = detect({ current: [result('parse', current)], history, config: detectConfig(), now: NOW, ...extra })
  expect(verdicts).toHaveLength(1)
  return verdicts[0]!
}

function evidenceOf(v: TestVerdict) {
  if (!('evidence' in v)) throw new Error(`expected a judged verdict, got ${v.kind}`)
  return v.evidence
}

describe('unjudged tests', () => {
  test('no baseline: new', () => {
    const v = judge(NOMINAL, [])
    expect(v).toEqual({
      kind: 'new',
      test: ref('parse'),
      key: testKey(ref('parse')),
      current: NOMINAL,
      foreign_baseline_runs: 0,
      reason: 'no baseline run yet: this run is not judged',
    })
  })

  test('baselines from another environment only: new, with the foreign runs counted', () => {
    const v = judge(NOMINAL, baselineRuns('parse', QUIET.slice(0, 3), { envKey: 'env-b' }))
    expect(v.kind).toBe('new')
    if (v.kind !== 'new') return
    expect(v.foreign_baseline_runs).toBe(3)
    expect(v.reason).toContain('no baseline run from this environment yet (3 from other machines')
  })

  test('a baseline of another test does not count', () => {
    expect(judge(NOMINAL, baselineRuns('render', QUIET)).kind).toBe('new')
  })

  test('fewer than minSamples baseline runs: insufficient-data with counts', () => {
    const v = judge(2 * NOMINAL, baselineRuns('parse', [1e6, 3e6, 2e6]))
    expect(v.kind).toBe('insufficient-data')
    if (v.kind !== 'insufficient-data') return
    expect(v.baseline_runs).toBe(3)
    expect(v.required).toBe(5)
    expect(v.baseline).toBe(2e6)
    expect(v.current).toBe(2e6)
    expect(v.reason).toBe('3 of 5 baseline runs needed before this test is judged')
  })

  test('exactly minSamples runs are judged', () => {
    expect(judge(NOMINAL, baselineRuns('parse', QUIET.slice(0, 5))).kind).toBe('unchanged')
  })
})

describe('verdicts against ten quiet baseline runs', () => {
  const history = baselineRuns('parse', QUIET)

  test('2× slower than every baseline run: critical regression', () => {
    const v = judge(2 * Math.max(...QUIET), history)
    expect(v.kind).toBe('regression')
    if (v.kind === 'regression') expect(v.severity).toBe('critical')
    const e = evidenceOf(v)
    expect(e.baseline_runs).toBe(10)
    expect(e.ratio).toBeGreaterThanOrEqual(2)
    expect(e.interval[0]).toBeGreaterThan(1.2)
    expect(e.p_value).toBeLessThan(1e-6)
    expect(v.reason).toMatch(/^2\.\d\d× slower \(.* over 10 baseline runs; 95% interval .*\), critical band from 2\.00×$/)
  })

  test('1.6× slower: moderate regression', () => {
    const v = judge(1.6 * NOMINAL, history)
    expect(v.kind).toBe('regression')
    if (v.kind === 'regression') expect(v.severity).toBe('moderate')
  })

  test('1.3× slower: minor regression', () => {
    const v = judge(1.3 * NOMINAL, history)
    expect(v.kind).toBe('regression')
    if (v.kind === 'regression') expect(v.severity).toBe('minor')
  })

  test('unchanged value: unchanged, interval around 1', () => {
    const v = judge(NOMINAL, history)
    expect(v.kind).toBe('unchanged')
    const [lo, hi] = evidenceOf(v).interval
    expect(lo).toBeLessThan(1)
    expect(hi).toBeGreaterThan(1)
    expect(hi).toBeLessThan(1.2)
    expect(lo).toBeGreaterThan(1 / 1.2)
    expect(evidenceOf(v).p_value).toBeGreaterThan(0.05)
  })

  test('half the time of every baseline run: critical improvement', () => {
    const v = judge(0.5 * Math.min(...QUIET), history)
    expect(v.kind).toBe('improvement')
    if (v.kind === 'improvement') expect(v.severity).toBe('critical')
    expect(v.reason).toMatch(/^2\.\d\d× faster/)
  })

  test('0.5× the nominal time: improvement', () => {
    expect(judge(0.5 * NOMINAL, history).kind).toBe('improvement')
  })

  test('the evidence is consistent', () => {
    const e = evidenceOf(judge(1.6 * NOMINAL, history))
    expect(e.metric).toBe('wall_ns')
    expect(e.current).toBe(1.6 * NOMINAL)
    expect(e.ratio).toBeCloseTo(e.current / e.baseline, 12)
    expect(e.interval[0]).toBeLessThan(e.ratio)
    expect(e.interval[1]).toBeGreaterThan(e.ratio)
    expect(e.baseline).toBeGreaterThan(Math.min(...QUIET))
    expect(e.baseline).toBeLessThan(Math.max(...QUIET))
    expect(e.noise).toBeGreaterThanOrEqual(NOISE_FLOOR)
    expect(e.confidence).toBe(0.95)
    expect(e.window).toEqual({ runs: 30, days: 90 })
    expect(e.thresholds).toEqual({ minor: 1.2, moderate: 1.5, critical: 2 })
    expect(e.q_value).toBeGreaterThanOrEqual(e.p_value)
  })

  test('a perfectly constant baseline uses the noise floor', () => {
    const e = evidenceOf(judge(NOMINAL, baselineRuns('parse', Array(10).fill(NOMINAL))))
    expect(e.noise).toBe(NOISE_FLOOR)
    expect(e.ratio).toBeCloseTo(1, 12)
  })

  test('exactly 1.5× a constant baseline is in the moderate band', () => {
    // ratio = exp(log(150000) - log(100000)) = 1.4999999999999991 < 1.5, so severityOf() answers "minor"
    // while the reason prints "1.50× slower ... minor band from 1.20×".
    const v = judge(150_000, baselineRuns('parse', Array(10).fill(100_000)))
    expect(v.kind).toBe('regression')
    if (v.kind === 'regression') expect(v.severity).toBe('moderate')
  })
})

describe('noise and robustness', () => {
  test('a noisy baseline with a 1.25× change: inconclusive', () => {
    const v = judge(1.25 * NOMINAL, baselineRuns('parse', noisy(NOMINAL, 10, 0.3, 5)))
    expect(v.kind).toBe('inconclusive')
    const [lo, hi] = evidenceOf(v).interval
    expect(lo).toBeLessThan(1.2)
    expect(hi).toBeGreaterThan(1.2)
    expect(v.reason).toMatch(/too noisy to tell|too wide to tell a 1\.20× change from none/)
  })

  test('one wild outlier among the baseline runs does not change an unchanged verdict', () => {
    const withOutlier = [...QUIET.slice(0, 9), 50 * NOMINAL]
    const v = judge(NOMINAL, baselineRuns('parse', withOutlier))
    expect(v.kind).toBe('unchanged')
    expect(evidenceOf(v).noise).toBeLessThan(0.05)
  })
})

describe('which baseline runs count', () => {
  const base = () => baselineRuns('parse', QUIET)
  const runsOf = (v: TestVerdict) => evidenceOf(v).baseline_runs

  test('runs with another env_key are ignored', () => {
    const v = judge(NOMINAL, [...base(), ...baselineRuns('parse', Array(10).fill(5 * NOMINAL), { envKey: 'env-b' })])
    expect(runsOf(v)).toBe(10)
    expect(v.kind).toBe('unchanged')
  })

  test('compare-mode runs are ignored', () => {
    const v = judge(NOMINAL, [...base(), ...baselineRuns('parse', Array(5).fill(5 * NOMINAL), { mode: 'compare' })])
    expect(runsOf(v)).toBe(10)
  })

  test('runs older than baselineWindow.days (or in the future) are ignored', () => {
    const old = [91, 100, 365].map((d) => run({ time: daysAgo(d), medians: { parse: 5 * NOMINAL } }))
    const future = run({ time: new Date(NOW.getTime() + 60_000), medians: { parse: 5 * NOMINAL } })
    expect(runsOf(judge(NOMINAL, [...base(), ...old, future]))).toBe(10)
    const week = detectConfig({ baselineWindow: { runs: 30, days: 7 } })
    const spread = QUIET.map((v, i) => run({ time: daysAgo(i + 0.5), medians: { parse: v } }))
    expect(runsOf(judge(NOMINAL, spread, { config: week }))).toBe(7)
  })

  test('the current run id is never its own baseline', () => {
    const self = run({ id: 'current', time: daysAgo(0.01), medians: { parse: 5 * NOMINAL } })
    expect(runsOf(judge(NOMINAL, [...base(), self], { runId: 'current' }))).toBe(10)
    expect(runsOf(judge(NOMINAL, [...base(), self]))).toBe(11)
  })

  test('only the newest baselineWindow.runs runs count', () => {
    const newest = baselineRuns('parse', Array(8).fill(NOMINAL))
    const older = Array.from({ length: 40 }, (_, i) => run({ time: daysAgo(2 + i), medians: { parse: 3 * NOMINAL } }))
    expect(runsOf(judge(NOMINAL, [...older, ...newest]))).toBe(30)
    const v = judge(NOMINAL, [...older, ...newest], { config: detectConfig({ baselineWindow: { runs: 8, days: 90 } }) })
    expect(runsOf(v)).toBe(8)
    expect(evidenceOf(v).baseline).toBeCloseTo(NOMINAL, 3)
    expect(v.kind).toBe('unchanged')
  })

  test('selectBaselines lists the values newest first, whatever the file order', () => {
    const history = [
      run({ time: daysAgo(3), medians: { parse: 3 } }),
      run({ time: daysAgo(1), medians: { parse: 1 } }),
      run({ time: daysAgo(2), medians: { parse: 2 } }),
    ]
    const input = { current: [result('parse', 1)], history, config: detectConfig(), now: NOW }
    expect(selectBaselines(input).get(testKey(ref('parse')))).toEqual([1, 2, 3])
  })
})

describe('configuration and determinism', () => {
  const history = baselineRuns('parse', QUIET)

  test('per-glob thresholds change the verdict', () => {
    expect(judge(1.3 * NOMINAL, history).kind).toBe('regression')
    const lenient = detectConfig({ tests: validateOptions({ tests: { 'pa?se*': { thresholds: { minor: 1.4, moderate: 1.8 } } } }).tests })
    const v = judge(1.3 * NOMINAL, history, { config: lenient })
    expect(v.kind).toBe('unchanged')
    expect(evidenceOf(v).thresholds).toEqual({ minor: 1.4, moderate: 1.8, critical: 2 })
    const strict = detectConfig({ tests: validateOptions({ tests: { '*': { thresholds: { minor: 1.1, moderate: 1.25 } } } }).tests })
    const s = judge(1.3 * NOMINAL, history, { config: strict })
    expect(s.kind === 'regression' && s.severity).toBe('moderate')
  })

  test('the same input twice gives deep-equal verdicts', () => {
    const current = [result('parse', 1.6 * NOMINAL), result('render', NOMINAL), result('new one', 5)]
    const all = [...history, ...baselineRuns('render', noisy(NOMINAL, 10, 0.05, 9))]
    const input = { current, history: all, config: detectConfig(), now: NOW, runId: 'x' }
    expect(detect(input)).toEqual(detect(input))
    expect(detect(input).map((v) => v.kind)).toEqual(['regression', 'unchanged', 'new'])
  })

  test('history may be any iterable', () => {
    function* gen() {
      yield* history
    }
    expect(judge(NOMINAL, gen()).kind).toBe('unchanged')
  })

  test('q-values are Benjamini–Hochberg over the judged tests, never below p', () => {
    const names = ['a', 'b', 'c', 'd']
    const factors = [1.6, 1.0, 1.15, 0.98]
    const all = names.flatMap((n, i) => baselineRuns(n, noisy(NOMINAL, 10, 0.04, 100 + i)))
    const current = [...names.map((n, i) => result(n, factors[i]! * NOMINAL)), result('unjudged', 1)]
    const verdicts = detect({ current, history: all, config: detectConfig(), now: NOW })
    const judged = verdicts.filter((v) => 'evidence' in v).map(evidenceOf)
    expect(judged).toHaveLength(4)
    const expected = benjaminiHochberg(judged.map((e) => e.p_value))
    judged.forEach((e, i) => {
      expect(e.q_value).toBeGreaterThanOrEqual(e.p_value)
      expect(e.q_value).toBeCloseTo(expected[i]!, 15)
    })
  })

  test('testKey separates project, file, name and bench', () => {
    const keys = new Set([
      testKey(ref('x')),
      testKey(ref('x', { project: 'p' })),
      testKey(ref('x', { file: 'other.test.ts' })),
      testKey(ref('x', { bench: 'b' })),
      testKey(ref('y')),
    ])
    expect(keys.size).toBe(5)
    expect(testKey(ref('x', { bench: undefined }))).toBe(testKey(ref('x')))
  })
})

describe('the decision rule: significance, and the estimate reaching the band', () => {
  /** Ten baseline runs spread symmetrically on a log scale with run-to-run noise of about `sd`. */
  const spread = (sd: number) => [-1.5, -1, -0.6, -0.3, 0, 0, 0.3, 0.6, 1, 1.5].map((z) => NOMINAL * Math.exp(sd * z))

  test('a 1.3× slowdown whose interval starts below the band is a regression: the estimate decides the band', () => {
    const v = judge(1.3 * NOMINAL, baselineRuns('parse', spread(0.08)))
    expect(v.kind).toBe('regression')
    const e = evidenceOf(v)
    expect(e.interval[0]).toBeLessThan(1.2)
    expect(e.q_value).toBeLessThanOrEqual(0.05)
    if (v.kind === 'regression') expect(v.severity).toBe('minor')
    expect(v.reason).toMatch(/^1\.30× slower .* minor band from 1\.20×$/)
  })

  test('severity is the band the estimate reaches', () => {
    const severity = (factor: number) => {
      const v = judge(factor * NOMINAL, baselineRuns('parse', spread(0.08)))
      return v.kind === 'regression' ? v.severity : v.kind
    }
    expect([severity(1.3), severity(1.7), severity(2.5)]).toEqual(['minor', 'moderate', 'critical'])
  })

  test('improvements mirror regressions', () => {
    const v = judge(NOMINAL / 1.3, baselineRuns('parse', spread(0.08)))
    expect(v.kind).toBe('improvement')
    expect(v.reason).toMatch(/^1\.30× faster/)
  })

  test('an estimate in the band without significance is inconclusive, and says so', () => {
    const v = judge(1.22 * NOMINAL, baselineRuns('parse', spread(0.12)))
    expect(v.kind).toBe('inconclusive')
    expect(evidenceOf(v).q_value).toBeGreaterThan(0.05)
    expect(v.reason).toMatch(/^1\.22× slower, but not significantly \(q = [\d.]+, needs ≤ 0\.050\): too noisy to tell/)
  })

  test('an interval too wide to tell a band-sized change from none is inconclusive', () => {
    const v = judge(NOMINAL, baselineRuns('parse', spread(0.12)))
    expect(v.kind).toBe('inconclusive')
    expect(v.reason).toMatch(/^the 95% interval [\d.]+–[\d.]+× is too wide to tell a 1\.20× change from none/)
  })

  test('a significant change smaller than the band is unchanged, and the reason gives its size', () => {
    const v = judge(1.15 * NOMINAL, baselineRuns('parse', spread(0.03)))
    expect(v.kind).toBe('unchanged')
    expect(evidenceOf(v).q_value).toBeLessThanOrEqual(0.05)
    expect(v.reason).toMatch(/^1\.15× slower, below the 1\.20× band/)
  })

  test('with the same evidence, the adjustment over the suite can turn a regression into inconclusive', () => {
    const slow = result('parse', 1.3 * NOMINAL)
    const history = [...baselineRuns('parse', spread(0.08))]
    const alone = detect({ current: [slow], history, config: detectConfig(), now: NOW })[0]!
    // 15 more tests, unchanged, with p-values near 1: Benjamini–Hochberg multiplies the smallest p by up to 16.
    const others = Array.from({ length: 15 }, (_, i) => `other ${i}`)
    const crowd = detect({
      current: [slow, ...others.map((n) => result(n, NOMINAL))],
      history: [...history, ...others.flatMap((n) => baselineRuns(n, spread(0.08)))],
      config: detectConfig(),
      now: NOW,
    })[0]!
    expect(alone.kind).toBe('regression')
    expect(evidenceOf(crowd).q_value).toBeGreaterThan(evidenceOf(alone).q_value)
    expect(['regression', 'inconclusive']).toContain(crowd.kind)
  })
})
