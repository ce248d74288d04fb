import { describe, test, expect } from 'vitest'
import { benjaminiHochberg } from '../../src/stats/multiple.js'
import { mulberry32 } from './helpers.js'

describe('benjaminiHochberg', () => {
  test('hand-computed example, returned in input order', () => {
    // Sorted: 0.005 (rank 1), 0.01 (2), 0.03 (3), 0.04 (4); p * 4 / rank = 0.02, 0.02, 0.04, 0.04.
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005])
    expect(q).toHaveLength(4)
    const expected = [0.02, 0.04, 0.04, 0.02]
    q.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12))
  })

  test('step-up: a larger p at a higher rank can lower the q of smaller ones', () => {
    // Sorted: 0.01 -> 0.03, 0.012 -> 0.018, 0.04 -> 0.04; the running minimum from the top gives 0.018 to rank 1.
    const q = benjaminiHochberg([0.04, 0.01, 0.012])
    expect(q[0]).toBeCloseTo(0.04, 12)
    expect(q[1]).toBeCloseTo(0.018, 12)
    expect(q[2]).toBeCloseTo(0.018, 12)
  })

  test('never above 1', () => {
    expect(benjaminiHochberg([0.9, 0.95, 1])).toEqual([1, 1, 1])
    expect(benjaminiHochberg([0.8, 0.3])).toEqual([0.8, 0.6])
    // 0.9 * 2 / 1 = 1.8 would exceed 1: capped by the running minimum that starts at 1.
    expect(benjaminiHochberg([0.9, 1])).toEqual([1, 1])
  })

  test('empty and single input', () => {
    expect(benjaminiHochberg([])).toEqual([])
    expect(benjaminiHochberg([0.03])).toEqual([0.03])
  })

  test('on seeded random p-values: q >= p, q <= 1, and q is monotone in p', () => {
    const rand = mulberry32(2024)
    const p = Array.from({ length: 50 }, () => rand() ** 3)
    const q = benjaminiHochberg(p)
    expect(q).toHaveLength(p.length)
    for (let i = 0; i < p.length; i++) {
      expect(q[i]!).toBeGreaterThanOrEqual(p[i]!)
      expect(q[i]!).toBeLessThanOrEqual(1)
    }
    const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!)
    for (let k = 1; k < order.length; k++) expect(q[order[k]!]!).toBeGreaterThanOrEqual(q[order[k - 1]!]!)
  })

  test('ties get equal q-values and the input is not modified', () => {
    const p = [0.02, 0.02, 0.5]
    const q = benjaminiHochberg(p)
    expect(q[0]).toBeCloseTo(0.03, 12)
    expect(q[1]).toBeCloseTo(0.03, 12)
    expect(q[2]).toBeCloseTo(0.5, 12)
    expect(p).toEqual([0.02, 0.02, 0.5])
  })
})
