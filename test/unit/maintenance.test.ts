import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { detect, type DetectConfig } from '../../src/detect/detect.js'
import type { TestVerdict } from '../../src/detect/verdict.js'
import { compactStore, mergeRecords, planPrune } from '../../src/store/maintenance.js'
import { appendRecord, readStore, StoreError } from '../../src/store/store.js'
import { SCHEMA_VERSION, type BaselineEvent, type RunRecord, type StoreRecord, type TestResult } from '../../src/types.js'
/** The folder's files besides the history index, which appends keep next to the store. */
const withoutIndex = (files: string[]) => files.filter((f) => f !== 'h.jsonl.index')

import { NOW, daysAgo, detectConfig, mulberry32, noisy, result, run, tempDir } from './helpers.js'

const HOUR = 3_600_000
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * HOUR)
const ids = (records: readonly StoreRecord[]) => records.map((r) => r.id)
const line = (r: StoreRecord) => JSON.stringify(r) + '\n'

function event(id: string, time: Date, action: 'accept' | 'reset', runId?: string): BaselineEvent {
  return { schema: SCHEMA_VERSION, kind: 'baseline-event', id, time: time.toISOString(), action, ...(runId ? { run_id: runId } : {}), reason: 'test', who: 'ci' }
}

/** What detect() says about `current` against a store's records. */
function verdicts(records: readonly StoreRecord[], current: readonly TestResult[], config: DetectConfig) {
  const history = records.filter((r): r is RunRecord => r.kind === 'run')
  const events = records.filter((r): r is BaselineEvent => r.kind === 'baseline-event')
  return detect({ current, history, events, config, now: NOW, runId: 'current' })
}

