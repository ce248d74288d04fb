/**
 * Reading and checking the generated stores of the fuzz tests (fuzz-records.ts).
 * Plain checks that collect problems, so that 10,000 stores stay fast.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { UNPRINTABLE } from '../../src/report/terminal.js'
import { LINE_WARNINGS, readRecords, type StoreWarning } from '../../src/store/store.js'
import type { StoreRecord } from '../../src/types.js'
import type { Store } from './fuzz-records.js'

export interface Read {
  records: StoreRecord[]
  warnings: StoreWarning[]
}

export async function readAll(file: string): Promise<Read> {
  const records: StoreRecord[] = []
  const warnings: StoreWarning[] = []
  for await (const r of readRecords(file, (w) => warnings.push(w))) records.push(r)
  return { records, warnings }
}

/**
 * What is wrong with what the reader returned for a generated store: a valid
 * record lost or changed, a bad line not reported, or warnings that are too many,
 * too long, unprintable or about a line that is fine.
 */
export function storeProblems(got: Read, want: Store): string[] {
  const problems: string[] = []
  if (!isDeepStrictEqual(got.records, want.records)) {
    problems.push(`read ${got.records.length} records, ${want.records.length} valid ones were written`)
  }
  const counted = got.warnings.reduce((n, w) => n + (w.count ?? 1), 0)
  if (counted !== want.bad.length) problems.push(`warnings stand for ${counted} lines, ${want.bad.length} lines are bad`)
  if (got.warnings.length > LINE_WARNINGS + 1) problems.push(`${got.warnings.length} warnings for one store`)
  for (const w of got.warnings) {
    if (!want.bad.includes(w.line)) problems.push(`a warning about line ${w.line}, which is fine: ${w.message}`)
    if (w.message.length >= 300) problems.push(`a warning of ${w.message.length} characters`)
    if (w.message.match(UNPRINTABLE)) problems.push(`an unprintable warning: ${JSON.stringify(w.message)}`)
  }
  return problems
}

/**
 * A temporary folder for the fuzz stores: in memory (/dev/shm) where there is one, since the
 * commands that rewrite the store sync it and its folder, which costs milliseconds on a disk.
 */
export async function fuzzDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()
  const dir = await mkdtemp(path.join(base, 'perf-regression-fuzz-'))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}
