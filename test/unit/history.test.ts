import { describe, expect, test } from 'vitest'
import { HistoryCollector, RAW_KEPT } from '../../src/core/history.js'
import { testKey } from '../../src/detect/identity.js'
import { RAW_BASELINE_RUNS } from '../../src/report/html-data.js'
import { daysAgo, ref, run } from './helpers.js'

describe('HistoryCollector', () => {
  test('raw samples are kept for the newest baseline runs only, and never for other runs', () => {
    const collector = new HistoryCollector(new Set([testKey(ref('t'))]), { baseline: 30, other: 10 })
    for (let i = 0; i < 25; i++) collector.add(run({ id: `b${i}`, time: daysAgo(30 - i), medians: { t: 1000 + i } }))
    for (let i = 0; i < 3; i++) collector.add(run({ id: `c${i}`, time: daysAgo(2 - i / 2), mode: 'compare', medians: { t: 1000 } }))
    const runs = collector.runs()
    const withRaw = runs.filter((r) => r.results[0]!.sample.raw_wall_ns.length > 0).map((r) => r.id)
    expect(withRaw).toEqual(Array.from({ length: RAW_KEPT }, (_, i) => `b${25 - RAW_KEPT + i}`))
    expect(runs).toHaveLength(28)
    // The dashboard pools as many as are kept.
    expect(RAW_BASELINE_RUNS).toBe(RAW_KEPT)
  })
})
