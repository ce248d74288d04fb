/**
 * The history index next to the store (`<store>.index`, next to the real file
 * when the store is a symbolic link): kept up to date by every append, under
 * the store's lock; checked by every reader against the store (the lines it
 * names must be where it says, with the same bytes); extended from the store's
 * tail when lines were appended without it (a writer killed between the two
 * writes, an older version, a store copied in); rebuilt from the whole store,
 * with a one-line notice, when it is missing or does not match. Rewrites of the
 * store remove it. It is a cache: deleting it loses nothing.
 */
import { open, readFile, rm, stat, truncate, type FileHandle } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { writeFileAtomic } from '../util/atomic.js'
import { formatBytes } from '../util/format.js'
import { coveredBy, decodeEntry, encodeEntry, entryOf, INDEX_HEADER, type IndexEntry } from './index-format.js'
import { LineSplitter, lineHash, type RawLine } from './lines.js'
import { problemOf } from './parse.js'

/** The index file of a store's real file. */
export function indexPath(real: string): string {
  return `${real}.index`
}

/** The index as read from its file: the entries, and how many bytes of the file they came from. */
interface Loaded {
  entries: IndexEntry[]
  /** Bytes of the index file up to its last whole line. */
  bytes: number
  /** Size of the index file. */
  size: number
}

/** Reads the index file; undefined when it is missing, with why when it cannot be used. */
export async function loadIndex(real: string): Promise<Loaded | { stale: string } | undefined> {
  let buffer: Buffer
  try {
    buffer = await readFile(indexPath(real))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    return { stale: `the index cannot be read (${(error as Error).message})` }
  }
  const whole = buffer.lastIndexOf(0x0a) + 1
  const lines = buffer.toString('utf8', 0, whole).split('\n')
  lines.pop()
  if (lines[0] !== INDEX_HEADER) return { stale: 'the index was written by another version' }
  const entries: IndexEntry[] = []
  let at = { end: 0, next: 1 }
  for (let i = 1; i < lines.length; i++) {
    const entry = decodeEntry(lines[i]!)
    if (!entry || entry.o !== at.end || entry.l !== at.next) return { stale: `line ${i + 1} of the index is damaged` }
    entries.push(entry)
    at = { end: entry.o + entry.n + 1, next: entry.l + 1 }
  }
  return { entries, bytes: whole, size: buffer.length }
}

/** How many entries besides the last are checked against the store on every read. */
export const SPOT_CHECKS = 8

/**
 * Why the entries do not describe the store (its size `size`, open as `handle`),
 * or undefined when the last entry and `SPOT_CHECKS` others spread over the
 * file are where they say, with the bytes they say. A store that was rewritten,
 * replaced or edited by hand fails this unless every checked line is unchanged.
 */
export async function mismatch(handle: FileHandle, size: number, entries: readonly IndexEntry[], checks = SPOT_CHECKS): Promise<string | undefined> {
  const { end } = coveredBy(entries)
  if (end > size) return `the store is shorter (${formatBytes(size)}) than the index says (${formatBytes(end)}): it was rewritten or replaced`
  const picks = new Set<number>()
  if (entries.length > 0) picks.add(entries.length - 1)
  for (let i = 1; i <= checks && entries.length > 1; i++) picks.add(Math.floor(((entries.length - 1) * i) / (checks + 1)))
  for (const i of picks) {
    const e = entries[i]!
    const start = Math.max(0, e.o - 1)
    const bytes = Buffer.alloc(e.o - start + (e.h === '' ? 0 : e.n) + 1)
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, start)
    const before = e.o === 0 || bytes[0] === 0x0a
    const newline = e.h === '' ? await byteAt(handle, e.o + e.n) : bytes[bytesRead - 1]
    const body = bytes.subarray(e.o - start, e.o - start + e.n)
    if (bytesRead !== bytes.length || !before || newline !== 0x0a || (e.h !== '' && lineHash(body) !== e.h)) {
      return `line ${e.l} of the store is not what the index says: the store was rewritten, replaced or edited`
    }
  }
  return undefined
}

async function byteAt(handle: FileHandle, position: number): Promise<number | undefined> {
  const one = Buffer.alloc(1)
  const { bytesRead } = await handle.read(one, 0, 1, position)
  return bytesRead === 1 ? one[0] : undefined
}

/** What scanning part of the store found: an entry per whole line, and the last line when it has no `\n`. */
export interface Scanned {
  entries: IndexEntry[]
  /** The last line when it does not end with `\n`: not indexed (it may still be written), read on every open. */
  tail?: RawLine
}

const CHUNK = 1 << 20

/** Entries for the lines of the store from byte `from` (the start of line `first`) to its end. */
export async function scanFrom(handle: FileHandle, from: number, first: number): Promise<Scanned> {
  const splitter = new LineSplitter(undefined, { first, offset: from, hash: true })
  const entries: IndexEntry[] = []
  const add = (line: RawLine) => entries.push(entryOf({ o: line.start, n: line.bytes, l: line.number, h: line.hash ?? '' }, problemOf(line)))
  let position = from
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK)
    const { bytesRead } = await handle.read(chunk, 0, CHUNK, position)
    if (bytesRead === 0) break
    position += bytesRead
    for (const line of splitter.push(chunk.subarray(0, bytesRead))) add(line)
  }
  const [tail] = [...splitter.end()]
  return { entries, ...(tail ? { tail } : {}) }
}

