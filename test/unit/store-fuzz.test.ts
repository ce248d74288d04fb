/**
 * Seeded fuzzing of the store reader and of everything that reads the store.
 *
 * 1. Line-level: files mixing valid records with random bytes, random JSON and
 *    byte-level mutations (fuzz-lines.ts). The streaming reader must agree line for
 *    line with a plain reference reader (decode all, split on \n, strip BOMs,
 *    JSON.parse + checkRecord per line), never throw or hang, and keep every valid line.
 * 2. Record-level: 10,000 stores whose every line is known valid or invalid by
 *    construction (fuzz-records.ts), read by the reader and by `finishRun` (the
 *    reporter's path) and rendered. No uncaught exception, no valid record lost,
 *    short printable warnings. The CLI commands: store-fuzz-commands.test.ts.
 */
import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { finishRun } from '../../src/core/run.js'
import { renderAnnotations } from '../../src/report/github.js'
import { renderHtml } from '../../src/report/html.js'
import { renderJson } from '../../src/report/json.js'
import { renderMarkdown, renderRegressionIssue } from '../../src/report/markdown.js'
import { buildReportModel } from '../../src/report/model.js'
import { renderTerminal } from '../../src/report/terminal.js'
import { checkRecord } from '../../src/store/record.js'
import { LINE_WARNINGS, readRecords, type StoreWarning } from '../../src/store/store.js'
import type { GitInfo, StoreRecord } from '../../src/types.js'
import { makeCase } from './fuzz-lines.js'
import { fuzzDir, readAll as readStoreFile, storeProblems } from './fuzz-check.js'
import { Gen, store, TEST_NAMES } from './fuzz-records.js'
import { config, ENV, mulberry32, NOW, run, RUNNER, sample, tempDir } from './helpers.js'

const ITERATIONS = 300
const SEED = 0x5eed_2025
/** Per case: a hang guard, not a speed target. */
const MAX_MS = 2_000
const TORN = 'the last line is cut short (an interrupted write?); skipped, and the next run is appended on a new line'
const NOT_JSON = 'not valid JSON; skipped'

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterAll(async () => {
  await cleanup()
})

interface Expected {
  records: StoreRecord[]
  warnings: StoreWarning[]
}

/** The reader's limit on warnings: the first few bad lines one by one, then one line for the rest. */
function limited(file: string, all: StoreWarning[]): StoreWarning[] {
  if (all.length <= LINE_WARNINGS + 1) return all
  const rest = all.slice(LINE_WARNINGS)
  const message = `${rest.length} more lines that are not valid records either, from this one to line ${rest.at(-1)!.line}; skipped (perf-regression compact removes them)`
  return [...all.slice(0, LINE_WARNINGS), { file, line: rest[0]!.line, count: rest.length, message }]
}

/** The reference reader: the whole file at once. */
function reference(file: string, bytes: Buffer): Expected {
  const parts = bytes.toString('utf8').split('\n')
  const records: StoreRecord[] = []
  const warnings: StoreWarning[] = []
  parts.forEach((raw, i) => {
    const last = i === parts.length - 1
    if (last && raw === '') return
    const text = raw.replace(/^\ufeff+/, '')
    if (text.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      warnings.push({ file, line: i + 1, message: last ? TORN : NOT_JSON })
      return
    }
    const checked = checkRecord(value)
    if (checked.ok) records.push(checked.record)
    else warnings.push({ file, line: i + 1, message: `${checked.reason}; skipped` })
  })
  return { records, warnings: limited(file, warnings) }
}

async function readAll(file: string): Promise<Expected & { ms: number }> {
  const records: StoreRecord[] = []
  const warnings: StoreWarning[] = []
  const t0 = performance.now()
  for await (const r of readRecords(file, (w) => warnings.push(w))) records.push(r)
  return { records, warnings, ms: performance.now() - t0 }
}

