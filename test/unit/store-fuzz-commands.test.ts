/**
 * A seeded 1,000 generated stores (fuzz-records.ts) through every CLI command that
 * reads the store, in-process through `main`: history, report (each format), check,
 * baseline show/accept/reset, compact, merge and prune. They lock, rewrite and sync
 * the store, which costs far more per store than reading it, so they get a tenth of
 * the 10,000 stores of store-fuzz.test.ts (reader and reporter), eight at a time. None
 * may throw; compact, merge and prune must keep every valid record.
 */
import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { main } from '../../src/cli/main.js'
import { fuzzDir, readAll, storeProblems } from './fuzz-check.js'
import { Gen, store, type Store } from './fuzz-records.js'
import { mulberry32, outputCapture } from './helpers.js'

const STORES = 1_000
const SEED = 0x5eed_0002
const BATCH = 8
const FORMATS = ['terminal', 'md', 'json', 'html']

let fuzz: Awaited<ReturnType<typeof fuzzDir>>
beforeAll(async () => {
  fuzz = await fuzzDir()
})
afterAll(async () => {
  await fuzz.cleanup()
})

describe('generated stores through the CLI commands', () => {
  const output = outputCapture()

  test(`${STORES} stores: no command throws, compact, merge and prune keep every valid record`, async () => {
    const g = new Gen(mulberry32(SEED))
    // The stores sit inside the project: a store outside it is refused before it is read.
    const cwd = fuzz.dir
    // GITHUB_ACTOR names who changes a baseline without asking git.
    const ctx = { cwd, env: { GITHUB_ACTOR: 'fuzz' }, ...output.outputs }
    const codes = new Map<string, number>()
    /** Runs every command on one store; `file` and `otherFile` are this store's alone. */
    const commands = async (s: Store, other: Store, file: string, otherFile: string, format: string, where: string) => {
      writeFileSync(file, s.bytes)
      writeFileSync(otherFile, other.bytes)
      const cli = async (...args: string[]): Promise<number | undefined> => {
        try {
          const code = await main([...args, '--store', file], ctx)
          codes.set(`${args[0]} ${code}`, (codes.get(`${args[0]} ${code}`) ?? 0) + 1)
          return code
        } catch (error) {
          throw new Error(`${where}: ${args.join(' ')} threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
        }
      }
      for (const args of [['history'], ['report', '--format', format], ['check'], ['baseline', 'show'], ['baseline', 'accept', '--reason', 'fuzz'], ['baseline', 'reset', '--reason', 'fuzz']]) {
        expect([0, 1, 2], `${where}: ${args.join(' ')}`).toContain(await cli(...args))
      }
      // compact keeps every valid record, then the events just added, and nothing else.
      expect(await cli('compact'), where).toBe(0)
      const compacted = await readAll(file)
      expect(compacted.warnings, where).toEqual([])
      expect(storeProblems({ records: compacted.records.slice(0, s.records.length), warnings: [] }, { ...s, bad: [] }), where).toEqual([])
      expect(compacted.records.slice(s.records.length).every((r) => r.kind === 'baseline-event' && r.who === 'fuzz'), where).toBe(true)
      // merge adds every valid record of the other store.
      const merge = await cli('merge', otherFile)
      if (other.records.length > 0) expect(merge, where).toBe(0)
      const merged = await readAll(file)
      const ids = new Set(merged.records.map((r) => r.id))
      const lost = [...compacted.records, ...(other.records as { id: string }[])].filter((r) => !ids.has(r.id))
      expect(lost, where).toEqual([])
      // prune told to keep every run keeps every run, in order.
      expect(await cli('prune', '--keep-runs', '100000'), where).toBe(0)
      const runs = (await readAll(file)).records.filter((r) => r.kind === 'run')
      expect(runs, where).toEqual(merged.records.filter((r) => r.kind === 'run'))
    }
    try {
      // Batches generated in seed order, then run concurrently (each store has its own files).
      for (let first = 0; first < STORES; first += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, STORES - first) }, (_, k) => {
          const i = first + k
          const s = store(g, `s${i}`)
          const other = store(g, `m${i}`)
          const where = `store ${i} (seed ${SEED}; lines: ${s.lines.join(', ')}; merged: ${other.lines.join(', ')})`
          return [s, other, path.join(fuzz.dir, `store-${k}.jsonl`), path.join(fuzz.dir, `other-${k}.jsonl`), g.pick(FORMATS), where] as const
        })
        await Promise.all(batch.map((args) => commands(...args)))
      }
    } finally {
      output.reset()
    }
    if (process.env.FUZZ_STATS) console.log(codes)
    // Both outcomes of the commands were seen: stores with runs to judge and stores without.
    expect(codes.get('history 0')).toBeGreaterThan(STORES / 4)
    expect(codes.get('history 2')).toBeGreaterThan(0)
    expect(codes.get('compact 0')).toBe(STORES)
  }, 600_000)
})
