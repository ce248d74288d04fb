import { describe, test, expect } from 'vitest'
import {
  hodgesLehmann,
  kendallDistribution,
  mannKendall,
  mannWhitney,
  mannWhitneyDistribution,
  theilSen,
  twoSided,
} from '../../src/stats/rank.js'
import { mulberry32 } from './helpers.js'

/** All k-subsets of 0 .. n-1. */
function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]]
  if (n < k) return []
  return [...subsets(n - 1, k), ...subsets(n - 1, k - 1).map((s) => [...s, n - 1])]
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]]
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]))
}

function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
}

describe('mannWhitneyDistribution', () => {
  test('matches a hand count for two samples of two', () => {
    // Orders of xxyy: U = 4 (xxyy... from the top), 3, 2, 2, 1, 0.
    const dist = [...mannWhitneyDistribution(2, 2)]
    expect(dist.map((p) => p * 6)).toEqual([1, 1, 2, 1, 1].map((c) => expect.closeTo(c, 12)))
  })

  test.each([
    [3, 5],
    [4, 4],
    [2, 7],
  ])('matches enumeration of every ranking, sizes %i and %i', (k, m) => {
    const counts = new Array<number>(k * m + 1).fill(0)
    const all = subsets(k + m, k)
    for (const ranks of all) {
      // U counts pairs with x above y: each x at rank r (0-based) is above r - (x values below it) y values.
      const u = ranks.reduce((sum, r, i) => sum + r - i, 0)
      counts[u]!++
    }
    const dist = mannWhitneyDistribution(k, m)
    counts.forEach((c, u) => expect(dist[u]).toBeCloseTo(c / all.length, 12))
  })

  test('sums to one and is symmetric, in either order of the sizes', () => {
    const dist = mannWhitneyDistribution(6, 23)
    expect(dist.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    for (let u = 0; u < dist.length; u++) expect(dist[u]).toBeCloseTo(dist[dist.length - 1 - u]!, 14)
    expect([...mannWhitneyDistribution(23, 6)]).toEqual([...dist])
  })
})

describe('mannWhitney', () => {
  test('every x above every y: the smallest possible p', () => {
    const t = mannWhitney([10, 11, 12], [1, 2, 3, 4])
    expect(t.statistic).toBe(12)
    expect(t.pGreater).toBeCloseTo(1 / 35, 12)
    expect(t.pLess).toBeCloseTo(1, 12)
    expect(twoSided(t)).toBeCloseTo(2 / 35, 12)
    const down = mannWhitney([1, 2, 3], [10, 11, 12, 13])
    expect(down.statistic).toBe(0)
    expect(down.pLess).toBeCloseTo(1 / 35, 12)
  })

  test('ties count one half and take the conservative tail', () => {
    const t = mannWhitney([1, 1], [1, 1])
    expect(t.statistic).toBe(2)
    expect(t.pGreater).toBeCloseTo(4 / 6, 12)
    expect(t.pLess).toBeCloseTo(4 / 6, 12)
    // U = 2.5 (one tie): P(U >= 2) and P(U <= 3).
    const half = mannWhitney([2, 3], [1, 2])
    expect(half.statistic).toBe(3.5)
    expect(half.pGreater).toBeCloseTo(2 / 6, 12)
    expect(half.pLess).toBeCloseTo(1, 12)
  })

  test('holds its level on samples from one distribution', () => {
    const rand = mulberry32(11)
    let rejected = 0
    const reps = 2000
    for (let r = 0; r < reps; r++) {
      const x = Array.from({ length: 3 }, () => gauss(rand))
      const y = Array.from({ length: 20 }, () => gauss(rand))
      if (twoSided(mannWhitney(x, y)) <= 0.05) rejected++
    }
    expect(rejected / reps).toBeLessThanOrEqual(0.06)
    expect(rejected / reps).toBeGreaterThan(0.02)
  })

  test('rejects empty samples', () => {
    expect(() => mannWhitney([], [1])).toThrow(RangeError)
  })
})

describe('hodgesLehmann', () => {
  test('an exact shift is estimated exactly', () => {
    const y = [1, 2, 3, 5, 8, 13, 21, 34]
    const x = y.map((v) => v + 1)
    const e = hodgesLehmann(x, y, 0.95)
    // The differences y_i + 1 - y_j are symmetric about 1.
    expect(e.estimate).toBeCloseTo(1, 12)
    expect(e.interval[0]).toBeLessThanOrEqual(e.estimate)
    expect(e.interval[1]).toBeGreaterThanOrEqual(e.estimate)
  })

  test('samples too small for the level give an unbounded interval', () => {
    // P(U = 0) = 1/6 > 0.025 for two against two.
    expect(hodgesLehmann([5, 6], [1, 2], 0.95).interval).toEqual([-Infinity, Infinity])
  })

  test('the interval covers the true shift at about its level', () => {
    const rand = mulberry32(5)
    let covered = 0
    const reps = 1000
    for (let r = 0; r < reps; r++) {
      const x = Array.from({ length: 4 }, () => 0.5 + gauss(rand))
      const y = Array.from({ length: 16 }, () => gauss(rand))
      const [lo, hi] = hodgesLehmann(x, y, 0.9).interval
      if (lo <= 0.5 && 0.5 <= hi) covered++
    }
    expect(covered / reps).toBeGreaterThan(0.88)
    expect(covered / reps).toBeLessThan(0.95)
  })

  test('rejects a confidence outside (0, 1)', () => {
    expect(() => hodgesLehmann([1], [2], 1)).toThrow(/confidence must be in \(0, 1\)/)
  })
})

describe('kendallDistribution', () => {
  test('matches enumeration of the permutations of 5', () => {
    const counts = new Array<number>(11).fill(0)
    const all = permutations(5)
    for (const p of all) {
      let inversions = 0
      for (let i = 0; i < p.length; i++) for (let j = i + 1; j < p.length; j++) if (p[i]! > p[j]!) inversions++
      counts[inversions]!++
    }
    const dist = kendallDistribution(5)
    counts.forEach((c, d) => expect(dist[d]).toBeCloseTo(c / all.length, 12))
  })

  test('small cases and a large one', () => {
    expect([...kendallDistribution(1)]).toEqual([1])
    expect([...kendallDistribution(3)].map((p) => p * 6)).toEqual([1, 2, 2, 1].map((c) => expect.closeTo(c, 12)))
    const big = kendallDistribution(64)
    expect(big).toHaveLength((64 * 63) / 2 + 1)
    expect(big.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10)
  })
})

describe('mannKendall', () => {
  test('a monotone series: S is the number of pairs and p is 1 / n!', () => {
    const up = mannKendall([1, 2, 3, 5, 8, 13])
    expect(up.statistic).toBe(15)
    expect(up.pGreater).toBeCloseTo(1 / 720, 12)
    expect(up.pLess).toBeCloseTo(1, 12)
    const down = mannKendall([6, 5, 4, 3, 2, 1])
    expect(down.statistic).toBe(-15)
    expect(down.pLess).toBeCloseTo(1 / 720, 12)
  })

  test('a flat series is no evidence either way', () => {
    const t = mannKendall([3, 3, 3, 3])
    expect(t.statistic).toBe(0)
    expect(twoSided(t)).toBe(1)
  })

  test('holds its level on white noise', () => {
    const rand = mulberry32(3)
    let rejected = 0
    const reps = 2000
    for (let r = 0; r < reps; r++) if (twoSided(mannKendall(Array.from({ length: 12 }, () => gauss(rand)))) <= 0.05) rejected++
    expect(rejected / reps).toBeLessThanOrEqual(0.06)
    expect(rejected / reps).toBeGreaterThan(0.03)
  })

  test('needs two values', () => {
    expect(() => mannKendall([1])).toThrow(RangeError)
  })
})

describe('theilSen', () => {
  test('a straight line, with and without a wild value', () => {
    const line = Array.from({ length: 10 }, (_, i) => 3 + 0.5 * i)
    expect(theilSen(line, 0.95).estimate).toBeCloseTo(0.5, 12)
    expect(theilSen(line, 0.95).interval).toEqual([expect.closeTo(0.5, 12), expect.closeTo(0.5, 12)])
    const wild = [...line]
    wild[6] = 100
    expect(theilSen(wild, 0.95).estimate).toBeCloseTo(0.5, 12)
  })

  test('uses positions when given', () => {
    expect(theilSen([0, 1, 2], 0.9, [0, 2, 4]).estimate).toBeCloseTo(0.5, 12)
    expect(() => theilSen([0, 1, 2], 0.9, [0, 2, 2])).toThrow(/strictly increasing/)
    expect(() => theilSen([0, 1, 2], 0.9, [0, 2])).toThrow(/one position per value/)
  })

  test('the interval covers the true slope at about its level', () => {
    const rand = mulberry32(9)
    let covered = 0
    const reps = 500
    for (let r = 0; r < reps; r++) {
      const ys = Array.from({ length: 14 }, (_, i) => 0.02 * i + 0.05 * gauss(rand))
      const [lo, hi] = theilSen(ys, 0.9).interval
      if (lo <= 0.02 && 0.02 <= hi) covered++
    }
    expect(covered / reps).toBeGreaterThan(0.86)
    expect(covered / reps).toBeLessThan(0.95)
  })
})
