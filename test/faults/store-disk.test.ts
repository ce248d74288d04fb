/**
 * The history store on a full disk, a read-only file system, a folder that
 * cannot be created, and with bad lines in the file. The full-disk and
 * read-only tests mount small tmpfs file systems and need root on Linux.
 */
import { describe, test, expect } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, statfsSync } from 'node:fs'
import { chmod, lstat, mkdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { appendRecord, readStore, StoreError } from '../../src/store/store.js'
import { SCHEMA_VERSION, type BaselineEvent, type StoreRecord } from '../../src/types.js'
import { run, tempDir } from '../unit/helpers.js'
import { bigRun, withTemp } from './children.js'

const TORN = 'the last line is cut short (an interrupted write?); skipped, and the next run is appended on a new line'
const NOT_JSON = 'not valid JSON; skipped'

const line = (r: StoreRecord) => JSON.stringify(r) + '\n'
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

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

/**
 * Runs `fn` with a fresh tmpfs of `kb` KiB mounted at `<dir>/mnt`: a real, small
 * file system to fill up or remount read-only. The test machines run these tests
 * as root on Linux (as CI does); anywhere else they fail and say why.
 */
async function withTmpfs<T>(dir: string, kb: number, fn: (mnt: string) => Promise<T>): Promise<T> {
  const mnt = path.join(dir, 'mnt')
  await mkdir(mnt)
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', mnt], { stdio: 'pipe' })
  } catch (error) {
    throw new Error(`these tests mount a small tmpfs and need root on Linux (mount said: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()})`)
  }
  try {
    return await fn(mnt)
  } finally {
    execFileSync('umount', ['-l', mnt], { stdio: 'ignore' })
  }
}

/** Fills the filesystem of `mnt` until `leave` bytes are free. */
async function fill(mnt: string, leave: number): Promise<void> {
  const s = statfsSync(mnt)
  const free = s.bavail * s.bsize
  await writeFile(path.join(mnt, 'filler'), Buffer.alloc(Math.max(0, free - leave)))
}

const fullDiskMessage = (e: unknown, file: string) => {
  expect(e).toBeInstanceOf(StoreError)
  const error = e as StoreError
  expect(error.file).toBe(file)
  expect(error.message).toContain(`cannot append to the history store ${file}`)
  expect(error.message).toContain('ENOSPC')
  expect(error.message).toContain('the disk is full')
  expect(error.message).toContain('the history already stored is intact')
}

describe('a full disk', () => {
  test('a store that is a symlink to /dev/full: StoreError says the disk is full and history is intact', async () => {
    await withTemp(async (dir) => {
      const file = path.join(dir, 'benchmarks.jsonl')
      await symlink('/dev/full', file)
      const error = await appendRecord(file, run({ id: 'x', medians: { t: 1 } })).catch((e: unknown) => e)
      fullDiskMessage(error, file)
      expect((await lstat(file)).isSymbolicLink()).toBe(true)
      expect(await readlink(file)).toBe('/dev/full')
      // The lock was taken next to the real file, and released.
      expect(existsSync(`${file}.lock`)).toBe(false)
      expect(existsSync('/dev/full.lock')).toBe(false)
      expect((error as StoreError).message).toContain(`${file} (a link to /dev/full)`)
    })
  })

  test('a disk that fills up in the middle of the line: StoreError, earlier records intact, the next append (space freed) lands on its own line', async () => {
    await withTemp(async (dir) => {
      await withTmpfs(dir, 256, async (mnt) => {
        const file = path.join(mnt, 'benchmarks.jsonl')
        const earlier = [run({ id: 'a', medians: { t: 1 } }), run({ id: 'b', medians: { t: 2 } })]
        for (const r of earlier) await appendRecord(file, r)
        const before = await readFile(file)
        await fill(mnt, 8192)
        const error = await appendRecord(file, bigRun('too-big', 40_000, 3)).catch((e: unknown) => e)
        fullDiskMessage(error, file)
        expect(existsSync(`${file}.lock`)).toBe(false)
        const bytes = await readFile(file)
        expect(bytes.subarray(0, before.length).equals(before)).toBe(true)
        expect((await readStore(file)).runs).toEqual(earlier)

        await rm(path.join(mnt, 'filler'))
        const next = run({ id: 'next', medians: { t: 3 } })
        await appendRecord(file, next)
        const after = await readStore(file)
        expect(after.runs).toEqual([...earlier, next])
        expect((await readFile(file, 'utf8')).endsWith(line(next))).toBe(true)
      })
    })
  })

  test('an append that fails with ENOSPC leaves the store byte-for-byte as it was (no torn partial line)', async () => {
    // Regression: a short write followed by ENOSPC used to leave the part of the line that
    // fitted at the end of the file, and every later read warned about it.
    await withTemp(async (dir) => {
      await withTmpfs(dir, 256, async (mnt) => {
        const file = path.join(mnt, 'benchmarks.jsonl')
        await appendRecord(file, run({ id: 'a', medians: { t: 1 } }))
        const before = await readFile(file)
        await fill(mnt, 8192)
        const error = await appendRecord(file, bigRun('too-big', 40_000, 3)).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(StoreError)
        const after = await readFile(file)
        expect(after.length - before.length, 'bytes of a partial line left behind').toBe(0)
        expect((await readStore(file)).warnings).toEqual([])
      })
    })
  })
})

