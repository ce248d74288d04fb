/**
 * The history store under faults: several processes appending at once, a
 * writer killed mid-line, a lock left behind by a dead writer (full disks and
 * read-only stores are in store-disk.test.ts).
 *
 * The tests start child `node` processes that import the BUILT store
 * (dist/store/store.js): run `npm run build` first.
 */
import { describe, test, expect } from 'vitest'
import { existsSync, statSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { appendRecord, readStore, type StoreWarning } from '../../src/store/store.js'
import { findRun, latestResults } from '../../src/core/history-read.js'
import { expectIndexTrue } from '../unit/index-helpers.js'
import { SCHEMA_VERSION, type BaselineEvent, type RunRecord, type StoreRecord } from '../../src/types.js'
import { run } from '../unit/helpers.js'
import { bigRun, distUrl, REPO, startChild, withTemp, type Child } from './children.js'

/** proper-lockfile's `stale` as store.ts sets it: a dead writer's lock is taken over after this long. */
const STALE_MS = 10_000
const TORN = 'the last line is cut short (an interrupted write?); skipped, and the next run is appended on a new line'
const NOT_JSON = 'not valid JSON; skipped'

const line = (r: StoreRecord) => JSON.stringify(r) + '\n'


/** Reading through the index gives what reading every line gives. */
async function expectIndexReadsSame(file: string): Promise<void> {
  expect(await latestResults(file, true)).toEqual(await latestResults(file, false))
  expect(await findRun(file, undefined, true)).toEqual(await findRun(file, undefined, false))
}

const event = (id: string, extra: Partial<BaselineEvent> = {}): BaselineEvent => ({
  schema: SCHEMA_VERSION,
  kind: 'baseline-event',
  id,
  time: '2025-06-01T10:00:00.000Z',
  action: 'reset',
  reason: 'new hardware',
  who: 'ci',
  ...extra,
})

describe('several processes appending at the same moment', () => {
  test('6 processes × 20 runs of ~20 KB: 120 whole records, no warnings', async () => {
    const url = distUrl('store/store.js')
    await withTemp(async (dir) => {
      const file = path.join(dir, '.perf', 'benchmarks.jsonl')
      const expected = new Map<string, RunRecord>()
      const children: Child[] = []
      for (let c = 0; c < 6; c++) {
        const records = Array.from({ length: 20 }, (_, i) => bigRun(`p${c}-r${i}`, 20_000, c * 100 + i))
        for (const r of records) expected.set(r.id, r)
        const input = path.join(dir, `records-${c}.json`)
        await writeFile(input, JSON.stringify(records))
        children.push(
          startChild(`
            import { readFileSync } from 'node:fs'
            import { appendRecord } from ${JSON.stringify(url)}
            const records = JSON.parse(readFileSync(${JSON.stringify(input)}, 'utf8'))
            process.stdout.write('ready\\n')
            await new Promise((resolve) => process.stdin.once('data', resolve))
            process.stdin.destroy()
            const start = Date.now()
            for (const r of records) await appendRecord(${JSON.stringify(file)}, r)
            process.stdout.write('times ' + JSON.stringify({ start, end: Date.now() }) + '\\n')
          `),
        )
      }
      expect(Buffer.byteLength(JSON.stringify(expected.get('p0-r0')))).toBeGreaterThanOrEqual(20_000)
      // Start together: every child has loaded the store and its records before any is told to go.
      await Promise.all(children.map((c) => c.waitFor('ready\n')))
      for (const c of children) c.proc.stdin!.write('go\n')
      const exits = await Promise.all(children.map((c) => c.exited))
      for (const e of exits) expect(e, e.stderr).toMatchObject({ code: 0, signal: null })

      // The children really overlapped: the last to start started before the first finished.
      const times = children.map((c) => JSON.parse(/times (.*)\n/.exec(c.stdout())![1]!) as { start: number; end: number })
      expect(Math.max(...times.map((t) => t.start))).toBeLessThan(Math.min(...times.map((t) => t.end)))

      const { runs, events, warnings } = await readStore(file)
      expect(warnings).toEqual([])
      expect(events).toEqual([])
      expect(runs).toHaveLength(120)
      expect(new Set(runs.map((r) => r.id))).toEqual(new Set(expected.keys()))
      for (const r of runs) expect(r).toEqual(expected.get(r.id))
      // Each child's runs are in its own order; 120 lines, each ending with a newline.
      for (let c = 0; c < 6; c++) {
        expect(runs.filter((r) => r.id.startsWith(`p${c}-`)).map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => `p${c}-r${i}`))
      }
      const text = await readFile(file, 'utf8')
      expect(text.endsWith('\n')).toBe(true)
      expect(text.split('\n')).toHaveLength(121)
      expect(existsSync(`${file}.lock`)).toBe(false)
      // Six writers kept one index, line for line.
      await expectIndexTrue(file)
    })
  }, 120_000)
})

