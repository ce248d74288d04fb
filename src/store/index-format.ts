/**
 * The history index, as data: one entry per line of the store saying where the
 * line is (byte offset, length, line number, a hash of its bytes) and what a
 * reader needs to choose lines without parsing them (for a run: its id, time,
 * mode, whether it is an A/B run, and a hash of each test it measured with the
 * test's environment). The values themselves are never in the index: the chosen
 * lines are read from the store, which stays the only source of truth. Pure.
 */
import { testKey } from '../detect/identity.js'
import { SCHEMA_VERSION, type StoreRecord } from '../types.js'

/**
 * The version of the index format and of what makes a line valid: an entry
 * says its line was a valid record, and a reader that finds the line's bytes
 * unchanged (same hash) trusts that instead of checking the line again. Raise
 * it with any change to the record schema's rules, so older indexes are rebuilt.
 */
export const INDEX_VERSION = 1

/** The index file's first line. A different first line makes the index stale. */
export const INDEX_HEADER = `{"perf-regression-index":${INDEX_VERSION},"schema":${SCHEMA_VERSION}}`

interface Place {
  /** Byte offset of the line in the store. */
  o: number
  /** The line's length in bytes, without its `\n`. */
  n: number
  /** 1-based line number. */
  l: number
  /** `lineHash` of the line's bytes; empty for a line over the length cap. */
  h: string
}

/** A line of the store that holds a valid run. */
export interface RunEntry extends Place {
  c: 'r'
  id: string
  /** The run's time, in ms since the epoch. */
  t: number
  m: string
  /** 1 for an A/B run. */
  ab?: 1
  /** `keyHash(testKey(test))` of each result, in the run's order. */
  k: string[]
  /** The distinct `env_key`s of the results. */
  x: string[]
  /** Per result, its `env_key`'s place in `x`; absent when `x` has one key. */
  v?: number[]
}

/** Any line of the store: a run, a baseline event, a blank line, or a line that is not a valid record (with why). */
export type IndexEntry = RunEntry | (Place & { c: 'e' }) | (Place & { c: 'b' }) | (Place & { c: 'w'; w: string })

/**
 * A 53-bit hash of a string (cyrb53), in base 36. Two test keys sharing one
 * only make a reader parse more lines than it needs (see `selectLines`); at
 * 10,000 tests the chance of any pair doing so is about 10⁻⁸.
 */
export function keyHash(text: string): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)
}

/** The entry of a line, from where it is and what it held (a record, nothing, or why it was skipped). */
export function entryOf(place: Place, content: { record: StoreRecord } | string | undefined): IndexEntry {
  const at = { o: place.o, n: place.n, l: place.l, h: place.h }
  if (content === undefined) return { ...at, c: 'b' }
  if (typeof content === 'string') return { ...at, c: 'w', w: content }
  const record = content.record
  if (record.kind === 'baseline-event') return { ...at, c: 'e' }
  const envs: string[] = []
  const places: number[] = []
  for (const r of record.results) {
    let i = envs.indexOf(r.env_key)
    if (i < 0) i = envs.push(r.env_key) - 1
    places.push(i)
  }
  return {
    ...at,
    c: 'r',
    id: record.id,
    t: Date.parse(record.time),
    m: record.mode,
    ...(record.ab ? { ab: 1 as const } : {}),
    k: record.results.map((r) => keyHash(testKey(r.test))),
    x: envs,
    ...(envs.length > 1 ? { v: places } : {}),
  }
}

/** One entry as a line of the index file (without the `\n`). */
export function encodeEntry(entry: IndexEntry): string {
  return JSON.stringify(entry)
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0
const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string')

/** The entry on a line of the index file, or undefined when the line is not one (the index is then stale). */
export function decodeEntry(text: string): IndexEntry | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const e = value as Record<string, unknown>
  if (!isCount(e.o) || !isCount(e.n) || !isCount(e.l) || e.l < 1 || typeof e.h !== 'string') return undefined
  if (e.c === 'e' || e.c === 'b') return e as unknown as IndexEntry
  if (e.c === 'w') return typeof e.w === 'string' ? (e as unknown as IndexEntry) : undefined
  if (e.c !== 'r' || typeof e.id !== 'string' || typeof e.t !== 'number' || typeof e.m !== 'string' || !isStrings(e.k) || !isStrings(e.x) || (e.x.length === 0 && e.k.length > 0)) return undefined
  if (e.ab !== undefined && e.ab !== 1) return undefined
  if (e.v === undefined ? e.x.length !== 1 && e.k.length > 0 : !Array.isArray(e.v) || e.v.length !== e.k.length || !e.v.every((i) => isCount(i) && i < (e.x as string[]).length)) return undefined
  return e as unknown as RunEntry
}

