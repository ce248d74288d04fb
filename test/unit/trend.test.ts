import { describe, test, expect } from 'vitest'
import { detectTrend, type TrendFinding, type TrendOptions } from '../../src/detect/trend.js'
import { mulberry32 } from './helpers.js'

const OPTIONS: TrendOptions = { thresholds: { minor: 1.2, moderate: 1.5, critical: 2.0 }, confidence: 0.95 }
/** The detector's baseline window: findings are counted on prefixes of at most this many runs. */
const WINDOW = 30

/** Standard normal by Box–Muller. */
function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
}

/** Log multipliers of an unchanged series: normal noise with SD `sd`. */
function flatLogs(n: number, sd: number, seed: number): number[] {
  const rand = mulberry32(seed)
  return Array.from({ length: n }, () => sd * gauss(rand))
}

/**
 * Log multipliers of an unchanged multi-modal series: about 15% of runs in a
 * 0.55x fast mode, in bursts of 2-3, and now and then a single 3.9x slow run.
 */
function multimodalLogs(n: number, sd: number, seed: number): number[] {
  const rand = mulberry32(seed)
  const out: number[] = []
  while (out.length < n) {
    if (rand() < 0.07) {
      const burst = 2 + Math.floor(2 * rand())
      for (let i = 0; i < burst; i++) out.push(Math.log(0.55) + sd * gauss(rand))
    } else {
      out.push((rand() < 0.015 ? Math.log(3.9) : 0) + sd * gauss(rand))
    }
  }
  return out.slice(0, n)
}

const values = (logs: readonly number[], scale = 1000) => logs.map((l) => scale * Math.exp(l))

/** Findings over every prefix of the series (from minBefore + 2 runs), each of at most WINDOW runs. */
function prefixFindings(series: readonly number[], options: TrendOptions = OPTIONS): { calls: number; findings: TrendFinding[] } {
  const findings: TrendFinding[] = []
  let calls = 0
  for (let end = 10; end <= series.length; end++) {
    calls++
    const f = detectTrend(series.slice(Math.max(0, end - WINDOW), end), options)
    if (f) findings.push(f)
  }
  return { calls, findings }
}

/** A step by `factor` after `before` runs of 5% noise; `after` runs after it. */
function stepSeries(factor: number, before: number, after: number, seed: number, sd = 0.05): number[] {
  const logs = flatLogs(before + after, sd, seed)
  return values(logs.map((l, i) => (i >= before ? l + Math.log(factor) : l)))
}

describe('detectTrend: unchanged series', () => {
  test('5% log-normal noise: at most one finding per 100 runs', () => {
    let calls = 0
    let found = 0
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = prefixFindings(values(flatLogs(300, 0.05, seed)))
      calls += r.calls
      found += r.findings.length
    }
    expect(found / calls).toBeLessThanOrEqual(0.01)
  })

  test.each([0.05, 0.08])('%s noise with bursts of a 0.55x fast mode and single 3.9x slow runs: at most one per 100', (sd) => {
    let calls = 0
    let found = 0
    for (const seed of [11, 12, 13, 14, 15]) {
      const r = prefixFindings(values(multimodalLogs(300, sd, seed)))
      calls += r.calls
      found += r.findings.length
    }
    expect(found / calls).toBeLessThanOrEqual(0.01)
  })

  test('one wild run at the end is not a step', () => {
    for (const seed of [21, 22, 23, 24, 25, 26, 27, 28]) {
      const series = values(flatLogs(29, 0.05, seed))
      expect(detectTrend([...series, series[0]! * 3], OPTIONS)).toBeUndefined()
    }
  })

  test('a fast-mode burst at the end is not an improvement, however long, once the mode has been seen', () => {
    const series = values(flatLogs(30, 0.04, 31))
    for (const i of [5, 6, 14, 15, 16]) series[i]! *= 0.55
    for (let burst = 2; burst <= 5; burst++) {
      const s = [...series]
      for (let i = s.length - burst; i < s.length; i++) s[i]! *= 0.55
      expect(detectTrend(s, OPTIONS)).toBeUndefined()
    }
  })

  test('two slow runs at the end: a step the first time, a known mode once seen before', () => {
    const series = values(flatLogs(30, 0.04, 41))
    series[28]! *= 3
    series[29]! *= 3
    expect(detectTrend(series, OPTIONS)).toMatchObject({ kind: 'step', direction: 'worse', since: 28, runs: 2, severity: 'critical' })
    series[9]! *= 3
    series[10]! *= 3
    expect(detectTrend(series, OPTIONS)).toBeUndefined()
  })
})