/**
 * Kills a child in the middle of appending a `mb` MB run: polls the file size
 * and sends SIGKILL as soon as it grows. Returns whether the line was torn (the
 * kill can land after the last byte; then the caller tries again).
 */
async function killMidAppend(url: string, file: string, template: RunRecord, mb: number): Promise<{ torn: boolean; size: number }> {
  const base = statSync(file).size
  const child = startChild(`
    import { appendRecord } from ${JSON.stringify(url)}
    const record = ${JSON.stringify(template)}
    record.results[0].test.name = 'x'.repeat(${mb * 1_000_000})
    process.stdout.write('ready\\n')
    await appendRecord(${JSON.stringify(file)}, record)
    process.stdout.write('done\\n')
  `)
  await child.waitFor('ready\n')
  const deadline = Date.now() + 60_000
  let exited = false
  void child.exited.then(() => (exited = true))
  // A busy poll: the write of the line takes a few milliseconds.
  while (statSync(file).size === base && !exited && Date.now() < deadline) {
    /* poll */
  }
  child.proc.kill('SIGKILL')
  const { signal } = await child.exited
  expect(signal, 'the child was killed, not finished').toBe('SIGKILL')
  expect(child.stdout()).not.toContain('done')
  const bytes = await readFile(file)
  return { torn: bytes.length > base && bytes[bytes.length - 1] !== 0x0a, size: bytes.length }
}

