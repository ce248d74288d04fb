/**
 * The history index when things go wrong: damaged, torn, from another version,
 * describing another store, behind the store, in a place it cannot be written.
 * Each time the readers give what reading every line gives, and the index is
 * mended or rebuilt with a notice (the real kill -9 and several writers at once
 * are in test/faults/store-faults.test.ts).
 */
import { expectIndexTrue } from './index-helpers.js'
import { describe, test, expect, beforeEach, afterEach } from 'vitest'
import { appendFile, mkdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { findRun, latestResults, readHistory } from '../../src/core/history-read.js'
import { testKey } from '../../src/detect/identity.js'
import { loadIndex, SPOT_CHECKS } from '../../src/store/index-file.js'
import { INDEX_HEADER } from '../../src/store/index-format.js'
import { openIndex } from '../../src/store/index-view.js'
import { appendRecord, NO_INDEX_ENV } from '../../src/store/store.js'
import type { RunRecord } from '../../src/types.js'
import { processOutputSpy, ref, run, tempDir } from './helpers.js'

let dir: string
let cleanup: () => Promise<void>
let file: string
const spy = processOutputSpy()

beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
  file = path.join(dir, 'benchmarks.jsonl')
  spy.capture()
})
afterEach(async () => {
  spy.reset()
  await cleanup()
})

const runs = (n: number, prefix = 'r'): RunRecord[] => Array.from({ length: n }, (_, i) => run({ id: `${prefix}${String(i).padStart(3, '0')}`, time: new Date(Date.UTC(2025, 4, 1, 0, i)), medians: { a: 100 + i, b: 200 + i } }))
const keys = new Set([testKey(ref('a')), testKey(ref('b'))])
const limits = { baseline: 5, other: 5 }

async function expectSameAsFullRead(): Promise<void> {
  expect(await readHistory(file, { keys, limits }, true)).toEqual(await readHistory(file, { keys, limits }, false))
  expect(await latestResults(file, true)).toEqual(await latestResults(file, false))
  expect(await findRun(file, undefined, true)).toEqual(await findRun(file, undefined, false))
}


const rebuilt = () => spy.err.filter((t) => t.includes('built the history index'))

describe('an index that does not match the store is rebuilt, once, with a notice', () => {
  test('appends keep it true without a notice; a missing index is rebuilt and said so in one line', async () => {
    for (const r of runs(12)) await appendRecord(file, r)
    await expectIndexTrue(file)
    expect(spy.err).toEqual([])
    await writeFile(`${file}.index`, '')
    await expectSameAsFullRead()
    expect(rebuilt()).toHaveLength(1)
    expect(rebuilt()[0]).toMatch(/^perf-regression: built the history index of .*benchmarks\.jsonl \(12 runs in \d+\.\d s\) because the index is empty|the index was written by another version\n$/)
    await expectIndexTrue(file)
  })

  test.each([
    ['a damaged line in the middle', async () => {
      const lines = (await readFile(`${file}.index`, 'utf8')).split('\n')
      lines[4] = lines[4]!.replace('"o":', '"o":"x",')
      await writeFile(`${file}.index`, lines.join('\n'))
    }, /line 5 of the index is damaged/],
    ['another version', async () => {
      const text = await readFile(`${file}.index`, 'utf8')
      await writeFile(`${file}.index`, text.replace(INDEX_HEADER, '{"perf-regression-index":99}'))
    }, /another version/],
    ['a store shortened behind its back', async () => {
      const text = await readFile(file, 'utf8')
      await writeFile(file, text.split('\n').slice(0, 6).join('\n') + '\n')
    }, /store is shorter/],
    ['a store replaced by another of the same size', async () => {
      const text = await readFile(file, 'utf8')
      await writeFile(file, text.replace(/"median":1(\d\d)/g, '"median":9$1'))
    }, /line \d+ of the store is not what the index says/],
  ])('%s', async (_, damage, why) => {
    for (const r of runs(12)) await appendRecord(file, r)
    await damage()
    await expectSameAsFullRead()
    expect(rebuilt()).toHaveLength(1)
    expect(rebuilt()[0]).toMatch(why)
    await expectIndexTrue(file)
  })

  test('a line the spot checks pass over, edited to another run of the same length: caught when read, rebuilt, read again', async () => {
    const all = runs(40)
    for (const r of all) await appendRecord(file, r)
    // Spot checks look at the last entry and SPOT_CHECKS spread ones; line 2 is none of them.
    expect(SPOT_CHECKS).toBeLessThan(39)
    const text = await readFile(file, 'utf8')
    await writeFile(file, text.replace('"id":"r001"', '"id":"x001"'))
    const history = await readHistory(file, { keys, limits: { baseline: 100, other: 100 } }, true)
    expect(history).toEqual(await readHistory(file, { keys, limits: { baseline: 100, other: 100 } }, false))
    expect(history.runs.map((r) => r.id)).toContain('x001')
    expect(rebuilt()).toHaveLength(1)
    await expectIndexTrue(file)
  })
})