describe('planPrune', () => {
  test('needs keepDays or keepRuns, and valid values', () => {
    const config = detectConfig()
    expect(() => planPrune([], { now: NOW, config })).toThrow('prune needs keepDays or keepRuns')
    expect(() => planPrune([], { keepDays: -1, now: NOW, config })).toThrow('keepDays must be a number of days, 0 or more (got -1)')
    expect(() => planPrune([], { keepDays: Number.NaN, now: NOW, config })).toThrow('keepDays must be')
    expect(() => planPrune([], { keepRuns: 1.5, now: NOW, config })).toThrow('keepRuns must be a whole number, 0 or more (got 1.5)')
    expect(() => planPrune([], { keepRuns: 1, now: new Date('nope'), config })).toThrow('valid `now`')
    expect(planPrune([], { keepRuns: 0, now: NOW, config })).toEqual({ keep: [], dropped: 0, keptForBaseline: 0 })
  })

  test('keepDays keeps current baselines older than keepDays, so verdicts do not change', () => {
    const config = detectConfig()
    const values = noisy(100, 6, 0.02, 7)
    const old = values.map((v, i) => run({ id: `old-${i}`, time: daysAgo(10 + i), medians: { parse: v } }))
    const otherEnv = [0, 1].map((i) => run({ id: `b-${i}`, time: daysAgo(30 + i), envKey: 'env-b', medians: { parse: 90 } }))
    const records: StoreRecord[] = [
      run({ id: 'ancient', time: daysAgo(200), medians: { parse: 50 } }),
      ...[0, 1, 2].map((i) => run({ id: `render-${i}`, time: daysAgo(100 + i), medians: { render: 10 } })),
      run({ id: 'cmp-old', time: daysAgo(20), mode: 'compare', medians: { parse: 300 } }),
      ...old,
      ...otherEnv,
      run({ id: 'cmp-new', time: daysAgo(1), mode: 'compare', medians: { parse: 101 } }),
    ]
    const plan = planPrune(records, { keepDays: 7, now: NOW, config })
    expect(ids(plan.keep)).toEqual([...ids(old), 'b-0', 'b-1', 'cmp-new'])
    expect(plan).toMatchObject({ dropped: 5, keptForBaseline: 8 })

    const currentA = [result('parse', 130), result('render', 10)]
    const before = verdicts(records, currentA, config)
    expect(before.map((v) => v.kind)).toEqual(['regression', 'new'])
    expect(verdicts(plan.keep, currentA, config)).toEqual(before)
    const currentB = [result('parse', 90, 'env-b')]
    expect(verdicts(plan.keep, currentB, config)).toEqual(verdicts(records, currentB, config))
    // The check has teeth: a naive cut at 7 days does change the verdict.
    const naive = records.filter((r) => Date.parse(r.time) >= daysAgo(7).getTime())
    expect(verdicts(naive, currentA, config)).not.toEqual(before)
  })

  test('keepRuns keeps the newest runs plus the baseline window; ties count later records as newer; order preserved', () => {
    const config = detectConfig({ baselineWindow: { runs: 3, days: 90 } })
    const parse = [1, 2, 3, 4, 5, 6].map((h) => run({ id: `p${h}`, time: hoursAgo(h), medians: { parse: 100 + h } }))
    const render = [2, 3, 4, 5, 6].map((d) => run({ id: `r${d}`, time: daysAgo(d), medians: { render: 50 + d } }))
    const tie = run({ id: 'tie', time: hoursAgo(1), mode: 'compare', medians: { other: 1 } })
    const records: StoreRecord[] = [...render.slice().reverse(), ...parse.slice().reverse(), tie]
    const plan = planPrune(records, { keepRuns: 2, now: NOW, config })
    // Newest two: `tie` (same time as p1, later in the store) and p1; then the baselines p2, p3 and r2..r4.
    expect(ids(plan.keep)).toEqual(['r4', 'r3', 'r2', 'p3', 'p2', 'p1', 'tie'])
    expect(plan).toMatchObject({ dropped: 5, keptForBaseline: 5 })
    const current = [result('parse', 104), result('render', 52)]
    expect(verdicts(plan.keep, current, config)).toEqual(verdicts(records, current, config))

    const none = planPrune(records, { keepRuns: 0, now: NOW, config })
    expect(ids(none.keep)).toEqual(['r4', 'r3', 'r2', 'p3', 'p2', 'p1'])
    expect(none.keptForBaseline).toBe(6)
  })

  test('with keepDays and keepRuns a run goes when either drops it', () => {
    const records = [1, 2, 4, 5].map((d) => run({ id: `c${d}`, time: daysAgo(d), mode: 'compare', medians: { t: 1 } }))
    expect(ids(planPrune(records, { keepDays: 3, now: NOW, config: detectConfig() }).keep)).toEqual(['c1', 'c2'])
    expect(ids(planPrune(records, { keepDays: 3, keepRuns: 1, now: NOW, config: detectConfig() }).keep)).toEqual(['c1'])
    expect(ids(planPrune(records, { keepDays: 30, keepRuns: 3, now: NOW, config: detectConfig() }).keep)).toEqual(['c1', 'c2', 'c4'])
  })

  test('events: keeps the latest reset, accepts of kept runs and future events; drops the rest', () => {
    const config = detectConfig()
    const records: StoreRecord[] = [
      ...[20, 21, 22].map((d) => run({ id: `pre-${d}`, time: daysAgo(d), medians: { parse: 100 } })),
      event('reset-1', daysAgo(30), 'reset'),
      event('accept-pre', daysAgo(19), 'accept', 'pre-20'),
      event('reset-2', daysAgo(10), 'reset'),
      ...[5, 6, 7].map((d) => run({ id: `post-${d}`, time: daysAgo(d), medians: { parse: 100 } })),
      run({ id: 'slow', time: daysAgo(3), mode: 'compare', medians: { parse: 150 } }),
      event('accept-slow', daysAgo(2), 'accept', 'slow'),
      event('accept-ghost', daysAgo(2), 'accept', 'no-such-run'),
      ...[1, 2, 3, 4].map((h) => run({ id: `new-${h}`, time: hoursAgo(h), medians: { parse: 150 + h } })),
      event('reset-future', new Date(NOW.getTime() + HOUR), 'reset'),
    ]
    const plan = planPrune(records, { keepDays: 1, now: NOW, config })
    expect(ids(plan.keep)).toEqual(['reset-2', 'slow', 'accept-slow', 'new-1', 'new-2', 'new-3', 'new-4', 'reset-future'])
    // Dropped: 3 pre-reset runs, reset-1, accept-pre, accept-ghost, and post-* (before the accepted run, so not baselines).
    expect(plan).toMatchObject({ dropped: 9, keptForBaseline: 1 })
    const current = [result('parse', 152)]
    const before = verdicts(records, current, config)
    expect(before[0]!.kind).toBe('unchanged')
    expect(verdicts(plan.keep, current, config)).toEqual(before)
  })

  test('an accepted run outside the window stays when it fences off an older kept run', () => {
    const config = detectConfig({ baselineWindow: { runs: 2, days: 90 } })
    // X measured parse in env-b and render in env-a; it is render's only baseline, so it is kept.
    const x = run({ id: 'X', time: daysAgo(20), medians: { parse: 100, render: 50 } })
    x.results[0]!.env_key = 'env-b'
    const accepted = run({ id: 'A', time: daysAgo(10), mode: 'compare', medians: { parse: 120 } })
    const records: StoreRecord[] = [
      x,
      accepted,
      event('accept-A', daysAgo(9), 'accept', 'A'),
      run({ id: 'B1', time: daysAgo(2), medians: { parse: 121 } }),
      run({ id: 'B2', time: daysAgo(1), medians: { parse: 119 } }),
    ]
    const plan = planPrune(records, { keepDays: 5, now: NOW, config })
    expect(ids(plan.keep)).toEqual(['X', 'A', 'accept-A', 'B1', 'B2'])
    expect(plan).toMatchObject({ dropped: 0, keptForBaseline: 2 })
    const current = [result('parse', 100, 'env-b'), result('render', 50)]
    const before = verdicts(records, current, config)
    expect(before.map((v) => v.kind)).toEqual(['new', 'insufficient-data'])
    expect(verdicts(plan.keep, current, config)).toEqual(before)
    // Without the fence, X would become a baseline of parse in env-b.
    const unfenced = records.filter((r) => r.id !== 'A' && r.id !== 'accept-A')
    expect(verdicts(unfenced, current, config)[0]!.kind).toBe('insufficient-data')
  })

  test('an accepted run fencing nothing is dropped with its accept event', () => {
    const config = detectConfig({ baselineWindow: { runs: 2, days: 90 } })
    const records: StoreRecord[] = [
      run({ id: 'A', time: daysAgo(30), mode: 'compare', medians: { parse: 120 } }),
      event('accept-A', daysAgo(29), 'accept', 'A'),
      run({ id: 'B1', time: daysAgo(2), medians: { parse: 121 } }),
      run({ id: 'B2', time: daysAgo(1), medians: { parse: 119 } }),
    ]
    const plan = planPrune(records, { keepDays: 5, now: NOW, config })
    expect(ids(plan.keep)).toEqual(['B1', 'B2'])
    const current = [result('parse', 120)]
    expect(verdicts(plan.keep, current, config)).toEqual(verdicts(records, current, config))
  })

  test('seeded random stores: no verdict of any test in any environment changes', () => {
    // The one thing pruning may change: how many runs of other environments a `new` verdict mentions (never down to 0).
    const lenient = (v: TestVerdict) => (v.kind === 'new' ? { ...v, foreign_baseline_runs: v.foreign_baseline_runs > 0, reason: '' } : v)
    const rand = mulberry32(42)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
    for (let round = 0; round < 150; round++) {
      const config = detectConfig({ minSamples: 2, baselineWindow: { runs: 2 + Math.floor(rand() * 3), days: 20 + Math.floor(rand() * 40) } })
      const records: StoreRecord[] = []
      for (let i = 0; i < 25; i++) {
        const medians = Object.fromEntries(['p', 'q', 'r'].filter(() => rand() < 0.6).map((k) => [k, 100 + 20 * rand()]))
        const time = daysAgo(rand() * 80 - 2)
        records.push(run({ id: `r${i}`, time, mode: rand() < 0.7 ? 'baseline' : 'compare', envKey: pick(['e1', 'e2']), medians }))
        if (rand() < 0.15) records.push(event(`a${i}`, new Date(time.getTime() + rand() * 5 * 86_400_000), 'accept', `r${Math.floor(rand() * (i + 1))}`))
        if (rand() < 0.05) records.push(event(`x${i}`, daysAgo(rand() * 60), 'reset'))
      }
      const options = rand() < 0.5 ? { keepDays: rand() * 30 } : rand() < 0.5 ? { keepRuns: Math.floor(rand() * 10) } : { keepDays: rand() * 30, keepRuns: Math.floor(rand() * 10) }
      const { keep } = planPrune(records, { ...options, now: NOW, config })
      for (const env of ['e1', 'e2']) {
        const current = ['p', 'q', 'r'].map((k) => result(k, 110, env))
        expect(verdicts(keep, current, config).map(lenient), `round ${round}, ${env}`).toEqual(verdicts(records, current, config).map(lenient))
      }
    }
  })
})

