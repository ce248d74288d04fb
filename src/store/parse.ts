import { open, type FileHandle } from 'node:fs/promises'
import type { BaselineEvent, RunRecord, StoreRecord } from '../types.js'
import { formatBytes } from '../util/format.js'
import { explain, type StoreWarning } from './errors.js'
import { LineSplitter, MAX_LINE_BYTES, type RawLine } from './lines.js'
import { checkRecord } from './record.js'


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
  for await (const line of fileLines(file)) {
    const problem = problemOf(line)
    if (typeof problem === 'string') warnings.add(line.number, problem)
    else if (problem) yield problem.record
  }
  warnings.finish()
}

/** Every line of the store, read a chunk at a time; a missing file has none. */
async function* fileLines(file: string): AsyncGenerator<RawLine> {
  const splitter = new LineSplitter()
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
      yield* splitter.push(chunk.subarray(0, bytesRead))
    }
  } finally {
    await handle.close().catch((error: unknown) => {
      throw explain(error, file, 'close the history store')
    })
  }
  yield* splitter.end()
}

/** The record on a line, undefined for a blank line, or why the line is skipped. */
export function problemOf(line: RawLine): { record: StoreRecord } | string | undefined {
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
export class WarningLimiter {
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

/**
 * The baseline events of the store, in file order, parsing only the lines that
 * can hold one (bad lines are left to the full read to report).
 */
export async function readEventsOnly(file: string): Promise<BaselineEvent[]> {
  const events: BaselineEvent[] = []
  for await (const line of fileLines(file)) {
    if (!('text' in line) || !line.text.includes('"baseline-event"')) continue
    const content = problemOf(line)
    if (typeof content === 'object' && content.record.kind === 'baseline-event') events.push(content.record)
  }
  return events
}