/** The whole index file for `entries`. */
function serialise(entries: readonly IndexEntry[]): string {
  return [INDEX_HEADER, ...entries.map(encodeEntry)].join('\n') + '\n'
}

/** Writes a whole new index (atomically). */
export async function writeIndex(real: string, entries: readonly IndexEntry[]): Promise<void> {
  await writeFileAtomic(indexPath(real), serialise(entries))
}

/** Adds `entries` to an index file whose whole lines end at byte `bytes` (a torn last line is cut off first). */
export async function appendIndex(real: string, loaded: Pick<Loaded, 'bytes' | 'size'>, entries: readonly IndexEntry[]): Promise<void> {
  if (entries.length === 0) return
  if (loaded.size !== loaded.bytes) await truncate(indexPath(real), loaded.bytes)
  const handle = await open(indexPath(real), 'a')
  try {
    await handle.write(entries.map(encodeEntry).join('\n') + '\n')
  } finally {
    await handle.close()
  }
}

/** Removes the index of a store that was rewritten: the next reader or writer builds it again. */
export async function dropIndex(real: string): Promise<void> {
  await rm(indexPath(real), { force: true })
}

/** The size of the index file, or -1 when it is missing. */
export async function indexSize(real: string): Promise<number> {
  return stat(indexPath(real)).then(
    (s) => s.size,
    (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? -1 : Promise.reject(e)),
  )
}

/**
 * Under the store's lock, after a line was appended: brings the index up to
 * the store's end. Reads only the index's last line and the store's new lines
 * when the index is sound, so an append costs the same at any size; rebuilds
 * it otherwise. Returns a notice when it rebuilt.
 */
export async function updateIndexLocked(real: string): Promise<string | undefined> {
  const handle = await open(real, 'r')
  try {
    const size = (await handle.stat()).size
    const last = await lastIndexEntry(real)
    if (last && !('stale' in last)) {
      const problem = last.entry ? await mismatch(handle, size, [last.entry], 0) : undefined
      if (!problem) {
        const { end, next } = last.entry ? coveredBy([last.entry]) : { end: 0, next: 1 }
        const { entries } = await scanFrom(handle, end, next)
        await appendIndex(real, last, entries)
        return undefined
      }
      return (await rebuild(real, handle, problem)).text
    }
    const notice = await rebuild(real, handle, last ? last.stale : 'there was no index')
    // The first line of a new store needs no notice.
    return last === undefined && notice.runs <= 1 ? undefined : notice.text
  } finally {
    await handle.close()
  }
}

/** Builds the index of the whole store and writes it; returns the notice that says so, and how many runs it holds. */
async function rebuild(real: string, handle: FileHandle, why: string): Promise<{ text: string; runs: number }> {
  const t0 = performance.now()
  const { entries } = await scanFrom(handle, 0, 1)
  await writeIndex(real, entries)
  const runs = entries.filter((e) => e.c === 'r').length
  return { text: builtNotice(real, runs, performance.now() - t0, why), runs }
}

/** The one line that says the index was built, how big and how long it took, and why. */
export function builtNotice(file: string, runs: number, ms: number, why: string): string {
  return `built the history index of ${file} (${runs} run${runs === 1 ? '' : 's'} in ${(ms / 1000).toFixed(1)} s) because ${why}`
}

/** How far back from the end of the index file its last line is looked for. */
const TAIL_CHUNK = 1 << 16

/** The last entry of the index file read from its end, with the file's size and where its whole lines end. */
async function lastIndexEntry(real: string): Promise<({ entry: IndexEntry | undefined } & Pick<Loaded, 'bytes' | 'size'>) | { stale: string } | undefined> {
  let handle: FileHandle
  try {
    handle = await open(indexPath(real), 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    return { stale: `the index cannot be read (${(error as Error).message})` }
  }
  try {
    const size = (await handle.stat()).size
    // An index of another version must not be extended with this version's entries.
    const head = Buffer.alloc(INDEX_HEADER.length + 1)
    await handle.read(head, 0, head.length, 0)
    if (head.toString('latin1') !== `${INDEX_HEADER}\n`) return { stale: 'the index was written by another version' }
    let from = size
    let text = ''
    // Back from the end until the text holds two newlines (or the start): the last whole line.
    while (from > 0) {
      const start = Math.max(0, from - TAIL_CHUNK)
      const piece = Buffer.alloc(from - start)
      await handle.read(piece, 0, piece.length, start)
      text = piece.toString('latin1') + text
      from = start
      const end = text.lastIndexOf('\n')
      if (end >= 0 && (from === 0 || text.lastIndexOf('\n', end - 1) >= 0)) break
    }
    const end = text.lastIndexOf('\n')
    if (end < 0) return { stale: 'the index is empty' }
    const bytes = from + end + 1
    const begin = text.lastIndexOf('\n', end - 1) + 1
    const line = Buffer.from(text.slice(begin, end), 'latin1').toString('utf8')
    if (from + begin === 0) return line === INDEX_HEADER ? { entry: undefined, bytes, size } : { stale: 'the index was written by another version' }
    const entry = decodeEntry(line)
    return entry ? { entry, bytes, size } : { stale: 'the last line of the index is damaged' }
  } finally {
    await handle.close()
  }
}
