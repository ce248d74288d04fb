/**
 * The history index changes how much of the store is read, never what a run
 * is judged against: over seeded generated stores (regressions, accepted runs,
 * resets, repeat groups, A/B runs, several environments, torn and garbage lines,
 * byte-order marks, CRLF, several stores concatenated), every reader gives the
 * same answer through the index as by reading every line, with the index built
 * from nothing, kept by appends, lagging behind lines written without it, and
 * after the store was rewritten.
 */
import { describe, test, expect } from 'vitest'
import { appendFile, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { findRun, latestResults, readHistory, type HistoryQuery } from '../../src/core/history-read.js'
import { loadRunForJudging } from '../../src/core/load.js'
import { finishRun } from '../../src/core/run.js'
import { testKey } from '../../src/detect/identity.js'
import { compactStore } from '../../src/store/maintenance.js'
import { expectIndexTrue } from './index-helpers.js'
import { INDEX_HEADER } from '../../src/store/index-format.js'
import { appendRecord } from '../../src/store/store.js'
import { SCHEMA_VERSION, type RunRecord, type StoreRecord, type TestResult } from '../../src/types.js'
import { Gen, store as fuzzStore } from './fuzz-records.js'
import { config, ENV, mulberry32, RUNNER, tempDir } from './helpers.js'


/** A store with real histories: `tests` tests over `runs` runs, with steps, accepts, resets, groups, two environments and damage. */
function historyStore(g: Gen, prefix: string): StoreRecord[] {
  const tests = Array.from({ length: 2 + g.int(4) }, (_, i) => ({ file: `test/t${i % 2}.test.ts`, name: `case ${i}`, project: g.chance(0.2) ? 'node' : '' }))
  const records: StoreRecord[] = []
  const start = Date.UTC(2025, 4, 1)
  const runs = 20 + g.int(60)
  const level = tests.map(() => 1e5 * (1 + g.int(50)))
  for (let i = 0; i < runs; i++) {
    const time = new Date(start + i * 3_600_000 + g.int(1000)).toISOString()
    if (i > 5 && g.chance(0.04)) {
      const accepted = records.filter((r): r is RunRecord => r.kind === 'run')
      records.push({ schema: SCHEMA_VERSION, kind: 'baseline-event', id: `${prefix}-e${i}`, time, action: g.chance(0.7) ? 'accept' : 'reset', ...(accepted.length ? { run_id: g.pick(accepted).id } : {}), reason: 'seeded', who: 'ci' } as StoreRecord)
    }
    if (g.chance(0.05)) level[g.int(level.length)]! *= 1.5 + g.rand()
    const chosen = tests.filter(() => g.chance(0.85))
    const results: TestResult[] = chosen.flatMap((test, j) => {
      const median = level[tests.indexOf(test)]! * (1 + 0.05 * (g.rand() - 0.5))
      const one: TestResult = {
        test,
        runner: RUNNER,
        env_key: g.chance(0.15) ? 'env-b' : 'env-a',
        sample: { iterations: 50, warmup: { iterations: 5, time_ms: 2 }, wall_ns: { n: 50, mean: median, median, p75: median, p99: median * 1.1, min: median * 0.9, max: median * 1.2, sd: median / 50 }, raw_wall_ns: [median, median * 1.01, median * 0.99], duration_ms: 5 },
      }
      // Now and then a test measured twice in one run.
      return j === 0 && g.chance(0.05) ? [one, { ...one, env_key: 'env-a' }] : [one]
    })
    if (results.length === 0) continue
    const mode = g.chance(0.7) ? 'baseline' : 'compare'
    records.push({ schema: SCHEMA_VERSION, kind: 'run', id: `${prefix}-r${i}`, time, mode, ...(mode === 'compare' && g.chance(0.2) ? { group: 'g1' } : {}), git: { commit: 'a'.repeat(40), branch: 'main' }, env: ENV, results } as RunRecord)
  }
  return records
}

const lineOf = (r: StoreRecord) => JSON.stringify(r) + '\n'

/** A store file: the history, with now and then a damaged line, a blank line or a second store concatenated. */
function storeBytes(g: Gen, prefix: string): Buffer {
  const parts: string[] = []
  for (const r of historyStore(g, prefix)) {
    parts.push(lineOf(r))
    if (g.chance(0.03)) parts.push(g.pick(['{"schema":1,"kind":"run"\n', 'garbage\n', '\n', '\ufeff' + lineOf(r).replace(`"${r.id}"`, `"${r.id}-bom"`)]))
  }
  const extra = g.chance(0.3) ? fuzzStore(g, `${prefix}-f`).bytes : Buffer.alloc(0)
  return Buffer.concat([Buffer.from(parts.join('')), extra])
}

/** Every reader's answer, through the index or not. */
async function answers(file: string, useIndex: boolean, g: Gen) {
  const latest = await latestResults(file, useIndex)
  const keys = new Set(latest.latest.map((r) => testKey(r.test)))
  const query: HistoryQuery = { keys, limits: { baseline: 1 + g.int(8), other: 1 + g.int(5) } }
  const byEnv: HistoryQuery = { ...query, byEnv: true }
  const lastRun = await findRun(file, undefined, useIndex)
  const judged = await loadRunForJudging(file, { baseline: 100, other: 100 }, undefined, useIndex)
  const samples = latest.latest.slice(0, 6).map((r) => ({ test: r.test, runner: r.runner, sample: { ...r.sample, wall_ns: { ...r.sample.wall_ns, median: r.sample.wall_ns.median * 1.4 } } }))
  const outcome = await finishRun({ samples, config: config({ store: file, baselineMode: 'compare', confirm: false, minSamples: 3 }), root: '/', env: ENV, git: {}, now: new Date(Date.UTC(2025, 6, 1)), runId: 'judged', record: false, useIndex })
  return {
    latest,
    history: await readHistory(file, query, useIndex),
    historyByEnv: await readHistory(file, byEnv, useIndex),
    until: lastRun && (await readHistory(file, { ...query, until: Date.parse(lastRun.record.time) - 1, exclude: lastRun.record.id }, useIndex)),
    lastRun,
    judged,
    verdicts: outcome.verdicts,
    warnings: outcome.warnings,
  }
}

async function same(file: string, seed: number): Promise<void> {
  const [withIndex, without] = [await answers(file, true, new Gen(mulberry32(seed))), await answers(file, false, new Gen(mulberry32(seed)))]
  expect(withIndex).toEqual(without)
}


describe('through the index or not, the same history, runs, warnings and verdicts', () => {
  test('40 seeded stores: built from nothing, kept by appends, behind lines written without it, after a rewrite', { timeout: 120_000 }, async () => {
    const { dir, cleanup } = await tempDir()
    const notices: string[] = []
    const stderr = process.stderr.write
    process.stderr.write = ((text: string) => (notices.push(String(text)), true)) as typeof process.stderr.write
    try {
      for (let seed = 1; seed <= 40; seed++) {
        const g = new Gen(mulberry32(seed))
        const file = path.join(dir, `s${seed}`, 'benchmarks.jsonl')
        await appendRecord(file, historyStore(g, `first${seed}`)[0]!)
        await writeFile(file, storeBytes(g, `s${seed}`))
        // 1. No index that matches: built from the whole store.
        await same(file, seed)
        // 2. Appends keep it.
        for (const r of historyStore(g, `a${seed}`).slice(0, 3 + g.int(5))) await appendRecord(file, r)
        await expectIndexTrue(file)
        await same(file, seed + 1000)
        // 3. Lines written without it (an older version, a writer killed between the two writes), a last line without `\n`.
        await appendFile(file, historyStore(g, `b${seed}`).slice(0, 4).map(lineOf).join('') + (g.chance(0.5) ? '{"torn":' : ''))
        await same(file, seed + 2000)
        // 4. Rewritten.
        if (seed % 3 === 0) {
          await compactStore(file, (records) => records.filter((_, i) => i % 4 !== 1))
          await same(file, seed + 3000)
        }
        await appendRecord(file, historyStore(g, `c${seed}`)[0]!)
        await expectIndexTrue(file)
        await same(file, seed + 4000)
      }
    } finally {
      process.stderr.write = stderr
      await cleanup()
    }
    // Rebuilds say so, in one line each.
    expect(notices.some((n) => /built the history index of .* \(\d+ runs? in \d+\.\d s\) because/.test(n))).toBe(true)
  })
})

describe('the 10 raw samples the dashboard plots survive the index', () => {
  test('the newest baseline results keep their raw samples, older ones lose them, as without the index', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const file = path.join(dir, 'benchmarks.jsonl')
      const test = { file: 'a.test.ts', name: 'a', project: '' }
      for (let i = 0; i < 15; i++) {
        await appendRecord(file, { schema: SCHEMA_VERSION, kind: 'run', id: `r${i}`, time: new Date(Date.UTC(2025, 4, 1, i)).toISOString(), mode: 'baseline', git: {}, env: ENV, results: [{ test, runner: RUNNER, env_key: 'e', sample: { iterations: 9, warmup: { iterations: 1, time_ms: 1 }, wall_ns: { n: 9, mean: 5, median: 5, p75: 5, p99: 5, min: 5, max: 5, sd: 0 }, raw_wall_ns: [i, i + 1], duration_ms: 1 } }] })
      }
      const read = await readHistory(file, { keys: new Set([testKey(test)]), limits: { baseline: 100, other: 100 } }, true)
      expect(read.runs.map((r) => r.results[0]!.sample.raw_wall_ns.length)).toEqual([...Array(5).fill(0), ...Array(10).fill(2)])
      expect(read).toEqual(await readHistory(file, { keys: new Set([testKey(test)]), limits: { baseline: 100, other: 100 } }, false))
      expect((await readFile(`${file}.index`, 'utf8')).split('\n')[0]).toBe(INDEX_HEADER)
    } finally {
      await cleanup()
    }
  })
})

