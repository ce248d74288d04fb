import { describe, expect, test } from 'vitest'
import {
  allBaselines,
  baselineResults,
  baselineStarts,
  currentBaselines,
  newestInWindow,
  scopeOf,
  selectBaselines,
  type BaselineScope,
} from '../../src/detect/baseline.js'
import { testKey } from '../../src/detect/identity.js'
import { SCHEMA_VERSION, type BaselineEvent } from '../../src/types.js'
import { daysAgo, NOW, result, run } from './helpers.js'

const WINDOW = { runs: 30, days: 30 }
const NO_EVENTS = baselineStarts([], [], NOW.getTime())
const scope = (extra: Partial<BaselineScope> = {}): BaselineScope => ({ now: NOW.getTime(), window: WINDOW, starts: NO_EVENTS, ...extra })

function event(action: 'accept' | 'reset', time: Date, runId?: string): BaselineEvent {
  return { schema: SCHEMA_VERSION, kind: 'baseline-event', id: `e-${action}-${time.getTime()}`, time: time.toISOString(), action, reason: 'why', who: 'me', ...(runId ? { run_id: runId } : {}) }
}

describe('baselineResults: which results of one run count', () => {
  test('a baseline run inside the window counts, once per test', () => {
    const r = run({ medians: { a: 1, b: 2 } })
    r.results.push(result('a', 99))
    const found = baselineResults(r, scope())
    expect(found.map((b) => [b.key, b.result.sample.wall_ns.median])).toEqual([
      [testKey(r.results[0]!.test), 1],
      [testKey(r.results[1]!.test), 2],
    ])
    expect(found[0]!.time).toBe(Date.parse(r.time))
  })

  test('compare runs, A/B runs, the judged run and runs outside the window do not', () => {
    const compareRun = run({ mode: 'compare', medians: { a: 1 } })
    const ab = { ...run({ medians: { a: 1 } }), ab: { base_commit: 'abc', base_ref: 'main', design: 'paired' as const, base_results: [] } }
    const judged = run({ id: 'judged', medians: { a: 1 } })
    const old = run({ time: daysAgo(31), medians: { a: 1 } })
    const future = run({ time: new Date(NOW.getTime() + 1000), medians: { a: 1 } })
    for (const r of [compareRun, ab, old, future]) expect(baselineResults(r, scope())).toEqual([])
    expect(baselineResults(judged, scope({ runId: 'judged' }))).toEqual([])
    expect(baselineResults(judged, scope())).toHaveLength(1)
  })

  test('an accepted compare run counts; runs before a reset or before an accepted run of the test do not', () => {
    const before = run({ time: daysAgo(5), medians: { a: 1, b: 1 } })
    const accepted = run({ id: 'acc', mode: 'compare', time: daysAgo(3), medians: { a: 2 } })
    const history = [before, accepted]
    const starts = baselineStarts(history, [event('accept', daysAgo(2), 'acc')], NOW.getTime())
    expect(baselineResults(accepted, scope({ starts })).map((b) => b.result.sample.wall_ns.median)).toEqual([2])
    // Test a starts at the accepted run; test b has no accepted run, so its older result still counts.
    expect(baselineResults(before, scope({ starts })).map((b) => b.result.test.name)).toEqual(['b'])
    const reset = baselineStarts(history, [event('reset', daysAgo(4))], NOW.getTime())
    expect(baselineResults(before, scope({ starts: reset }))).toEqual([])
  })
})