describe('readRecords under fuzzing', () => {
  test(`${ITERATIONS} seeded cases: never throws or hangs, keeps every valid line, one warning per bad line`, async () => {
    const g = new Gen(mulberry32(SEED))
    const stats = { lines: 0, warnings: 0, records: 0, bytes: 0, slowest: 0 }
    for (let i = 0; i < ITERATIONS; i++) {
      const c = makeCase(g, i)
      const file = path.join(dir, `case-${i}.jsonl`)
      await writeFile(file, c.bytes)
      const where = `case ${i} (seed ${SEED}; lines: ${c.kinds.join(', ')})`
      let got: Awaited<ReturnType<typeof readAll>>
      try {
        got = await readAll(file)
      } catch (error) {
        throw new Error(`${where}: readRecords threw ${String(error)}`)
      }
      expect(got.ms, `${where}: milliseconds`).toBeLessThan(MAX_MS)
      const want = reference(file, c.bytes)
      expect(got.warnings, where).toEqual(want.warnings)
      expect(got.records, where).toEqual(want.records)
      // Every planted valid record is recovered, whole, in order.
      const ids = new Set(c.planted.map((r) => r.id))
      expect(got.records.filter((r) => ids.has(r.id)), where).toEqual(c.planted)
      // One warning per line at most, in line order.
      const lines = got.warnings.map((w) => w.line)
      expect(new Set(lines).size, where).toBe(lines.length)
      expect([...lines].sort((a, b) => a - b), where).toEqual(lines)
      stats.lines += c.kinds.length
      stats.warnings += got.warnings.length
      stats.records += got.records.length
      stats.bytes += c.bytes.length
      stats.slowest = Math.max(stats.slowest, got.ms)
    }
    // The fuzzer exercised both sides.
    if (process.env.FUZZ_STATS) console.log(stats)
    expect(stats.warnings).toBeGreaterThan(ITERATIONS)
    expect(stats.records).toBeGreaterThan(ITERATIONS)
  }, 300_000)

  test('records split across read chunks at every kind of multi-byte character boundary', async () => {
    // 64 KiB chunks: pad so that a 2-, 3- and 4-byte character straddles the boundary.
    for (const ch of ['é', '€', '😀']) {
      for (let shift = 0; shift < 4; shift++) {
        const r = run({ id: `b-${ch}-${shift}`, medians: { [ch.repeat(40)]: 1 } })
        const line = Buffer.from(JSON.stringify(r))
        const nameAt = line.indexOf(Buffer.from(ch.repeat(40)))
        // The name starts `shift` bytes before the first chunk boundary.
        const headLength = 65_536 - shift - nameAt - 1
        const head = JSON.stringify({ pad: 'p'.repeat(headLength - 10) })
        expect(Buffer.byteLength(head)).toBe(headLength)
        const bytes = Buffer.concat([Buffer.from(head + '\n'), line, Buffer.from('\n')])
        expect(bytes.subarray(65_536 - shift, 65_536 - shift + Buffer.byteLength(ch)).toString()).toBe(ch)
        const file = path.join(dir, `boundary-${shift}.jsonl`)
        await writeFile(file, bytes)
        const got = await readAll(file)
        expect(got.records).toEqual([r])
        expect(got.warnings).toEqual([{ file, line: 1, message: 'no schema version; skipped' }])
      }
    }
  })

  test('a 40 MB line is read in linear time (hang guard 2 s)', async () => {
    // Regression: `pending += chunk` then `pending.indexOf('\n')` over the whole pending text
    // for every 64 KiB chunk was quadratic in the line length (16 MB: ~4.5 s, 50 MB: ~38 s).
    // A torn large append, or a run of many tests (~1.1 MB per line at 1,000 tests), hits it.
    const file = path.join(dir, 'long-line.jsonl')
    const r = run({ id: 'after', medians: { t: 1 } })
    await writeFile(file, `{"junk":"${'x'.repeat(40_000_000)}"}\n${JSON.stringify(r)}\n`)
    const got = await readAll(file)
    expect(got.records).toEqual([r])
    expect(got.warnings).toEqual([{ file, line: 1, message: 'no schema version; skipped' }])
    expect(got.ms).toBeLessThan(MAX_MS)
  }, 120_000)
})

