/**
 * The history store under faults: several processes appending at once, a
 * writer killed mid-line, a lock left behind by a dead writer, a full disk, a
 * read-only store, a folder that cannot be created, and bad lines in the file.
 *
 * The multi-process tests start child `node` processes that import the BUILT
 * store (dist/store/store.js): run `npm run build` first.
 */
import { describe, test, expect } from 'vitest'
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, statSync, statfsSync } from 'node:fs'
import { chmod, lstat, mkdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { appendRecord, readStore, StoreError, type StoreWarning } from '../../src/store/store.js'
import { SCHEMA_VERSION, type BaselineEvent, type RunRecord, type StoreRecord } from '../../src/types.js'
import { noisy, run, tempDir } from './helpers.js'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const DIST_STORE = path.join(REPO, 'dist/store/store.js')
/** proper-lockfile's `stale` as store.ts sets it: a dead writer's lock is taken over after this long. */
const STALE_MS = 10_000
const TORN = 'the last line is cut short (an interrupted write?); skipped, and the next run is appended on a new line'
const NOT_JSON = 'not valid JSON; skipped'

const line = (r: StoreRecord) => JSON.stringify(r) + '\n'
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

/** The built store as a file URL for a child process; fails the test when dist/ is missing. */
function distStoreUrl(): string {
  if (!existsSync(DIST_STORE)) {
    throw new Error(`${DIST_STORE} is missing: run \`npm run build\` first (these tests start child processes that import the built store)`)
  }
  return pathToFileURL(DIST_STORE).href
}

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const { dir, cleanup } = await tempDir()
  try {
    return await fn(dir)
  } finally {
    await cleanup()
  }
}

/** A child `node` process running ESM code, with helpers to wait for what it prints. */
interface Child {
  proc: ChildProcess
  /** Resolves once stdout contains `marker` (rejects when the child exits first). */
  waitFor(marker: string): Promise<void>
  stdout(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>
}

function startChild(code: string): Child {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  const waiters: { marker: string; resolve: () => void }[] = []
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d
    for (const w of waiters.filter((x) => out.includes(x.marker))) {
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve()
    }
  })
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    proc.on('exit', (c, s) => resolve({ code: c, signal: s, stderr: err })),
  )
  return {
    proc,
    stdout: () => out,
    exited,
    waitFor: (marker) =>
      out.includes(marker)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ marker, resolve })
            void exited.then(({ code, signal, stderr }) =>
              reject(new Error(`child exited (${code ?? signal}) before printing ${JSON.stringify(marker)}:\n${stderr}`)),
            )
          }),
  }
}

/** A run of about `bytes` bytes of JSON: results with 64 raw samples each. */
function bigRun(id: string, bytes: number, seed: number): RunRecord {
  const r = run({ id, medians: {} })
  for (let i = 0; Buffer.byteLength(JSON.stringify(r)) < bytes; i++) {
    const res = run({ medians: { [`suite ${seed} > case ${i}`]: 1e6 + i } }).results[0]!
    res.sample.raw_wall_ns = noisy(1e6 + i, 64, 0.05, seed * 1000 + i)
    r.results.push(res)
  }
  return r
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
    const url = distStoreUrl()
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
    const url = distStoreUrl()
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
    })
  }, 180_000)

  test('a writer holding the lock that wrote half a line and was SIGKILLed: same recovery, deterministic', async ({ expect }) => {
    distStoreUrl()
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
    })
  }, 60_000)
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
      expect(existsSync(`${file}.lock`)).toBe(false)
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