/** Where the index says the next line of the store starts, and its number. */
export function coveredBy(entries: readonly IndexEntry[]): { end: number; next: number } {
  const last = entries.at(-1)
  return last ? { end: last.o + last.n + 1, next: last.l + 1 } : { end: 0, next: 1 }
}

/** The env_key of result `i` of a run entry. */
export function envOf(entry: RunEntry, i: number): string {
  return entry.x[entry.v ? entry.v[i]! : 0]!
}

/** What a reader keeps per test (see `HistoryCollector`): the newest baseline-mode and other results, and raw samples of the newest few baselines. */
export interface Selection {
  /** `keyHash(testKey(test))` of the tests wanted. */
  keys: ReadonlySet<string>
  baseline: number
  other: number
  /** Newest baseline-mode results per test whose raw samples are kept. */
  raw: number
  /** Count per test and environment rather than per test. */
  byEnv?: boolean
  /** Runs after this time (ms) are left out. */
  until?: number
  /** A run id to leave out. */
  exclude?: string
  /** Runs chosen whenever they measured a wanted test, not counted against the bounds (see `HistoryCollector`). */
  pinned?: ReadonlySet<string>
}

/**
 * The run entries a reader must parse to keep what `selection` asks for, in
 * file order, each with whether its raw samples are needed. A line is chosen
 * when it holds one of the newest `baseline` baseline-mode (or `other` other)
 * runs of a wanted test, counted per line: a superset of the newest results,
 * since a run can measure a test twice, so the reader's own bounds still decide
 * what is kept and the verdicts are those of reading every line.
 */
export function selectLines(entries: readonly IndexEntry[], selection: Selection): { entry: RunEntry; raw: boolean }[] {
  // Counters per wanted test (and environment) in typed arrays; `stamp` marks the slots already counted for this line.
  const slots = new Map<string, number>()
  const slotOf = (key: string) => {
    let slot = slots.get(key)
    if (slot === undefined) slots.set(key, (slot = slots.size))
    return slot
  }
  let baselines: Int32Array = new Int32Array(64)
  let others: Int32Array = new Int32Array(64)
  let stamp: Int32Array = new Int32Array(64).fill(-1)
  const chosen: { entry: RunEntry; raw: boolean }[] = []
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!
    if (entry.c !== 'r' || entry.id === selection.exclude || (selection.until !== undefined && entry.t > selection.until)) continue
    if (selection.pinned?.has(entry.id)) {
      if (entry.k.some((hash) => selection.keys.has(hash))) chosen.push({ entry, raw: false })
      continue
    }
    const baseline = entry.m === 'baseline'
    let take = false
    let raw = false
    for (let j = 0; j < entry.k.length; j++) {
      const hash = entry.k[j]!
      if (!selection.keys.has(hash)) continue
      const slot = slotOf(selection.byEnv ? `${hash}\u0000${envOf(entry, j)}` : hash)
      if (slot >= stamp.length) [baselines, others, stamp] = [grow(baselines, 0), grow(others, 0), grow(stamp, -1)]
      if (stamp[slot] === i) continue
      stamp[slot] = i
      if (baseline) {
        if (baselines[slot]! < selection.raw) raw = true
        if (baselines[slot]!++ < selection.baseline) take = true
      } else if (others[slot]!++ < selection.other) take = true
    }
    if (take) chosen.push({ entry, raw })
  }
  return chosen.reverse()
}

function grow(array: Int32Array, fill: number): Int32Array {
  const bigger = new Int32Array(array.length * 2).fill(fill)
  bigger.set(array)
  return bigger
}
