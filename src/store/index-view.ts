/**
 * Reading the store through its index: open the index (checked, extended or
 * rebuilt, see index-file.ts), choose lines with `selectLines`, and read only
 * those lines from the store. What a full read would warn about comes from the
 * index, so the warnings are the same.
 */
import { open, stat, type FileHandle } from 'node:fs/promises'
import type { BaselineEvent, StoreRecord } from '../types.js'
import { printable } from '../report/printable.js'
import { explain, StoreError, type StoreWarning } from './errors.js'
import { appendIndex, builtNotice, indexSize, loadIndex, mismatch, scanFrom, writeIndex } from './index-file.js'
import { coveredBy, type IndexEntry, type RunEntry } from './index-format.js'
import { resolveStore, withStoreLock } from './lock.js'
import { lineHash, withoutBom, type RawLine } from './lines.js'
import { problemOf, WarningLimiter } from './parse.js'

/** The store as its index sees it. */
export interface IndexView {
  file: string
  /** The store's real file. */
  real: string
  /** One entry per whole line of the store, in file order. */
  entries: IndexEntry[]
  /** A valid record on a last line without `\n`. */
  tail?: StoreRecord
  /** What reading every line would have warned about. */
  warnings: StoreWarning[]
}

/** Thrown when a line the index names is not the record it says: the store changed under the index. */
export class StaleIndexError extends Error {
  override name = 'StaleIndexError'
}

/** Where notices about the index go (a rebuild, an index that could not be saved). */
export type Notify = (message: string) => void

/** Paths and error messages in a notice may hold anything: printed through the one sanitiser. */
const toStderr: Notify = (message) => process.stderr.write(`perf-regression: ${printable(message)}\n`)

/**
 * Opens the store's index, bringing it up to date (and saving that, under the
 * store's lock) when lines were appended without it, or rebuilding it when it is
 * missing, damaged or does not match the store. `rebuild` forces a rebuild. A
 * missing store is an empty view. An index that cannot be saved (a read-only
 * folder) is used from memory, with a notice.
 */