describe('detectTrend: steps', () => {
  test('a 1.3x step on 5% noise is found within 3 runs, pointing at the step', () => {
    const ratios: number[] = []
    for (let seed = 100; seed < 120; seed++) {
      const series = stepSeries(1.3, 28, 3, seed)
      const f = detectTrend(series.slice(0, 30), OPTIONS) ?? detectTrend(series.slice(1, 31), OPTIONS)
      if (!f) continue
      ratios.push(f.ratio)
      expect(f).toMatchObject({ kind: 'step', direction: 'worse', severity: 'minor' })
      expect(f.runs).toBeLessThanOrEqual(3)
      expect(f.since).toBe(30 - f.runs)
      // Found early means found on runs that happened to be high: a single ratio can be well off.
      expect(Math.abs(f.ratio - 1.3)).toBeLessThan(0.15)
      expect(f.interval[0]).toBeLessThanOrEqual(f.ratio)
      expect(f.interval[1]).toBeGreaterThanOrEqual(f.ratio)
      expect(f.interval[0]).toBeGreaterThan(1)
      expect(f.p_value).toBeLessThanOrEqual(0.05)
    }
    expect(ratios.length).toBeGreaterThanOrEqual(18)
    expect(ratios.reduce((a, b) => a + b, 0) / ratios.length).toBeCloseTo(1.3, 1)
  })

  test('with a short history the step needs its third run', () => {
    // 10 runs before: two runs after cannot reach significance against 10, three can.
    const series = stepSeries(1.3, 10, 3, 7, 0.03)
    expect(detectTrend(series.slice(0, 12), OPTIONS)).toBeUndefined()
    expect(detectTrend(series, OPTIONS)).toMatchObject({ kind: 'step', since: 10, runs: 3 })
  })

  test('a 2.5x step is critical', () => {
    const f = detectTrend(stepSeries(2.5, 20, 3, 8), OPTIONS)
    expect(f).toMatchObject({ kind: 'step', direction: 'worse', since: 20, runs: 3, severity: 'critical' })
    expect(f!.ratio).toBeCloseTo(2.5, 0)
  })

  test('a 0.7x step is an improvement, reported from its fourth run', () => {
    const series = stepSeries(0.7, 20, 4, 9)
    expect(detectTrend(series.slice(0, 23), OPTIONS)).toBeUndefined()
    const f = detectTrend(series, OPTIONS)
    expect(f).toMatchObject({ kind: 'step', direction: 'better', since: 20, runs: 4, severity: 'minor' })
    expect(f!.ratio).toBeLessThan(1 / 1.2)
    expect(f!.interval[1]).toBeLessThan(1)
  })

  test('a shift below the minor band is not reported, however clear', () => {
    expect(detectTrend(stepSeries(1.15, 25, 5, 10, 0.01), OPTIONS)).toBeUndefined()
    const wider = { ...OPTIONS, thresholds: { minor: 1.1, moderate: 1.5, critical: 2 } }
    expect(detectTrend(stepSeries(1.15, 25, 5, 10, 0.01), wider)).toMatchObject({ kind: 'step', direction: 'worse', severity: 'minor' })
  })
})

describe('detectTrend: drifts', () => {
  test('+2% per run on 3% noise is found before it reaches 1.3x', () => {
    let found = 0
    const rates: number[] = []
    for (let seed = 200; seed < 220; seed++) {
      const logs = flatLogs(30, 0.03, seed).map((l, i) => (i >= 17 ? l + (i - 16) * Math.log(1.02) : l))
      for (let d = 1; d <= 13; d++) {
        const f = detectTrend(values(logs.slice(0, 17 + d)), OPTIONS)
        if (!f) continue
        expect(f.direction).toBe('worse')
        found++
        if (f.kind === 'drift') {
          rates.push(f.per_run!)
          expect(Math.abs(f.per_run! - 1.02)).toBeLessThan(0.015)
          expect(f.ratio).toBeGreaterThanOrEqual(1.2)
          expect(f.ratio).toBeCloseTo(f.per_run! ** (f.runs - 1), 10)
          expect(f.interval[0]).toBeLessThanOrEqual(f.ratio)
          expect(f.interval[1]).toBeGreaterThanOrEqual(f.ratio)
          expect(f.since + f.runs).toBe(17 + d)
        }
        break
      }
    }
    expect(found).toBeGreaterThanOrEqual(19)
    expect(rates.length).toBeGreaterThanOrEqual(16)
    expect(rates.reduce((a, b) => a + b, 0) / rates.length).toBeCloseTo(1.02, 2)
  })

  test('a slow-down of 3% per run over the whole history is a drift over the shortest span that shows it', () => {
    const logs = flatLogs(24, 0.02, 5).map((l, i) => l + i * Math.log(1.03))
    const f = detectTrend(values(logs), OPTIONS)
    expect(f).toMatchObject({ kind: 'drift', direction: 'worse', since: 12, runs: 12, severity: 'minor' })
    expect(f!.per_run).toBeCloseTo(1.03, 2)
    expect(f!.ratio).toBeCloseTo(1.03 ** 11, 1)
  })
})