describe('mergeRecords', () => {
  test('union ordered by time, stable on equal times, deduplicated by id with conflicts counted', () => {
    const a = run({ id: 'a', time: daysAgo(3), medians: { t: 1 } })
    const b = run({ id: 'b', time: daysAgo(1), medians: { t: 2 } })
    const c = run({ id: 'c', time: daysAgo(2), medians: { t: 3 } })
    const d = run({ id: 'd', time: daysAgo(2), medians: { t: 4 } })
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as unknown as RunRecord
    const bConflict = { ...b, mode: 'compare' as const }
    const e = event('e', daysAgo(2), 'reset')
    const merged = mergeRecords([[b, c], [reordered, d, bConflict, e], [a, c]])
    expect(ids(merged.records)).toEqual(['a', 'c', 'd', 'e', 'b'])
    expect(merged.records[0]).toBe(reordered)
    expect(merged.records[4]).toBe(b)
    expect(merged).toMatchObject({ duplicates: 2, conflicts: 1, conflictIds: ['b'] })
    expect(mergeRecords([])).toEqual({ records: [], duplicates: 0, conflicts: 0, conflictIds: [] })
  })
})

describe('compactStore', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let file: string
  beforeEach(async () => {
    ;({ dir, cleanup } = await tempDir())
    file = path.join(dir, 'h.jsonl')
  })
  afterEach(async () => {
    await cleanup()
  })
  const keepAll = (records: StoreRecord[]) => records

  test('drops garbage and torn lines, reports their line numbers, ends with a newline', async () => {
    const a = run({ id: 'a', medians: { t: 1 } })
    const b = run({ id: 'b', medians: { t: 2 } })
    const torn = line(run({ id: 'c', medians: { t: 3 } })).slice(0, 40)
    await writeFile(file, line(a) + 'garbage\n' + '\n' + JSON.stringify({ schema: 1, kind: 'run' }) + '\n' + line(b) + torn)
    const outcome = await compactStore(file, keepAll)
    expect(outcome).toEqual({
      before: 2,
      after: 2,
      droppedLines: [
        { line: 2, message: 'not valid JSON; skipped' },
        { line: 4, message: 'id is missing; skipped' },
        { line: 6, message: 'the last line is cut short (an interrupted write?); skipped, and the next run is appended on a new line' },
      ],
    })
    expect(await readFile(file, 'utf8')).toBe(line(a) + line(b))
    expect(withoutIndex(await readdir(dir))).toEqual(['h.jsonl'])
  })

  test('applies the transform (a prune), keeps the file mode, adds the missing final newline', async () => {
    const records = [5, 4, 3, 2, 1].map((d) => run({ id: `c${d}`, time: daysAgo(d), mode: 'compare', medians: { t: d } }))
    await writeFile(file, records.map(line).join('').slice(0, -1))
    await chmod(file, 0o640)
    const outcome = await compactStore(file, (all) => planPrune(all, { keepRuns: 2, now: NOW, config: detectConfig() }).keep)
    expect(outcome).toEqual({ before: 5, after: 2, droppedLines: [] })
    expect(await readFile(file, 'utf8')).toBe(line(records[3]!) + line(records[4]!))
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o640)
  })

  test('an empty result writes an empty file; a missing store stays missing', async () => {
    await writeFile(file, line(run({ id: 'a', medians: { t: 1 } })))
    expect(await compactStore(file, () => [])).toEqual({ before: 1, after: 0, droppedLines: [] })
    expect(await readFile(file, 'utf8')).toBe('')
    const missing = path.join(dir, 'none.jsonl')
    expect(await compactStore(missing, keepAll)).toEqual({ before: 0, after: 0, droppedLines: [] })
    expect(withoutIndex(await readdir(dir))).toEqual(['h.jsonl'])
  })

  test('a throwing transform leaves the store byte-identical and explains', async () => {
    await writeFile(file, line(run({ id: 'a', medians: { t: 1 } })) + 'garbage\n' + '{"torn')
    const original = await readFile(file)
    const boom = new Error('boom')
    const error = await compactStore(file, () => {
      throw boom
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).file).toBe(file)
    expect((error as StoreError).cause).toBe(boom)
    expect((error as StoreError).message).toBe(
      `perf-regression: cannot compact the history store ${file}: boom (the store is unchanged; fix the transform and try again)`,
    )
    expect((await readFile(file)).equals(original)).toBe(true)
    expect(withoutIndex(await readdir(dir))).toEqual(['h.jsonl'])
    // The lock was released.
    await appendRecord(file, run({ id: 'later', medians: { t: 1 } }))
    expect(ids((await readStore(file)).runs)).toEqual(['a', 'later'])
  })

  test('an invalid record from the transform is refused before anything is written', async () => {
    await writeFile(file, line(run({ id: 'a', medians: { t: 1 } })))
    const original = await readFile(file)
    const error = await compactStore(file, (all) => [...all, { ...all[0]!, id: '' }]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).message).toContain('invalid record at index 1: id: expected a non-empty string')
    expect((await readFile(file)).equals(original)).toBe(true)
    expect(withoutIndex(await readdir(dir))).toEqual(['h.jsonl'])
  })

  test('a folder in place of the store is a StoreError and nothing is written', async () => {
    const error = await compactStore(dir, keepAll).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).message).toContain(`cannot read the history store ${dir}`)
    expect(await readdir(dir)).toEqual([])
  })

  test('appends running during compaction are never lost', async () => {
    const existing = [0, 1, 2, 3, 4].map((i) => run({ id: `old-${i}`, time: daysAgo(10 - i), medians: { t: i + 1 } }))
    await writeFile(file, existing.map(line).join('') + 'garbage\n')
    const appended = Array.from({ length: 10 }, (_, i) => run({ id: `new-${i}`, time: hoursAgo(i + 1), medians: { t: i + 1 } }))
    const [outcome] = await Promise.all([
      compactStore(file, (all) => all.filter((r) => r.id !== 'old-0')),
      ...appended.map((r) => appendRecord(file, r)),
    ])
    expect(outcome.droppedLines).toEqual([{ line: 6, message: 'not valid JSON; skipped' }])
    const { runs, warnings } = await readStore(file)
    expect(warnings).toEqual([])
    expect(new Set(ids(runs))).toEqual(new Set([...ids(existing.slice(1)), ...ids(appended)]))
    for (const r of appended) expect(runs.find((x) => x.id === r.id)).toEqual(r)
    expect(withoutIndex(await readdir(dir))).toEqual(['h.jsonl'])
  })
})
