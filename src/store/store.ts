import { open } from 'node:fs/promises'
import type { RunRecord, StoreRecord } from '../types.js'
import { explain } from './errors.js'
import { printable } from '../report/printable.js'
import { dropIndex, updateIndexLocked } from './index-file.js'
import { withStoreLock } from './lock.js'

export { StoreError, type StoreWarning } from './errors.js'
export { LINE_WARNINGS, readEventsOnly, readRecords, readRuns, readStore } from './parse.js'
export { withStoreLock } from './lock.js'
export { dropIndex } from './index-file.js'

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
    await keepIndex(file, real)
  })
}

/**
 * Brings the history index up to the line just appended (see index-file.ts).
 * The line is stored whatever happens here: an index that cannot be updated
 * is removed, with a notice, and built again by the next reader.
 */
async function keepIndex(file: string, real: string): Promise<void> {
  try {
    const notice = process.env[NO_INDEX_ENV] === '1' ? undefined : await updateIndexLocked(real)
    if (notice) process.stderr.write(`perf-regression: ${printable(notice)}\n`)
  } catch (error) {
    const removed = await dropIndex(real).then(() => 'removed it', (e: unknown) => `could not remove it either (${(e as Error).message})`)
    process.stderr.write(`perf-regression: warning: ${printable(`the run is stored in ${file}, but updating its index failed (${(error as Error).message}); ${removed}, and the next read builds it again`)}\n`)
  }
}

/** Set to 1 to read and write the store without its index (every read then parses every line). */
export const NO_INDEX_ENV = 'PERF_REGRESSION_NO_INDEX'

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