/**
 * 10,000 stores through the reader and `finishRun`; every 5th run is also rendered
 * every way. The CLI commands, which lock, rewrite and sync the store and so cost far
 * more per store, get a seeded 1,000 of their own in store-fuzz-commands.test.ts.
 */
const STORES = 10_000
const RENDER_EVERY = 5
const BATCH = 8
const RECORD_SEED = 0x5eed_0001
const ODD_GIT: GitInfo[] = [{}, { commit: '' }, { commit: 'x', branch: 'y' }, { commit: '😀'.repeat(9), branch: '\u202e' }, { commit: 'abc' }]

describe('generated stores through the reader and the reporter', () => {
  let fuzz: Awaited<ReturnType<typeof fuzzDir>>
  beforeAll(async () => {
    fuzz = await fuzzDir()
  })
  afterAll(async () => {
    await fuzz.cleanup()
  })

  test(`${STORES} stores: no uncaught exception, no valid record lost, a few printable warnings per store`, async () => {
    const g = new Gen(mulberry32(RECORD_SEED))
    const uncaught: string[] = []
    const totals = { valid: 0, read: 0, bad: 0, rendered: 0 }
    const attempt = async <T>(where: string, what: string, fn: () => Promise<T> | T): Promise<T | undefined> => {
      try {
        return await fn()
      } catch (error) {
        uncaught.push(`${where}: ${what} threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
        return undefined
      }
    }
    // Batches of stores, each generated in seed order, then read concurrently: the reads' file
    // system round trips overlap. Every store has its own file, so the order does not matter.
    for (let first = 0; first < STORES && uncaught.length < 10; first += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, STORES - first) }, (_, k) => {
        const i = first + k
        const s = store(g, `s${i}`)
        const samples = Array.from({ length: 1 + g.int(2) }, () => ({
          test: { file: 'test/bench.test.ts', name: g.pick(TEST_NAMES), project: g.pick(['', 'node']) },
          runner: RUNNER,
          sample: sample(1 + g.int(1e6)),
        }))
        const settings = { baselineMode: g.chance(0.2) ? ('establish' as const) : ('compare' as const), git: g.pick(ODD_GIT) }
        return { i, s, samples, ...settings, file: path.join(fuzz.dir, `store-${k}.jsonl`), where: `store ${i} (seed ${RECORD_SEED}; lines: ${s.lines.join(', ')})` }
      })
      await Promise.all(
        batch.map(async ({ i, s, samples, baselineMode, git, file, where }) => {
          writeFileSync(file, s.bytes)
          const got = await attempt(where, 'readRecords', () => readStoreFile(file))
          if (!got) return
          const problems = storeProblems(got, s)
          if (problems.length > 0) {
            expect(got.records, where).toEqual(s.records)
            expect(problems, where).toEqual([])
          }
          totals.valid += s.records.length
          totals.read += got.records.length
          totals.bad += s.bad.length
          // The reporter's path: judge a run of tests the store knows (appending it now and then), then render it.
          const outcome = await attempt(where, 'finishRun', () =>
            finishRun({ samples, config: config({ store: file, baselineMode, minSamples: 2 }), root: fuzz.dir, env: ENV, git, now: NOW, record: i % 50 === 0 }),
          )
          if (outcome) expect(outcome.warnings, where).toEqual(got.warnings)
          if (outcome && i % RENDER_EVERY === 0) {
            totals.rendered++
            await attempt(where, 'the renderers', () => {
              const model = buildReportModel(outcome)
              return [renderTerminal(model, { color: false }), renderMarkdown(model), renderJson(model), renderHtml(model), ...renderAnnotations(model), renderRegressionIssue(model)?.body]
            })
          }
        }),
      )
    }
    expect(uncaught).toEqual([])
    expect(totals.read).toBe(totals.valid)
    if (process.env.FUZZ_STATS) console.log(totals)
    // The generator exercised both sides.
    expect(totals.valid).toBeGreaterThan(STORES * 1.5)
    expect(totals.bad).toBeGreaterThan(STORES)
    expect(totals.rendered).toBe(STORES / RENDER_EVERY)
  }, 600_000)
})
