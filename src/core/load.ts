import { testKey } from '../detect/detect.js'
import { readRecords, type StoreWarning } from '../store/store.js'
import type { BaselineEvent, RunRecord } from '../types.js'
import { HistoryCollector, type HistoryLimits } from './history.js'

export interface LoadedRun {
  /** The run asked for (by id or id prefix), or the latest run. */
  record: RunRecord
  /** Earlier runs of its tests, bounded per test, then the run itself last. */
  runs: RunRecord[]
  events: BaselineEvent[]
  warnings: StoreWarning[]
}

/**
 * Streams the store twice with bounded memory: once to find the run (and the
 * baseline events), once to keep the history of its tests up to its time.
 * Without an id, A/B runs are passed over; by id, one is judged against the history like any compare run.
 * Returns undefined when there is no such run.
 */
export async function loadRunForJudging(file: string, limits: HistoryLimits, runId?: string): Promise<LoadedRun | undefined> {
  const warnings: StoreWarning[] = []
  const events: BaselineEvent[] = []
  let record: RunRecord | undefined
  for await (const item of readRecords(file, (w) => warnings.push(w))) {
    if (item.kind === 'baseline-event') events.push(item)
    // The latest run is the latest history run: an A/B run is judged against its base when it is made.
    else if ((runId === undefined && !item.ab) || (runId !== undefined && record === undefined && (item.id === runId || item.id.startsWith(runId)))) record = item
  }
  if (!record) return undefined
  const collector = new HistoryCollector(new Set(record.results.map((r) => testKey(r.test))), limits, Date.parse(record.time), record.id)
  for await (const item of readRecords(file, () => {})) if (item.kind === 'run') collector.add(item)
  return { record, runs: [...collector.runs(), record], events, warnings }
}