interface ReadOnlyAttempt {
  file: string
  error: unknown
  ms: number
  before: Buffer | undefined
  after: Buffer | undefined
  how: string
}

/**
 * Tries to append to a store that cannot be written: as root (whom chmod does not
 * stop) a path on /sys, otherwise a 0o444 file in a 0o555 folder. Shared by two tests.
 */
let readOnly: Promise<ReadOnlyAttempt> | undefined
function readOnlyAttempt(): Promise<ReadOnlyAttempt> {
  readOnly ??= (async () => {
    if (isRoot) {
      // Not a nested missing folder: Node's recursive mkdir loops forever on procfs-like paths.
      const file = `/sys/perf-regression-${process.pid}.jsonl`
      const t0 = Date.now()
      const error = await appendRecord(file, run({ id: 'x', medians: { t: 1 } })).catch((e: unknown) => e)
      return { file, error, ms: Date.now() - t0, before: undefined, after: undefined, how: 'root: a path on /sys' }
    }
    const { dir, cleanup } = await tempDir()
    const folder = path.join(dir, '.perf')
    const file = path.join(folder, 'benchmarks.jsonl')
    await appendRecord(file, run({ id: 'a', medians: { t: 1 } }))
    const before = await readFile(file)
    await chmod(file, 0o444)
    await chmod(folder, 0o555)
    try {
      const t0 = Date.now()
      const error = await appendRecord(file, run({ id: 'x', medians: { t: 1 } })).catch((e: unknown) => e)
      const ms = Date.now() - t0
      return { file, error, ms, before, after: await readFile(file), how: 'chmod 0o444 file, 0o555 folder' }
    } finally {
      await chmod(folder, 0o755)
      await chmod(file, 0o644)
      await cleanup()
    }
  })()
  return readOnly
}

describe.concurrent('a read-only store', () => {
  test('rejects with a StoreError that says to make it writable; the file is unchanged', async ({ expect }) => {
    const { file, error, before, after } = await readOnlyAttempt()
    expect(error).toBeInstanceOf(StoreError)
    const e = error as StoreError
    expect(e.file).toBe(file)
    expect(e.message).toContain(`perf-regression: cannot lock the history store ${file}`)
    expect(e.message).toMatch(/EACCES|EPERM|EROFS/)
    expect(e.message).toContain('check that the file and its folder are writable, or set the `store` option to a writable path')
    if (before !== undefined) expect(after!.equals(before)).toBe(true)
    expect(existsSync(file)).toBe(isRoot ? false : true)
  }, 90_000)

  test('an unwritable store is reported at once, not after ~23 s of lock retries', async ({ expect }) => {
    // Regression: with `retries` in its options proper-lockfile retries EVERY error of its mkdir
    // (EACCES, EPERM, EROFS, ENOSPC, ENOENT...), not only ELOCKED: 100 retries, ~23 s.
    const { ms, how } = await readOnlyAttempt()
    expect(ms, `${how}: milliseconds until the StoreError`).toBeLessThan(3_000)
  }, 90_000)

  test('a store on a filesystem remounted read-only (EROFS): StoreError, bytes unchanged', async ({ expect }) => {
    await withTemp(async (dir) => {
      await withTmpfs(dir, 1024, async (mnt) => {
        const file = path.join(mnt, '.perf', 'benchmarks.jsonl')
        await appendRecord(file, run({ id: 'a', medians: { t: 1 } }))
        const before = await readFile(file)
        execFileSync('mount', ['-o', 'remount,ro', mnt], { stdio: 'ignore' })
        const error = await appendRecord(file, run({ id: 'x', medians: { t: 1 } })).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(StoreError)
        expect((error as StoreError).message).toContain('EROFS')
        expect((error as StoreError).message).toContain('check that the file and its folder are writable')
        expect((await readFile(file)).equals(before)).toBe(true)
        expect((await readStore(file)).runs.map((r) => r.id)).toEqual(['a'])
      })
    })
  }, 90_000)
})

