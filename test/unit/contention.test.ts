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

  test('a run judged with its group is judged on the group\'s median share', () => {
    // A busy first run whose last confirmation run happened to get a whole core: still contended.
    expect(contention(withShare(0.95), baseline, [0.3, 0.25])).toEqual({ current: 0.3, baseline: 0.96 })
    // A busy first run, then two quiet ones: the group got its usual share.
    expect(contention(withShare(0.95), baseline, [0.3, 0.94])).toBeUndefined()
  })

  test('unknown without shares: older records, or fewer than three baseline runs with one', () => {
    expect(contention(withShare(undefined), baseline)).toBeUndefined()
    expect(contention(withShare(0.3), [withShare(0.9), withShare(0.9), withShare(undefined)])).toBeUndefined()
  })
})

describe('the detector on a busy machine', () => {
  test('a slowdown measured while the test got far less of a core than its baseline runs is inconclusive, with both shares', async () => {
    const { detect } = await import('../../src/detect/detect.js')
    const { run, detectConfig, NOW, ref } = await import('./helpers.js')
    const spread = [-1.5, -1, -0.6, -0.3, 0, 0, 0.3, 0.6, 1, 1.5].map((z) => 1e6 * Math.exp(0.03 * z))
    const history = spread.map((median, i) => {
      const r = run({ id: `b${i}`, mode: 'baseline', time: new Date(NOW.getTime() - (20 - i) * 3_600_000), medians: { parse: median } })
      r.results[0]!.sample = { ...r.results[0]!.sample, core: { source: 'schedstat', timed: { cpu: 0.96 } } }
      return r
    })
    const current = (cpu: number) => [
      { test: ref('parse'), runner: history[0]!.results[0]!.runner, env_key: history[0]!.results[0]!.env_key, sample: { ...history[0]!.results[0]!.sample, wall_ns: { ...history[0]!.results[0]!.sample.wall_ns, median: 1.8e6 }, core: { source: 'schedstat' as const, timed: { cpu } } } },
    ]
    const busy = detect({ current: current(0.3), history, config: detectConfig(), now: NOW })[0]!
    expect(busy.kind).toBe('inconclusive')
    expect(busy.reason).toMatch(/^1\.\d\d× slower, but the machine was busy: the test got 30% of a core; its baseline runs got 96%/)
    const idle = detect({ current: current(0.95), history, config: detectConfig(), now: NOW })[0]!
    expect(idle.kind).toBe('regression')
    // Judged with its group (confirmation, --repeat): two busy runs and one that got a whole core read busy.
    const group = [0.3, 0.25].map((cpu, i) => {
      const r = run({ id: `g${i}`, mode: 'compare', time: new Date(NOW.getTime() - (2 - i) * 60_000), medians: { parse: 1.8e6 } })
      r.group = 'g'
      r.results[0]!.sample = { ...r.results[0]!.sample, core: { source: 'schedstat', timed: { cpu } } }
      return r
    })
    const pooled = detect({ current: current(0.95), history: [...history, ...group], config: detectConfig(), now: NOW, runId: 'now', group: 'g' })[0]!
    expect(pooled.kind).toBe('inconclusive')
    expect(pooled.reason).toMatch(/the machine was busy: the test got 30% of a core/)
  })
})