describe('an index behind the store is extended, not rebuilt', () => {
  test('lines written without it (PERF_REGRESSION_NO_INDEX=1, an older version) and a torn last line', async () => {
    for (const r of runs(5)) await appendRecord(file, r)
    process.env[NO_INDEX_ENV] = '1'
    try {
      for (const r of runs(3, 'n')) await appendRecord(file, r)
    } finally {
      delete process.env[NO_INDEX_ENV]
    }
    await appendFile(file, '{"schema":1,"kind":"ru')
    const view = await openIndex(file)
    expect(view.entries.map((e) => e.l)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(view.warnings).toEqual([{ file, line: 9, message: expect.stringContaining('cut short') }])
    await expectSameAsFullRead()
    expect(rebuilt()).toEqual([])
    // The reader saved what it read; the torn line is not indexed until it ends.
    await expectIndexTrue(file)
    expect((await loadIndex(file)) as { entries: unknown[] }).toMatchObject({ entries: { length: 8 } })
    await appendRecord(file, runs(1, 'z')[0]!)
    await expectIndexTrue(file)
    await expectSameAsFullRead()
  })

  test('a torn last line of the index itself (a writer killed while writing it) is cut off and written again', async () => {
    for (const r of runs(6)) await appendRecord(file, r)
    const index = await readFile(`${file}.index`)
    await truncate(`${file}.index`, index.length - 7)
    await expectSameAsFullRead()
    expect(rebuilt()).toEqual([])
    await expectIndexTrue(file)
    await truncate(`${file}.index`, index.length - 7)
    await appendRecord(file, runs(1, 'z')[0]!)
    await expectIndexTrue(file)
  })
})

describe('where the index lives', () => {
  test('next to the real file of a store reached through a symbolic link', async () => {
    const real = path.join(dir, 'data', 'real.jsonl')
    await mkdir(path.dirname(real))
    await writeFile(real, '')
    await symlink(real, file)
    for (const r of runs(4)) await appendRecord(file, r)
    await expectIndexTrue(real)
    await expectSameAsFullRead()
  })

  test('an index that cannot be written: a notice, the run is stored, and reads still agree', async () => {
    for (const r of runs(3)) await appendRecord(file, r)
    // A folder where the index should be: neither written nor removed.
    await rm(`${file}.index`)
    await mkdir(`${file}.index`)
    await appendRecord(file, runs(1, 'z')[0]!)
    expect(spy.err.join('')).toMatch(/warning: the run is stored in .*, but updating its index failed .*could not remove it either/)
    const notices: string[] = []
    const view = await openIndex(file, { notify: (m) => notices.push(m) })
    expect(view.entries).toHaveLength(4)
    expect(notices.join('\n')).toMatch(/could not save the history index next to .* it is built again on the next read/)
    await expectSameAsFullRead()
  })
})

describe('records the index must not trip over', () => {
  test('a run with no results neither damages the index nor makes every read rebuild it', async () => {
    for (const r of runs(3)) await appendRecord(file, r)
    await appendRecord(file, { ...runs(1, 'empty')[0]!, results: [] })
    await appendRecord(file, runs(1, 'z')[0]!)
    await expectSameAsFullRead()
    await expectSameAsFullRead()
    expect(rebuilt()).toEqual([])
    await expectIndexTrue(file)
  })

  test('fields a newer version may write: a nested raw_wall_ns, strings with brackets, keys the schema drops', async () => {
    const [a, b, c] = runs(3)
    const odd = (r: RunRecord, extra: Record<string, unknown>): RunRecord => ({ ...r, results: r.results.map((x) => ({ ...x, sample: { ...x.sample, ...extra } })) })
    await appendRecord(file, odd(a!, { confirm: { raw_wall_ns: [[1, 2], [3]] } }))
    await appendRecord(file, odd(b!, { later: { raw_wall_ns: ['x]', 'y'] } }))
    await appendRecord(file, odd(c!, { more: { raw_wall_ns: [7, 8] } }))
    await appendFile(file, JSON.stringify({ ...runs(1, 'proto')[0]!, constructor: 'x', __proto__: { polluted: true } }).replace('"results"', '"__proto__":{"polluted":true},"results"') + '\n')
    for (const r of runs(12, 'later')) await appendRecord(file, r)
    // Small limits, so that the odd lines are read without their raw samples.
    const small = { baseline: 2, other: 2 }
    expect(await readHistory(file, { keys, limits: small }, true)).toEqual(await readHistory(file, { keys, limits: small }, false))
    expect(await readHistory(file, { keys, limits: { baseline: 100, other: 100 } }, true)).toEqual(await readHistory(file, { keys, limits: { baseline: 100, other: 100 } }, false))
    await expectSameAsFullRead()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('a writer never extends an index of another version: it rebuilds it', async () => {
    for (const r of runs(3)) await appendRecord(file, r)
    const text = await readFile(`${file}.index`, 'utf8')
    await writeFile(`${file}.index`, text.replace(INDEX_HEADER, '{"perf-regression-index":99,"schema":9}'))
    await appendRecord(file, runs(1, 'z')[0]!)
    expect(rebuilt()).toHaveLength(1)
    expect(rebuilt()[0]).toMatch(/another version/)
    expect((await readFile(`${file}.index`, 'utf8')).split('\n')[0]).toBe(INDEX_HEADER)
    await expectIndexTrue(file)
  })
})

describe('an accepted run counts however old it is', () => {
  test('accepted, then more compare runs than the history keeps: the accept still starts the baseline, through the index or not', async () => {
    const accepted = run({ id: 'accepted', time: new Date(Date.UTC(2025, 4, 1)), mode: 'compare', medians: { a: 200 } })
    await appendRecord(file, run({ id: 'old', time: new Date(Date.UTC(2025, 3, 30)), medians: { a: 100 } }))
    await appendRecord(file, accepted)
    await appendRecord(file, { schema: 1, kind: 'baseline-event', id: 'e1', time: new Date(Date.UTC(2025, 4, 1, 1)).toISOString(), action: 'accept', run_id: 'accepted', reason: 'intended', who: 'ci' })
    for (let i = 0; i < 8; i++) await appendRecord(file, run({ id: `c${i}`, time: new Date(Date.UTC(2025, 4, 2, i)), mode: 'compare', medians: { a: 200 } }))
    for (const useIndex of [true, false]) {
      const read = await readHistory(file, { keys: new Set([testKey(ref('a'))]), limits: { baseline: 3, other: 3 } }, useIndex)
      expect(read.runs.map((r) => r.id)).toEqual(['old', 'accepted', 'c5', 'c6', 'c7'])
    }
  })
})
