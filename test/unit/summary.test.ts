import { describe, test, expect } from 'vitest'
import { summarize, thin } from '../../src/stats/summary.js'
import { mulberry32 } from './helpers.js'

describe('summarize', () => {
  test('computes every statistic of a small unsorted list', () => {
    const s = summarize([4, 1, 3, 2])
    expect(s.n).toBe(4)
    expect(s.mean).toBeCloseTo(2.5, 12)
    expect(s.median).toBeCloseTo(2.5, 12)
    // Linear interpolation between order statistics (R type 7): 1 + 0.75 * 3, 1 + 0.99 * 3.
    expect(s.p75).toBeCloseTo(3.25, 12)
    expect(s.p99).toBeCloseTo(3.97, 12)
    expect(s.min).toBe(1)
    expect(s.max).toBe(4)
    // Sample standard deviation: sqrt(((1.5² + 0.5²) * 2) / 3).
    expect(s.sd).toBeCloseTo(Math.sqrt(5 / 3), 12)
  })

  test('odd length: the median is the middle value', () => {
    const s = summarize([10, 30, 20, 50, 40])
    expect(s.median).toBe(30)
    expect(s.min).toBe(10)
    expect(s.max).toBe(50)
  })

  test('a single value has sd 0 and every location statistic equal to it', () => {
    expect(summarize([7])).toEqual({ n: 1, mean: 7, median: 7, p75: 7, p99: 7, min: 7, max: 7, sd: 0 })
  })

  test('does not reorder its input', () => {
    const input = [3, 1, 2]
    summarize(input)
    expect(input).toEqual([3, 1, 2])
  })

  test('order of the statistics holds on seeded random data', () => {
    const rand = mulberry32(42)
    const values = Array.from({ length: 257 }, () => 1000 + 500 * rand())
    const s = summarize(values)
    expect(s.n).toBe(257)
    expect(s.min).toBeLessThanOrEqual(s.median)
    expect(s.median).toBeLessThanOrEqual(s.p75)
    expect(s.p75).toBeLessThanOrEqual(s.p99)
    expect(s.p99).toBeLessThanOrEqual(s.max)
    expect(s.min).toBe(Math.min(...values))
    expect(s.max).toBe(Math.max(...values))
    expect(s.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9)
  })

  test('rejects an empty list and non-finite values', () => {
    expect(() => summarize([])).toThrow(RangeError)
    expect(() => summarize([])).toThrow('at least one value')
    expect(() => summarize([1, Number.NaN])).toThrow('non-finite value (NaN)')
    expect(() => summarize([1, Infinity])).toThrow('non-finite value (Infinity)')
  })
})

describe('thin', () => {
  const ten = Array.from({ length: 10 }, (_, i) => i)

  test('keeps everything (as a copy) when the list fits', () => {
    const out = thin(ten, 10)
    expect(out).toEqual(ten)
    expect(out).not.toBe(ten)
    expect(thin(ten, 64)).toEqual(ten)
  })

  test('a limit of 0 (or below) keeps nothing', () => {
    expect(thin(ten, 0)).toEqual([])
    expect(thin(ten, -3)).toEqual([])
  })

  test('a limit of 1 keeps the last value', () => {
    expect(thin(ten, 1)).toEqual([9])
  })

  test('evenly spaced, first and last included', () => {
    expect(thin(ten, 4)).toEqual([0, 3, 6, 9])
    expect(thin(ten, 3)).toEqual([0, 5, 9])
    expect(thin(ten, 2)).toEqual([0, 9])
  })

  test('keeps the original order of the values', () => {
    expect(thin([5, 1, 4, 2, 3], 3)).toEqual([5, 4, 3])
  })

  test('never returns more than the limit', () => {
    const rand = mulberry32(7)
    const values = Array.from({ length: 1000 }, () => rand())
    for (const limit of [1, 2, 5, 63, 64, 999]) {
      const out = thin(values, limit)
      expect(out).toHaveLength(limit)
      expect(out[out.length - 1]).toBe(values[values.length - 1])
    }
  })
})
