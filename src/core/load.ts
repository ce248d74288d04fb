import { testKey } from '../detect/detect.js'
import type { StoreWarning } from '../store/store.js'
import type { BaselineEvent, RunRecord } from '../types.js'
import type { HistoryLimits } from './history.js'
import { findRun, indexEnabled, readHistory } from './history-read.js'

export interface LoadedRun {
  /** The run asked for (by id or id prefix), or the latest run. */
  record: RunRecord
  /** Earlier runs of its tests, bounded per test, then the run itself last. */
  runs: RunRecord[]
  events: BaselineEvent[]
  warnings: StoreWarning[]
}

/**
 * Finds the run, then reads the history of its tests up to its time, with
 * bounded memory (through the store's index unless `useIndex` is false).
 * Without an id, A/B runs are passed over; by id, one is judged against the history like any compare run.
 * Returns undefined when there is no such run.
 */
export async function loadRunForJudging(file: string, limits: HistoryLimits, runId?: string, useIndex = indexEnabled()): Promise<LoadedRun | undefined> {
  const found = await findRun(file, runId, useIndex)
  if (!found) return undefined
  const { record } = found
  const keys = new Set(record.results.map((r) => testKey(r.test)))
  const read = await readHistory(file, { keys, limits, until: Date.parse(record.time), exclude: record.id }, useIndex)
  return { record, runs: [...read.runs, record], events: read.events, warnings: read.warnings }
}
