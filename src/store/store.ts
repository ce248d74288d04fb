import { mkdir, open, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import lockfile from 'proper-lockfile'
import type { BaselineEvent, RunRecord, StoreRecord } from '../types.js'
import { DanglingLinkError, describeSweep, resolveTarget, sweepStaleTemps } from '../util/atomic.js'
import { formatBytes } from '../util/format.js'
import { LineSplitter, MAX_LINE_BYTES, type RawLine } from './lines.js'
import { checkRecord } from './record.js'

/** A store problem that stops an operation (unreadable or unwritable file). */
export class StoreError extends Error {
  override name = 'StoreError'
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A line of the store that was skipped while reading, with why. */
export interface StoreWarning {
  file: string
  /** 1-based line number. */
  line: number
  message: string
  /**
   * How many skipped lines this warning stands for, when it sums up the bad lines after
   * the first few of a file (from `line` on); absent for a warning about one line.
   */
  count?: number
}

/** `real` is the file `file` leads to, when symbolic links were followed to get there. */
function explain(error: unknown, file: string, doing: string, real?: string): StoreError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const hint =
    code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
      ? 'check that the file and its folder are writable, or set the `store` option to a writable path'
      : code === 'ENOSPC' || code === 'EDQUOT'
        ? 'the disk is full; free some space (the history already stored is intact)'
        : code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST'
          ? 'the `store` option must name a file, and every part of its folder must be a folder'
          : code === 'ELOCKED'
            ? `another process held the store lock for too long; if none is running, delete the folder ${real ?? file}.lock`
            : 'see the cause below'
  const reason = error instanceof Error ? error.message : String(error)
  const via = real !== undefined && real !== path.resolve(file) ? ` (a link to ${real})` : ''
  return new StoreError(`perf-regression: cannot ${doing} ${file}${via}: ${reason} (${hint})`, file, { cause: error })
}

/**
 * Reads every valid run of the store in file order (baseline events are left out).
 * Lines that are not valid records (garbage, a torn last line, a newer schema, a line
 * over `MAX_LINE_BYTES`) are passed to `onWarning` and skipped, the first `LINE_WARNINGS`
 * of a file one by one and the rest in one warning that counts them; the file is never modified.
 * A missing file reads as empty. Streams the file, so memory stays bounded by what the caller keeps.
 */
export async function* readRuns(file: string, onWarning: (w: StoreWarning) => void): AsyncGenerator<RunRecord> {
  for await (const record of readRecords(file, onWarning)) if (record.kind === 'run') yield record
}

/** Bytes read at a time. */
const READ_CHUNK = 1 << 16

/** Bad lines of a file reported one by one; the rest are summed up in one warning at the end. */
export const LINE_WARNINGS = 5

/** Like `readRuns`, with the baseline events too. */
export async function* readRecords(file: string, onWarning: (w: StoreWarning) => void): AsyncGenerator<StoreRecord> {
  const warnings = new WarningLimiter(file, onWarning)
  const splitter = new LineSplitter()
  const parse = (line: RawLine): StoreRecord | undefined => {
    const problem = problemOf(line)
    if (typeof problem === 'string') warnings.add(line.number, problem)
    else return problem?.record
  }
  let handle: FileHandle
  try {
    handle = await open(file, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw explain(error, file, 'read the history store')
  }
  try {
    for (;;) {
      // A fresh buffer per read: the splitter keeps pieces of an unfinished line.
      const chunk = Buffer.allocUnsafe(READ_CHUNK)
      const { bytesRead } = await handle.read(chunk, 0, READ_CHUNK, null).catch((error: unknown) => {
        throw explain(error, file, 'read the history store')
      })
      if (bytesRead === 0) break
      for (const line of splitter.push(chunk.subarray(0, bytesRead))) {
        const record = parse(line)
        if (record) yield record
      }
    }
  } finally {
    await handle.close().catch((error: unknown) => {
      throw explain(error, file, 'close the history store')
    })
  }
  for (const line of splitter.end()) {
    const record = parse(line)
    if (record) yield record
  }
  warnings.finish()
}

/** The record on a line, undefined for a blank line, or why the line is skipped. */
function problemOf(line: RawLine): { record: StoreRecord } | string | undefined {
  if ('tooLong' in line) return `longer than ${formatBytes(MAX_LINE_BYTES)} (${formatBytes(line.tooLong)}), far more than any record; skipped without reading it`
  if (line.text.trim() === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(line.text)
  } catch {
    return line.terminated ? 'not valid JSON; skipped' : 'the last line is cut short (an interrupted write?); skipped, and the next run is appended on a new line'
  }
  const checked = checkRecord(value)
  return checked.ok ? { record: checked.record } : `${checked.reason}; skipped`
}

/** Passes on the first `LINE_WARNINGS` bad lines of a file, then counts them and sums them up once. */
class WarningLimiter {
  private seen = 0
  private held: StoreWarning | undefined
  private last = 0

  constructor(
    private readonly file: string,
    private readonly onWarning: (w: StoreWarning) => void,
  ) {}

  add(line: number, message: string): void {
    if (++this.seen <= LINE_WARNINGS) this.onWarning({ file: this.file, line, message })
    else {
      this.held ??= { file: this.file, line, message }
      this.last = line
    }
  }

  finish(): void {
    const held = this.held
    if (!held) return
    const more = this.seen - LINE_WARNINGS
    if (more === 1) return this.onWarning(held)
    this.onWarning({
      file: this.file,
      line: held.line,
      count: more,
      message: `${more} more lines that are not valid records either, from this one to line ${this.last}; skipped (perf-regression compact removes them)`,
    })
  }
}

/** Reads the whole store into memory. Prefer `readRuns` for large stores. */
export async function readStore(file: string): Promise<{ runs: RunRecord[]; events: BaselineEvent[]; warnings: StoreWarning[] }> {
  const runs: RunRecord[] = []
  const events: BaselineEvent[] = []
  const warnings: StoreWarning[] = []
  for await (const record of readRecords(file, (w) => warnings.push(w))) {
    if (record.kind === 'run') runs.push(record)
    else events.push(record)
  }
  return { runs, events, warnings }
}

const LOCK_OPTIONS = {
  realpath: false,
  stale: 10_000,
  retries: { retries: 100, factor: 1.3, minTimeout: 10, maxTimeout: 250, randomize: true },
} as const

/** Appends one run; see `appendRecord`. */
export const appendRun: (file: string, run: RunRecord) => Promise<void> = (file, run) => appendRecord(file, run)

/**
 * Appends one record (a run or a baseline event) to the store as a single line.
 *
 * Concurrent writers are serialised with a lock next to the real file
 * (`<store>.lock`, symbolic links followed, so a store reached through a link
 * and directly share one lock); the line is written with one `write` on an
 * append-mode descriptor and synced, so a reader sees either the whole run or
 * (after a crash) a torn last line that it skips. If the file does not end with
 * a newline (an earlier writer died mid-line), the run starts on a new line so
 * the earlier records stay intact.
 */
export async function appendRecord(file: string, record: StoreRecord): Promise<void> {
  const line = Buffer.from(JSON.stringify(record) + '\n', 'utf8')
  await withStoreLock(file, async (real) => {
    try {
      await appendLine(real, line)
    } catch (error) {
      throw explain(error, file, 'append to the history store', real)
    }
  })
}

async function appendLine(real: string, line: Buffer): Promise<void> {
  const handle = await open(real, 'a+')
  try {
    const stats = await handle.stat()
    const size = stats.size
    let buffer = line
    if (size > 0) {
      const last = Buffer.alloc(1)
      await handle.read(last, 0, 1, size - 1)
      if (last[0] !== 0x0a) buffer = Buffer.concat([Buffer.from('\n'), line])
    }
    try {
      let offset = 0
      while (offset < buffer.length) {
        const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset)
        offset += bytesWritten
      }
      await handle.datasync()
    } catch (error) {
      // A short write (a full disk) must not leave part of a line behind.
      if (stats.isFile()) await handle.truncate(size).catch((undo: unknown) => {
        throw new AggregateError([error, undo], `${(error as Error).message}; removing the partial line also failed (${(undo as Error).message}): the next read reports it and skips it`)
      })
      throw error
    }
  } finally {
    await handle.close()
  }
}

/**
 * Runs `fn` on the store's real file (symbolic links followed; see
 * `resolveStore`) while holding its lock, after sweeping the temporary files
 * that dead writers left next to it. Every write of the store goes through
 * here. Creates the store's folder when it is missing.
 */
export async function withStoreLock<T>(file: string, fn: (real: string) => Promise<T>): Promise<T> {
  try {
    await mkdir(path.dirname(file), { recursive: true })
  } catch (error) {
    throw explain(error, file, 'create the folder of the history store')
  }
  const real = await resolveStore(file)
  const release = await lock(file, real)
  let result: T
  try {
    const { freed, failures } = describeSweep(await sweepStaleTemps(real))
    if (freed) process.stderr.write(`perf-regression: ${freed}\n`)
    for (const failure of failures) process.stderr.write(`perf-regression: warning: ${failure}\n`)
    result = await fn(real)
  } catch (error) {
    // The operation's own error is the one to report; a lock left behind is only mentioned.
    await release().catch((undo: unknown) => process.stderr.write(`${explain(undo, file, 'unlock the history store', real).message}\n`))
    throw error
  }
  try {
    await release()
  } catch (error) {
    throw explain(error, file, 'unlock the history store', real)
  }
  return result
}

/**
 * The file a write to the store changes: `file` with symbolic links (of the
 * file and of its folders) followed, so rewrites replace the real file and keep
 * the link. A link to nothing is a StoreError that says where it points.
 */
async function resolveStore(file: string): Promise<string> {
  try {
    return await resolveTarget(file)
  } catch (error) {
    if (error instanceof DanglingLinkError) {
      throw new StoreError(
        `perf-regression: the history store ${file} is a symbolic link to ${error.target}, which does not exist: create that file (an empty file is an empty store), point the link at the store, or remove the link to keep the store at ${file}`,
        file,
        { cause: error },
      )
    }
    throw explain(error, file, 'find the real file of the history store')
  }
}

/**
 * Takes the lock of the store's real file. Only a lock held by another writer
 * (ELOCKED) is waited for; any other error (a read-only or full file system)
 * fails at once.
 */
async function lock(file: string, real: string): Promise<() => Promise<void>> {
  const { retries, ...options } = LOCK_OPTIONS
  let wait: number = retries.minTimeout
  for (let attempt = 0; ; attempt++) {
    try {
      return await lockfile.lock(real, { ...options, retries: 0 })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED' || attempt >= retries.retries) {
        throw explain(error, file, 'lock the history store', real)
      }
      await new Promise((resolve) => setTimeout(resolve, wait * (retries.randomize ? 1 + Math.random() : 1)))
      wait = Math.min(wait * retries.factor, retries.maxTimeout)
    }
  }
}
