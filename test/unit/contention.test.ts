import { describe, expect, test } from 'vitest'
import { contention, contentionReason } from '../../src/detect/contention.js'
import type { PerfSample } from '../../src/types.js'
import { sample } from './helpers.js'

const withShare = (cpu: number | undefined): PerfSample => (cpu === undefined ? sample(1e6) : sample(1e6, { core: { source: 'schedstat', timed: { cpu } } }))
const baseline = [0.97, 0.95, 0.99, 0.93, 0.96].map(withShare)

describe('contention', () => {
  test('a run that got far less of a core than its baseline runs is contended, with both shares', () => {
    expect(contention(withShare(0.3), baseline)).toEqual({ current: 0.3, baseline: 0.96 })
    expect(contentionReason({ current: 0.3, baseline: 0.955 })).toBe('the test got 30% of a core; its baseline runs got 96%')
  })

  test('a share near the usual one is not', () => {
    expect(contention(withShare(0.9), baseline)).toBeUndefined()
    expect(contention(withShare(0.97), baseline)).toBeUndefined()
  })

  test('both the ratio and the gap must be clear: a low-share test that dips a little is not contended', () => {
    // A function that mostly waits (I/O) has a low share in every run.
    const waits = [0.2, 0.22, 0.18, 0.21].map(withShare)
    expect(contention(withShare(0.15), waits)).toBeUndefined()
    expect(contention(withShare(0.05), waits)).toEqual({ current: 0.05, baseline: expect.closeTo(0.205, 6) })
  })

  test('unknown without shares: older records, or fewer than three baseline runs with one', () => {
    expect(contention(withShare(undefined), baseline)).toBeUndefined()
    expect(contention(withShare(0.3), [withShare(0.9), withShare(0.9), withShare(undefined)])).toBeUndefined()
  })
})