describe('baselineStarts', () => {
  test('events after now are ignored; a reset clears earlier accepts', () => {
    const a = run({ id: 'a', time: daysAgo(6), medians: { x: 1 } })
    const b = run({ id: 'b', time: daysAgo(2), medians: { x: 1 } })
    const accepts = [event('accept', daysAgo(5), 'a'), event('accept', new Date(NOW.getTime() + 1), 'b')]
    const starts = baselineStarts([a, b], accepts, NOW.getTime())
    expect([...starts.accepted]).toEqual(['a'])
    expect(starts.startOf.get(testKey(a.results[0]!.test))).toBe(Date.parse(a.time))
    const reset = event('reset', daysAgo(4))
    const cleared = baselineStarts([a, b], [...accepts, reset], NOW.getTime())
    expect(cleared.accepted.size).toBe(0)
    expect(cleared.resetAt).toBe(daysAgo(4).getTime())
    expect(cleared.latestReset).toBe(reset)
    expect(cleared.effectiveAccepts.size).toBe(0)
  })

  test('the judged run accepted: its tests start at the time it is judged', () => {
    const current = [result('x', 1)]
    const starts = baselineStarts([], [event('accept', daysAgo(1), 'now-run')], NOW.getTime(), { runId: 'now-run', current, now: NOW })
    expect(starts.startOf.get(testKey(current[0]!.test))).toBe(NOW.getTime())
    expect(starts.accepted.size).toBe(0)
  })
})

describe('picking the newest runs', () => {
  test('newestInWindow sorts newest first, keeps the given order on equal times, and cuts to window.runs', () => {
    const list = [{ time: 1, id: 'a' }, { time: 3, id: 'b' }, { time: 3, id: 'c' }, { time: 2, id: 'd' }]
    expect(newestInWindow(list, { runs: 3 }).map((x) => x.id)).toEqual(['b', 'c', 'd'])
    expect(list.map((x) => x.id)).toEqual(['a', 'b', 'c', 'd'])
  })

  test('allBaselines: one list per test and environment, newest first, at most window.runs', () => {
    const history = [1, 2, 3, 4].map((h) => run({ time: new Date(NOW.getTime() - h * 3_600_000), medians: { a: h } }))
    history.push(run({ envKey: 'env-b', medians: { a: 9 } }))
    const slots = allBaselines(history, scope({ window: { runs: 3, days: 30 } }))
    const key = testKey(history[0]!.results[0]!.test)
    expect(slots.get(JSON.stringify([key, 'env-a']))!.map((b) => b.result.sample.wall_ns.median)).toEqual([1, 2, 3])
    expect(slots.get(JSON.stringify([key, 'env-b']))!.map((b) => b.result.sample.wall_ns.median)).toEqual([9])
    expect(slots.size).toBe(2)
  })
})

describe('currentBaselines and selectBaselines', () => {
  test('only the current tests, only their environment; other environments counted as foreign', () => {
    const history = [
      run({ time: daysAgo(1), medians: { a: 1, other: 5 } }),
      run({ time: daysAgo(2), medians: { a: 2 } }),
      run({ time: daysAgo(3), envKey: 'env-b', medians: { a: 3 } }),
    ]
    const input = { current: [result('a', 1)], history, config: { baselineWindow: WINDOW }, now: NOW }
    const { baselines, foreign } = currentBaselines(input)
    const key = testKey(result('a', 1).test)
    expect([...baselines.keys()]).toEqual([key])
    expect(baselines.get(key)!.map((e) => e.run.id)).toEqual([history[0]!.id, history[1]!.id])
    expect(foreign.get(key)).toBe(1)
    expect(selectBaselines(input).get(key)).toEqual([1, 2])
  })

  test('scopeOf counts the events up to eventsUntil, and keeps the judged run out', () => {
    const accepted = run({ id: 'acc', mode: 'compare', time: daysAgo(3), medians: { a: 7 } })
    const input = { current: [result('a', 1)], history: [accepted], config: { baselineWindow: WINDOW }, now: daysAgo(2), runId: 'judged', events: [event('accept', daysAgo(1), 'acc')] }
    expect(scopeOf(input, [accepted]).starts.accepted.size).toBe(0)
    const later = scopeOf({ ...input, eventsUntil: NOW }, [accepted])
    expect([...later.starts.accepted]).toEqual(['acc'])
    expect(later.runId).toBe('judged')
    expect(later.now).toBe(daysAgo(2).getTime())
    expect(selectBaselines({ ...input, eventsUntil: NOW }).get(testKey(result('a', 1).test))).toEqual([7])
  })
})