describe('a missing or blocked folder', () => {
  test('a missing nested folder is created', async () => {
    await withTemp(async (dir) => {
      const file = path.join(dir, 'x', 'y', 'z', 'benchmarks.jsonl')
      const r = run({ id: 'nested', medians: { t: 1 } })
      await appendRecord(file, r)
      expect(await readStore(file)).toEqual({ runs: [r], events: [], warnings: [] })
    })
  })

  test('a parent that is a file, directly or further up: StoreError naming the path; the file is unchanged', async () => {
    await withTemp(async (dir) => {
      const blocker = path.join(dir, 'blocker')
      await writeFile(blocker, 'precious bytes\n')
      for (const file of [path.join(blocker, 'benchmarks.jsonl'), path.join(blocker, 'deeper', 'benchmarks.jsonl')]) {
        const t0 = Date.now()
        const error = await appendRecord(file, run({ medians: { t: 1 } })).catch((e: unknown) => e)
        expect(Date.now() - t0).toBeLessThan(3_000)
        expect(error).toBeInstanceOf(StoreError)
        expect((error as StoreError).file).toBe(file)
        expect((error as StoreError).message).toContain(`cannot create the folder of the history store ${file}`)
        expect((error as StoreError).message).toContain(blocker)
        expect(await readFile(blocker, 'utf8')).toBe('precious bytes\n')
      }
    })
  })

  test('a parent that is a file gets the "must be a folder" hint, not "see the cause below"', async () => {
    // mkdir(recursive) reports EEXIST when the direct parent is a file (ENOTDIR only when it
    // is further up): explain() must map both.
    await withTemp(async (dir) => {
      const blocker = path.join(dir, 'blocker')
      await writeFile(blocker, 'x')
      for (const file of [path.join(blocker, 'benchmarks.jsonl'), path.join(blocker, 'deeper', 'benchmarks.jsonl')]) {
        const error = await appendRecord(file, run({ medians: { t: 1 } })).catch((e: unknown) => e)
        expect((error as StoreError).message, file).toContain('every part of its folder must be a folder')
      }
    })
  })
})

describe('bad lines in the file', () => {
  test('torn last line, garbage, a newer schema, a bad baseline action: 1-based lines, skipped, the rest kept, the file never rewritten', async () => {
    await withTemp(async (dir) => {
      const file = path.join(dir, 'benchmarks.jsonl')
      const a = run({ id: 'a', medians: { t: 1 } })
      const b = run({ id: 'b', medians: { t: 2 } })
      const ev = event('ev', { action: 'accept', run_id: 'a' })
      const newer = { ...run({ id: 'n', medians: { t: 1 } }), schema: 99 }
      const badAction = { ...event('bad'), action: 'delete' }
      const text = [
        line(a), // 1
        'garbage, not JSON at all\n', // 2
        JSON.stringify(newer) + '\n', // 3
        line(ev), // 4
        JSON.stringify(badAction) + '\n', // 5
        '\n', // 6: blank, silently skipped
        '\u0000\u0000\u0000{"schema":1\n', // 7: NULs (a crash that left zeroed blocks)
        line(b), // 8
        line(run({ id: 'c', medians: { t: 3 } })).slice(0, 60), // 9: torn
      ].join('')
      await writeFile(file, text)
      const before = await stat(file)
      const bytes = await readFile(file)

      const { runs, events, warnings } = await readStore(file)
      expect(runs).toEqual([a, b])
      expect(events).toEqual([ev])
      expect(warnings.map((w) => w.line)).toEqual([2, 3, 5, 7, 9])
      expect(warnings.every((w) => w.file === file)).toBe(true)
      expect(warnings[0]!.message).toBe(NOT_JSON)
      expect(warnings[1]!.message).toBe(
        'written by a newer perf-regression (schema 99; this version reads 1): upgrade perf-regression to use it; skipped',
      )
      expect(warnings[2]!.message).toBe('action: expected "accept" or "reset", got "delete"; skipped')
      expect(warnings[3]!.message).toBe(NOT_JSON)
      expect(warnings[4]!.message).toBe(TORN)

      // Reading changed nothing: same bytes, same mtime, no lock taken.
      const after = await stat(file)
      expect((await readFile(file)).equals(bytes)).toBe(true)
      expect(after.mtimeMs).toBe(before.mtimeMs)
      expect(after.size).toBe(before.size)
      expect(existsSync(`${file}.lock`)).toBe(false)
    })
  })
})
