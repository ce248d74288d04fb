import { describe, test, expect } from 'vitest'
import { incompleteBeta, tCdf, tQuantile } from '../../src/stats/tdist.js'

describe('tQuantile against table values', () => {
  test.each([
    [0.975, 4, 2.776445],
    [0.975, 10, 2.228139],
    [0.95, 1, 6.313752],
    [0.975, 1, 12.706205],
    [0.995, 5, 4.032143],
    [0.9, 30, 1.310415],
    [0.975, 1e6, 1.959964],
  ])('t(%f, df=%f) = %f', (p, df, expected) => {
    expect(tQuantile(p, df)).toBeCloseTo(expected, 5)
  })

  test('the median is 0', () => {
    // Near t = 0 the CDF loses precision (1 - df / (df + t²) cancels), so only ~1e-8 here.
    expect(tQuantile(0.5, 3)).toBeCloseTo(0, 7)
  })

  test('symmetric: t(1 - p) = -t(p)', () => {
    for (const df of [1, 2, 5, 29]) {
      for (const p of [0.6, 0.9, 0.975, 0.999]) {
        expect(tQuantile(1 - p, df)).toBeCloseTo(-tQuantile(p, df), 8)
      }
    }
  })

  test('increasing in p and decreasing in df (upper tail)', () => {
    const ps = [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99]
    const qs = ps.map((p) => tQuantile(p, 6))
    for (let i = 1; i < qs.length; i++) expect(qs[i]!).toBeGreaterThan(qs[i - 1]!)
    const byDf = [1, 2, 4, 8, 16, 64].map((df) => tQuantile(0.975, df))
    for (let i = 1; i < byDf.length; i++) expect(byDf[i]!).toBeLessThan(byDf[i - 1]!)
  })

  test('rejects probabilities outside (0, 1)', () => {
    for (const p of [0, 1, -0.1, 1.5, Number.NaN]) {
      expect(() => tQuantile(p, 5)).toThrow(RangeError)
    }
    expect(() => tQuantile(1, 5)).toThrow('probability must be in (0, 1) (got 1)')
  })

  test('extreme quantiles are not clamped to ±1000 (df = 1, p = 0.99995)', () => {
    // Exact for the Cauchy distribution: tan(pi * (p - 1/2)) ≈ 6366.2.
    // A fixed bisection bracket would cap the answer.
    const p = 0.99995
    expect(tQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 0)
  })
})

describe('tCdf', () => {
  test('table values and the centre', () => {
    expect(tCdf(0, 7)).toBeCloseTo(0.5, 12)
    expect(tCdf(2.776445, 4)).toBeCloseTo(0.975, 6)
    expect(tCdf(2.228139, 10)).toBeCloseTo(0.975, 6)
    expect(tCdf(6.313752, 1)).toBeCloseTo(0.95, 6)
    expect(tCdf(1.959964, 1e6)).toBeCloseTo(0.975, 6)
  })

  test('matches the closed forms for df = 1 (Cauchy) and df = 2', () => {
    for (const t of [-30, -2.5, -0.3, 0.1, 1, 4, 100]) {
      expect(tCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 10)
      expect(tCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 10)
    }
  })

  test('symmetric: F(-t) = 1 - F(t)', () => {
    for (const df of [1, 3, 12, 200]) {
      for (const t of [0.2, 1, 2.5, 7]) expect(tCdf(-t, df)).toBeCloseTo(1 - tCdf(t, df), 12)
    }
  })

  test('non-decreasing in t, within [0, 1]', () => {
    let previous = -1
    for (let t = -50; t <= 50; t += 0.25) {
      const f = tCdf(t, 3)
      expect(f).toBeGreaterThanOrEqual(previous)
      expect(f).toBeGreaterThanOrEqual(0)
      expect(f).toBeLessThanOrEqual(1)
      previous = f
    }
  })

  test('infinite arguments', () => {
    expect(tCdf(Infinity, 3)).toBe(1)
    expect(tCdf(-Infinity, 3)).toBe(0)
  })

  test('round-trips with tQuantile', () => {
    for (const df of [1, 2, 9, 50]) {
      for (const p of [0.025, 0.2, 0.5, 0.8, 0.995]) expect(tCdf(tQuantile(p, df), df)).toBeCloseTo(p, 7)
    }
  })

  test('rejects non-positive degrees of freedom', () => {
    expect(() => tCdf(1, 0)).toThrow('degrees of freedom must be positive (got 0)')
    expect(() => tCdf(1, -2)).toThrow(RangeError)
    expect(() => tCdf(1, Number.NaN)).toThrow(RangeError)
  })
})

describe('incompleteBeta', () => {
  test('limits and known values', () => {
    expect(incompleteBeta(0, 2, 3)).toBe(0)
    expect(incompleteBeta(1, 2, 3)).toBe(1)
    expect(incompleteBeta(-1, 2, 3)).toBe(0)
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1 - x)^b.
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12)
    expect(incompleteBeta(0.6, 3, 1)).toBeCloseTo(0.216, 12)
    expect(incompleteBeta(0.2, 1, 4)).toBeCloseTo(1 - 0.8 ** 4, 12)
    // Symmetry: I_x(a, b) = 1 - I_{1-x}(b, a).
    expect(incompleteBeta(0.35, 2.5, 4)).toBeCloseTo(1 - incompleteBeta(0.65, 4, 2.5), 12)
  })
})