export async function openIndex(file: string, options: { rebuild?: boolean; notify?: Notify } = {}): Promise<IndexView> {
  const notify = options.notify ?? toStderr
  let real: string
  try {
    real = await resolveStore(file)
  } catch (error) {
    // A store whose folder does not exist yet is an empty store.
    if (((error as Error).cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return { file, real: file, entries: [], warnings: [] }
    throw error
  }
  let handle: FileHandle
  try {
    handle = await open(real, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file, real, entries: [], warnings: [] }
    throw explain(error, file, 'read the history store', real)
  }
  try {
    return await view(file, real, handle, notify, options.rebuild ?? false)
  } catch (error) {
    throw error instanceof StoreError ? error : explain(error, file, 'read the history store', real)
  } finally {
    await handle.close()
  }
}

/** The view of an open store: the index checked and extended, or rebuilt. */
async function view(file: string, real: string, handle: FileHandle, notify: Notify, force: boolean): Promise<IndexView> {
  // The index first: a writer appending meanwhile only makes the store longer than the index, which is read from the tail.
  const loaded = force ? { stale: 'it did not match the store' } : await loadIndex(real)
  const size = (await handle.stat()).size
  const problem = loaded === undefined ? 'there was no index' : 'stale' in loaded ? loaded.stale : await mismatch(handle, size, loaded.entries)
  let entries: IndexEntry[]
  let tailLine: RawLine | undefined
  if (problem !== undefined || loaded === undefined || 'stale' in loaded) {
    const t0 = performance.now()
    const scanned = await scanFrom(handle, 0, 1)
    entries = scanned.entries
    tailLine = scanned.tail
    const runs = entries.filter((e) => e.c === 'r').length
    if (entries.length > 0) {
      notify(builtNotice(file, runs, performance.now() - t0, problem ?? 'it was missing'))
      await save(file, real, notify, async () => {
        if ((await stat(real)).size === size) await writeIndex(real, entries)
      })
    }
  } else {
    const { end, next } = coveredBy(loaded.entries)
    const scanned = await scanFrom(handle, end, next)
    entries = scanned.entries.length === 0 ? loaded.entries : [...loaded.entries, ...scanned.entries]
    tailLine = scanned.tail
    if (scanned.entries.length > 0) {
      await save(file, real, notify, async () => {
        if ((await stat(real)).size === size && (await indexSize(real)) === loaded.size) await appendIndex(real, loaded, scanned.entries)
      })
    }
  }
  const warnings: StoreWarning[] = []
  const limiter = new WarningLimiter(file, (w) => warnings.push(w))
  for (const e of entries) if (e.c === 'w') limiter.add(e.l, e.w)
  let tail: StoreRecord | undefined
  if (tailLine) {
    const content = problemOf(tailLine)
    if (typeof content === 'string') limiter.add(tailLine.number, content)
    else if (content) tail = content.record
  }
  limiter.finish()
  return { file, real, entries, warnings, ...(tail ? { tail } : {}) }
}

/**
 * Saves the index under the store's lock, when the lock is free: a writer
 * holding it brings the index up to date itself. A failure is a notice, never
 * an error: the index is only a cache.
 */
async function save(file: string, real: string, notify: Notify, write: () => Promise<void>): Promise<void> {
  try {
    await withStoreLock(
      file,
      async (locked) => {
        if (locked === real) await write()
      },
      { wait: false },
    )
  } catch (error) {
    if (((error as Error).cause as NodeJS.ErrnoException | undefined)?.code === 'ELOCKED') return
    notify(`could not save the history index next to ${file} (${(error as Error).message}); it is built again on the next read`)
  }
}

const RAW = Buffer.from('"raw_wall_ns":[')

/**
 * The line's bytes with each result's `"raw_wall_ns":[…]` emptied, written into
 * `into` (at least as long as the line), and how many were emptied. The pattern
 * cannot occur inside a JSON string (its quotes would be escaped there); an
 * occurrence whose brackets hold anything but numbers is left whole.
 */
function withoutRaw(line: Buffer, into: Buffer): { bytes: Buffer; emptied: number } {
  let from = 0
  let size = 0
  let emptied = 0
  for (let at = line.indexOf(RAW, from); at !== -1; at = line.indexOf(RAW, from)) {
    const start = at + RAW.length
    const end = line.indexOf(0x5d, start)
    if (end === -1) break
    if (!onlyNumbers(line, start, end)) {
      size += line.copy(into, size, from, start)
      from = start
      continue
    }
    size += line.copy(into, size, from, start)
    from = end
    emptied++
  }
  size += line.copy(into, size, from)
  return { bytes: into.subarray(0, size), emptied }
}

/** Whether bytes `start` to `end` are a list of JSON numbers (digits, signs, points, exponents, commas, spaces). */
function onlyNumbers(line: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = line[i]!
    const ok = (c >= 0x30 && c <= 0x39) || c === 0x2c || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45 || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
    if (!ok) return false
  }
  return true
}

/** Keys a validated record never has (the schema drops them); a line with them is validated again. */
const UNSAFE_KEYS = [Buffer.from('"__proto__"'), Buffer.from('"constructor"'), Buffer.from('"prototype"')]

/**
 * The record on a line the index vouches for (its bytes match the entry's
 * hash). With `strip`, the results' raw samples are dropped first, when exactly
 * one list per result was found; otherwise the whole line is read. Undefined when
 * the line does not hold a valid record after all.
 */
function parseTrusted(bytes: Buffer, strip: { into: Buffer; results: number } | undefined): StoreRecord | undefined {
  const decode = (b: Buffer) => withoutBom(b.toString('utf8'))
  if (UNSAFE_KEYS.some((key) => bytes.includes(key))) {
    const content = problemOf({ number: 0, terminated: true, start: 0, bytes: bytes.length, text: decode(bytes) })
    return typeof content === 'object' ? content.record : undefined
  }
  if (strip) {
    const { bytes: lean, emptied } = withoutRaw(bytes, strip.into)
    if (emptied === strip.results) {
      try {
        return JSON.parse(decode(lean)) as StoreRecord
      } catch {
        // Read whole below.
      }
    }
  }
  try {
    return JSON.parse(decode(bytes)) as StoreRecord
  } catch {
    return undefined
  }
}

/**
 * The records on `chosen` lines, in their order. Each line's bytes are checked
 * against the hash in its entry, so a line is trusted as the valid record it was
 * when it was indexed (see `INDEX_VERSION`) without being checked again. Without
 * `raw`, the results' raw samples are dropped before parsing (the reader would
 * drop them anyway).
 * Throws StaleIndexError when a line is not the run the index names.
 */
export async function readLines(view: IndexView, chosen: readonly { entry: IndexEntry; raw: boolean }[]): Promise<StoreRecord[]> {
  const records: StoreRecord[] = []
  for await (const record of eachLine(view, chosen)) records.push(record)
  return records
}

/** Like `readLines`, one record at a time: what the caller does not keep is garbage at once. */
export async function* eachLine(view: IndexView, chosen: readonly { entry: IndexEntry; raw: boolean }[]): AsyncGenerator<StoreRecord> {
  if (chosen.length === 0) return
  const handle = await open(view.real, 'r').catch((error: unknown) => {
    throw explain(error, view.file, 'read the history store', view.real)
  })
  try {
    // One buffer for every line (each is decoded into a string at once): a hundred 1 MB lines are not a hundred buffers waiting for the collector.
    let buffer = Buffer.allocUnsafe(1 << 16)
    let stripped = Buffer.allocUnsafe(1 << 16)
    for (const { entry, raw } of chosen) {
      if (buffer.length < entry.n) buffer = Buffer.allocUnsafe(Math.max(entry.n, buffer.length * 2))
      const bytes = buffer.subarray(0, entry.n)
      const { bytesRead } = await handle.read(bytes, 0, entry.n, entry.o)
      // The bytes the index was built from: the line was a valid record then, so it is one now.
      if (bytesRead !== entry.n || lineHash(bytes) !== entry.h) throw new StaleIndexError(`line ${entry.l} of ${view.file} is not what the index says`)
      // An A/B run keeps its base's raw samples with the run, so it is always read whole.
      const whole = raw || (entry.c === 'r' && entry.ab === 1)
      if (!whole && stripped.length < bytes.length) stripped = Buffer.allocUnsafe(Math.max(bytes.length, stripped.length * 2))
      const record = parseTrusted(bytes, whole ? undefined : { into: stripped, results: entry.c === 'r' ? (entry as RunEntry).k.length : 0 })
      if (!record) throw new StaleIndexError(`line ${entry.l} of ${view.file} is not the record the index says`)
      if (entry.c === 'r' ? record.kind !== 'run' || record.id !== (entry as RunEntry).id : record.kind !== 'baseline-event') {
        throw new StaleIndexError(`line ${entry.l} of ${view.file} is not the record the index says`)
      }
      yield record
    }
  } finally {
    await handle.close()
  }
}

/** Every baseline event of the store, in file order. */
export async function readEvents(view: IndexView): Promise<BaselineEvent[]> {
  const records = await readLines(
    view,
    view.entries.filter((e) => e.c === 'e').map((entry) => ({ entry, raw: true })),
  )
  const events = records as BaselineEvent[]
  return view.tail?.kind === 'baseline-event' ? [...events, view.tail] : events
}

/** The run entries of the view, and the tail when it is a run: every run the store holds, in order. */
export function runEntries(view: IndexView): RunEntry[] {
  return view.entries.filter((e): e is RunEntry => e.c === 'r')
}