describe.concurrent('a writer that dies in the middle of a line', () => {
  test('SIGKILL while appending a very large run: earlier runs intact, torn tail warned, the stale lock is taken over, the next run lands on its own line', async ({ expect }) => {
    const url = distUrl('store/store.js')
    await withTemp(async (dir) => {
      const earlier = [run({ id: 'a', medians: { t: 1 } }), bigRun('b', 20_000, 1), run({ id: 'c', medians: { t: 3 } })]
      const template = run({ id: 'huge', medians: { placeholder: 1 } })
      let file = ''
      let prefix = Buffer.alloc(0)
      let torn = false
      const sizes: number[] = []
      // The kill usually lands mid-write; when it lands after the last byte, try again on a fresh file.
      for (let attempt = 0; attempt < 5 && !torn; attempt++) {
        file = path.join(dir, `attempt-${attempt}`, 'benchmarks.jsonl')
        for (const r of earlier) await appendRecord(file, r)
        prefix = await readFile(file)
        const k = await killMidAppend(url, file, template, 24)
        torn = k.torn
        sizes.push(k.size - prefix.length)
      }
      expect(torn, `the kill never landed mid-write (bytes of the big line written per attempt: ${sizes.join(', ')})`).toBe(true)

      // The dead writer's lock is still there.
      expect(existsSync(`${file}.lock`)).toBe(true)
      const afterKill = await readStore(file)
      expect(afterKill.runs).toEqual(earlier)
      expect(afterKill.warnings).toEqual<StoreWarning[]>([{ file, line: 4, message: TORN }])
      expect((await readFile(file)).subarray(0, prefix.length).equals(prefix)).toBe(true)
      await expectIndexReadsSame(file)

      // The next append waits for the lock to go stale, takes it over and lands on a new line.
      const next = run({ id: 'next', medians: { t: 4 } })
      const t0 = Date.now()
      await appendRecord(file, next)
      const waited = Date.now() - t0
      expect(waited).toBeLessThan(STALE_MS + 5_000)
      expect(existsSync(`${file}.lock`)).toBe(false)
      const after = await readStore(file)
      expect(after.runs).toEqual([...earlier, next])
      expect(after.warnings).toEqual<StoreWarning[]>([{ file, line: 4, message: NOT_JSON }])
      const bytes = await readFile(file)
      expect(bytes.subarray(0, prefix.length).equals(prefix)).toBe(true)
      expect(bytes.subarray(bytes.length - line(next).length - 1).toString('utf8')).toBe('\n' + line(next))
      await expectIndexTrue(file)
      await expectIndexReadsSame(file)
    })
  }, 180_000)

  test('a writer holding the lock that wrote half a line and was SIGKILLed: same recovery, deterministic', async ({ expect }) => {
    distUrl('store/store.js')
    await withTemp(async (dir) => {
      const file = path.join(dir, 'benchmarks.jsonl')
      const earlier = [run({ id: 'a', medians: { t: 1 } }), event('e1'), run({ id: 'b', medians: { t: 2 } })]
      for (const r of earlier) await appendRecord(file, r)
      const prefix = await readFile(file)
      const half = line(bigRun('torn', 20_000, 7)).slice(0, 10_000)
      const lockfileMain = path.join(REPO, 'node_modules/proper-lockfile/index.js')
      const child = startChild(`
        import { appendFileSync } from 'node:fs'
        import lockfile from ${JSON.stringify(pathToFileURL(lockfileMain).href)}
        await lockfile.lock(${JSON.stringify(file)}, { realpath: false, stale: ${STALE_MS} })
        appendFileSync(${JSON.stringify(file)}, ${JSON.stringify(half)})
        process.stdout.write('written\\n')
        setInterval(() => {}, 1000)
      `)
      await child.waitFor('written\n')
      child.proc.kill('SIGKILL')
      expect((await child.exited).signal).toBe('SIGKILL')
      expect(existsSync(`${file}.lock`)).toBe(true)

      const afterKill = await readStore(file)
      expect(afterKill.runs).toEqual([earlier[0], earlier[2]])
      expect(afterKill.events).toEqual([earlier[1]])
      expect(afterKill.warnings).toEqual<StoreWarning[]>([{ file, line: 4, message: TORN }])

      const next = run({ id: 'next', medians: { t: 4 } })
      const t0 = Date.now()
      await appendRecord(file, next)
      expect(Date.now() - t0).toBeLessThan(STALE_MS + 5_000)
      const after = await readStore(file)
      expect(after.runs).toEqual([earlier[0], earlier[2], next])
      expect(after.warnings).toEqual<StoreWarning[]>([{ file, line: 4, message: NOT_JSON }])
      expect(await readFile(file, 'utf8')).toBe(prefix.toString('utf8') + half + '\n' + line(next))
      expect(existsSync(`${file}.lock`)).toBe(false)
      await expectIndexTrue(file)
      await expectIndexReadsSame(file)
    })
  }, 60_000)

  test('a writer SIGKILLed between its line and the line\'s index entry: readers see the run, the next writer mends the index', async ({ expect }) => {
    distUrl('store/store.js')
    await withTemp(async (dir) => {
      const file = path.join(dir, 'benchmarks.jsonl')
      const earlier = [run({ id: 'a', medians: { t: 1 } }), run({ id: 'b', medians: { t: 2 } })]
      for (const r of earlier) await appendRecord(file, r)
      const indexBefore = await readFile(`${file}.index`)
      const orphan = run({ id: 'orphan', medians: { t: 3 } })
      const lockfileMain = path.join(REPO, 'node_modules/proper-lockfile/index.js')
      // What appendRecord does up to the index update: the lock, then the whole line.
      const child = startChild(`
        import { appendFileSync } from 'node:fs'
        import lockfile from ${JSON.stringify(pathToFileURL(lockfileMain).href)}
        await lockfile.lock(${JSON.stringify(file)}, { realpath: false, stale: ${STALE_MS} })
        appendFileSync(${JSON.stringify(file)}, ${JSON.stringify(line(orphan))})
        process.stdout.write('written\\n')
        setInterval(() => {}, 1000)
      `)
      await child.waitFor('written\n')
      child.proc.kill('SIGKILL')
      expect((await child.exited).signal).toBe('SIGKILL')
      expect((await readFile(`${file}.index`)).equals(indexBefore)).toBe(true)

      // A reader extends the index in memory (it cannot save it while the dead writer's lock is fresh).
      expect((await findRun(file, undefined, true))?.record).toEqual(orphan)
      await expectIndexReadsSame(file)
      const next = run({ id: 'next', medians: { t: 4 } })
      await appendRecord(file, next)
      expect((await readStore(file)).runs).toEqual([...earlier, orphan, next])
      await expectIndexTrue(file)
      await expectIndexReadsSame(file)
    })
  }, 60_000)
})
