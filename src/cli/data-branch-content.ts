/**
 * The history file as it travels to and from the data branch: valid records,
 * merged by record id, and the lines that are not valid records, kept byte for
 * byte (a corrupt line, or a record of a newer schema, is never lost on the way).
 * Pure: bytes in, bytes out.
 */
import { mergeRecords } from '../store/maintenance.js'
import { MAX_LINE_BYTES } from '../store/lines.js'
import { checkRecord } from '../store/record.js'
import type { StoreRecord } from '../types.js'

/** A line that is not a valid record, as it was. */
export interface InvalidLine {
  /** 1-based line number in the file it came from. */
  line: number
  /** The line's bytes, without its newline. */
  bytes: Buffer
  /** Why it is not a valid record. */
  message: string
}

export interface StoreContent {
  records: StoreRecord[]
  invalid: InvalidLine[]
}

/** Why `bytes` (one line) is not a record, or the record; undefined for a blank line. */
function lineOf(bytes: Buffer, terminated: boolean): { record: StoreRecord } | string | undefined {
  if (bytes.length > MAX_LINE_BYTES) return `longer than ${MAX_LINE_BYTES} bytes, far more than any record`
  let text = bytes.toString('utf8')
  while (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.trim() === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return terminated ? 'not valid JSON' : 'the last line is cut short (an interrupted write?)'
  }
  const checked = checkRecord(value)
  return checked.ok ? { record: checked.record } : checked.reason
}

/** Splits a history file into its valid records and its other lines (blank lines dropped). */
export function parseContent(data: Buffer): StoreContent {
  const records: StoreRecord[] = []
  const invalid: InvalidLine[] = []
  let start = 0
  for (let number = 1; start < data.length; number++) {
    const nl = data.indexOf(0x0a, start)
    const end = nl === -1 ? data.length : nl
    const bytes = data.subarray(start, end)
    const found = lineOf(bytes, nl !== -1)
    if (typeof found === 'string') invalid.push({ line: number, bytes: Buffer.from(bytes), message: found })
    else if (found) records.push(found.record)
    start = end + 1
  }
  return { records, invalid }
}

export interface MergedContent {
  /** The merged file: records in time order, then the kept invalid lines, each ending with a newline. */
  data: Buffer
  /** Records in `data`. */
  records: number
  /** Records of `incoming` that `base` did not have, by kind. */
  added: { runs: number; events: number }
  /** Records of `base` that `incoming` did not have. */
  onlyInBase: number
  /** Ids found in both with different content; `base`'s copy is kept. */
  conflicts: string[]
  /** Invalid lines written to `data`. */
  invalid: number
  /** Invalid lines of `incoming` left out (`keepIncomingInvalid: false`) because `base` does not have them. */
  leftOut: InvalidLine[]
}

const key = (line: InvalidLine) => line.bytes.toString('latin1')

/**
 * `base` with the records of `incoming` that it lacks (by record id, as `merge` does:
 * `base`'s copy wins a conflict). `base`'s invalid lines are always kept; those of
 * `incoming` only with `keepIncomingInvalid`, each distinct line once.
 */
export function mergeContents(base: StoreContent, incoming: StoreContent, options: { keepIncomingInvalid: boolean }): MergedContent {
  const merged = mergeRecords([base.records, incoming.records])
  const inBase = new Set(base.records.map((r) => r.id))
  const inIncoming = new Set(incoming.records.map((r) => r.id))
  const added = { runs: 0, events: 0 }
  const counted = new Set<string>()
  for (const r of incoming.records) {
    if (inBase.has(r.id) || counted.has(r.id)) continue
    counted.add(r.id)
    if (r.kind === 'run') added.runs++
    else added.events++
  }
  const onlyInBase = new Set(base.records.filter((r) => !inIncoming.has(r.id)).map((r) => r.id)).size
  const seen = new Set<string>()
  const invalid: Buffer[] = []
  const leftOut: InvalidLine[] = []
  for (const line of base.invalid) {
    if (seen.has(key(line))) continue
    seen.add(key(line))
    invalid.push(line.bytes)
  }
  for (const line of incoming.invalid) {
    if (seen.has(key(line))) continue
    seen.add(key(line))
    if (options.keepIncomingInvalid) invalid.push(line.bytes)
    else leftOut.push(line)
  }
  const newline = Buffer.from('\n')
  const parts: Buffer[] = merged.records.map((r) => Buffer.from(JSON.stringify(r) + '\n', 'utf8'))
  for (const bytes of invalid) parts.push(bytes, newline)
  return {
    data: Buffer.concat(parts),
    records: merged.records.length,
    added,
    onlyInBase,
    conflicts: merged.conflictIds,
    invalid: invalid.length,
    leftOut,
  }
}