describe('detectTrend: direction of the metric', () => {
  test("better: 'higher' mirrors better: 'lower' on inverted values", () => {
    const cases = [stepSeries(1.4, 25, 3, 51), stepSeries(0.6, 25, 5, 52), values(flatLogs(24, 0.02, 53).map((l, i) => l + 0.03 * i))]
    for (const series of cases) {
      const lower = detectTrend(series, OPTIONS)
      const higher = detectTrend(
        series.map((v) => 1 / v),
        { ...OPTIONS, better: 'higher' },
      )
      expect(lower).toBeDefined()
      const { kind, direction, since, runs, severity } = lower!
      expect(higher).toMatchObject({ kind, direction, since, runs, severity })
      expect(higher!.ratio).toBeCloseTo(1 / lower!.ratio, 10)
      expect(higher!.p_value).toBeCloseTo(lower!.p_value, 12)
    }
  })

  test("with better: 'higher' a rise is an improvement and a fall a regression", () => {
    const higher: TrendOptions = { ...OPTIONS, better: 'higher' }
    expect(detectTrend(stepSeries(0.7, 25, 3, 61), higher)).toMatchObject({ direction: 'worse', severity: 'minor' })
    expect(detectTrend(stepSeries(1.6, 25, 4, 62), higher)).toMatchObject({ direction: 'better', severity: 'moderate' })
    // An improvement needs four runs, in either direction of the metric.
    expect(detectTrend(stepSeries(1.6, 25, 3, 62), higher)).toBeUndefined()
  })
})

describe('detectTrend: contract', () => {
  test('fewer than minBefore + 2 values: undefined', () => {
    const series = stepSeries(3, 6, 3, 71, 0.01)
    expect(detectTrend(series, OPTIONS)).toBeUndefined()
    expect(detectTrend(series, { ...OPTIONS, minBefore: 6 })).toMatchObject({ kind: 'step', since: 6, runs: 3 })
    expect(detectTrend([], OPTIONS)).toBeUndefined()
  })

  test('deterministic and does not touch its input', () => {
    const series = Object.freeze(values(multimodalLogs(40, 0.05, 81).map((l, i) => (i >= 37 ? l + 0.4 : l))))
    expect(detectTrend(series, OPTIONS)).toEqual(detectTrend([...series], OPTIONS))
  })

  test('a constant series has no trend', () => {
    expect(detectTrend(new Array<number>(40).fill(5), OPTIONS)).toBeUndefined()
  })

  test('rejects values that are not positive and finite', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const series = new Array<number>(12).fill(1)
      series[4] = bad
      expect(() => detectTrend(series, OPTIONS)).toThrow(new RangeError(`values[4] must be a positive finite number (got ${bad})`))
    }
  })

  test('rejects invalid options, naming every problem', () => {
    const series = new Array<number>(12).fill(1)
    expect(() => detectTrend(series, { ...OPTIONS, confidence: 1 })).toThrow(/confidence must be in \(0, 1\) \(got 1\)/)
    expect(() => detectTrend(series, { ...OPTIONS, confidence: 0 })).toThrow(RangeError)
    expect(() => detectTrend(series, { ...OPTIONS, thresholds: { minor: 0.8, moderate: 1.5, critical: 2 } })).toThrow(
      /thresholds.minor must be a finite number greater than 1 \(got 0.8\)/,
    )
    expect(() => detectTrend(series, { ...OPTIONS, thresholds: { minor: 1.2, moderate: 1.1, critical: 2 } })).toThrow(
      /thresholds.moderate must be greater than thresholds.minor/,
    )
    expect(() => detectTrend(series, { ...OPTIONS, thresholds: { minor: 1.2, moderate: 1.5, critical: 1.5 } })).toThrow(
      /thresholds.critical must be greater than thresholds.moderate/,
    )
    expect(() => detectTrend(series, { ...OPTIONS, minBefore: 1.5 })).toThrow(/minBefore must be an integer of at least 2/)
    expect(() => detectTrend(series, { ...OPTIONS, better: 'faster' as 'lower' })).toThrow(/better must be 'lower' or 'higher'/)
    expect(() => detectTrend(series, { thresholds: { minor: 1, moderate: 1, critical: 1 }, confidence: 2 })).toThrow(
      /confidence .*; thresholds.minor .*; thresholds.moderate .*; thresholds.critical/,
    )
  })
})
