import { describe, expect } from 'vitest'
import { test } from 'perf-regression/vitest'
import { checksum, movingAverage } from '../src/checksum.js'

const bytes = new TextEncoder().encode('perf-regression '.repeat(20_000))
const values = Float64Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 100))

describe('checksum', () => {
  test('fnv-1a of 320 kB', async ({ perf }) => {
    const hash = await perf(() => checksum(bytes))
    expect(hash).toBe(checksum(bytes))
    expect(hash).toBeGreaterThan(0)
  })
})

describe('series', () => {
  test('moving average of 100k points', async ({ perf }) => {
    const out = new Float64Array(values.length)
    const result = await perf(() => movingAverage(values, 50, out))
    expect(result[49]).toBeCloseTo(values.slice(0, 50).reduce((a, b) => a + b) / 50, 9)
  })
})
