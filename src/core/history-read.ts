/**
 * Reading what a run is judged against, through the store's index when it can
 * (see store/index-view.ts) and by reading every line when it cannot or is told
 * not to (`PERF_REGRESSION_NO_INDEX=1`). Both feed the same `HistoryCollector`
 * in file order, so both give the same history and the same verdicts.
 */
import { testKey } from '../detect/identity.js'
import { envOf, keyHash, selectLines, type RunEntry } from '../store/index-format.js'
import { eachLine, openIndex, readEvents, readLines, StaleIndexError, type IndexView } from '../store/index-view.js'
import { NO_INDEX_ENV, readEventsOnly, readRecords, type StoreWarning } from '../store/store.js'
import type { BaselineEvent, RunRecord, TestResult } from '../types.js'
import { HistoryCollector, RAW_KEPT, type HistoryLimits } from './history.js'

/** Which history to read: the tests (by `testKey`), how much of each, and what to leave out. */
export interface HistoryQuery {
  keys: ReadonlySet<string>
  limits: HistoryLimits
  /** Runs after this time (ms) are left out. */
  until?: number
  /** A run to leave out (the one being judged). */
  exclude?: string
  /** Bound the history per test and environment rather than per test. */
  byEnv?: boolean
}

export interface HistoryRead {
  /** The kept history as runs, oldest first (see `HistoryCollector.runs`). */
  runs: RunRecord[]
  events: BaselineEvent[]
  warnings: StoreWarning[]
}

/** Whether reads go through the index (`PERF_REGRESSION_NO_INDEX=1` turns it off). */
export function indexEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[NO_INDEX_ENV] !== '1'
}

/**
 * Opens the index and runs `read` on it; when the store changed under the
 * index, rebuilds it once and reads again, so `read` must start afresh each time.
 */
async function withView<T>(file: string, read: (view: IndexView) => Promise<T>): Promise<T> {
  const view = await openIndex(file)
  try {
    return await read(view)
  } catch (error) {
    if (!(error instanceof StaleIndexError)) throw error
    return read(await openIndex(file, { rebuild: true }))
  }
}

/** The history of `query.keys` with the baseline events and the store's warnings. */
export async function readHistory(file: string, query: HistoryQuery, useIndex = indexEnabled()): Promise<HistoryRead> {
  const collector = (events: readonly BaselineEvent[]) => new HistoryCollector(query.keys, query.limits, query.until ?? Infinity, query.exclude, query.byEnv, acceptedRuns(events))
  if (!useIndex) {
    // The events first (only their lines are parsed), so that the runs they accept are kept whatever their age.
    const events = query.keys.size > 0 ? await readEventsOnly(file) : []
    const kept = collector(events)
    const warnings: StoreWarning[] = []
    const all: BaselineEvent[] = []
    for await (const item of readRecords(file, (w) => warnings.push(w))) {
      if (item.kind === 'baseline-event') all.push(item)
      else if (query.keys.size > 0) kept.add(item)
    }
    return { runs: kept.runs(), events: all, warnings }
  }
  // A fresh collector for each attempt: a read that found the index stale may have added runs.
  return withView(file, async (view) => {
    const events = await readEvents(view)
    const kept = collector(events)
    const pinned = acceptedRuns(events)
    const chosen = query.keys.size === 0 ? [] : selectLines(view.entries, { keys: hashes(query.keys), baseline: query.limits.baseline, other: query.limits.other, raw: RAW_KEPT, pinned, ...pick(query) })
    for await (const record of eachLine(view, chosen)) if (record.kind === 'run') kept.add(record)
    if (view.tail?.kind === 'run' && query.keys.size > 0) kept.add(view.tail)
    return { runs: kept.runs(), events, warnings: view.warnings }
  })
}

/** The runs that accept events name. */
function acceptedRuns(events: readonly BaselineEvent[]): Set<string> {
  return new Set(events.flatMap((e) => (e.action === 'accept' && e.run_id !== undefined ? [e.run_id] : [])))
}

function hashes(keys: ReadonlySet<string>): Set<string> {
  return new Set([...keys].map(keyHash))
}

function pick(query: HistoryQuery): { until?: number; exclude?: string; byEnv?: boolean } {
  return {
    ...(query.until !== undefined ? { until: query.until } : {}),
    ...(query.exclude !== undefined ? { exclude: query.exclude } : {}),
    ...(query.byEnv ? { byEnv: true } : {}),
  }
}

/**
 * The run asked for by id or id prefix (the first in the file that matches), or
 * without one the latest run that is not an A/B run; undefined when there is none.
 */
export async function findRun(file: string, runId: string | undefined, useIndex = indexEnabled()): Promise<{ record: RunRecord; warnings: StoreWarning[] } | undefined> {
  const matches = (id: string, ab: boolean) => (runId === undefined ? !ab : id === runId || id.startsWith(runId))
  if (!useIndex) {
    const warnings: StoreWarning[] = []
    let record: RunRecord | undefined
    for await (const item of readRecords(file, (w) => warnings.push(w))) {
      if (item.kind === 'run' && matches(item.id, item.ab !== undefined) && (runId === undefined || record === undefined)) record = item
    }
    return record && { record, warnings }
  }
  return withView(file, async (view) => {
    const tail = view.tail?.kind === 'run' ? view.tail : undefined
    const runs = view.entries.filter((e): e is RunEntry => e.c === 'r' && matches(e.id, e.ab === 1))
    const entry = runId === undefined ? runs.at(-1) : runs[0]
    if (tail && matches(tail.id, tail.ab !== undefined) && (runId === undefined || !entry)) return { record: tail, warnings: view.warnings }
    if (!entry) return undefined
    const [record] = await readLines(view, [{ entry, raw: true }])
    return { record: record as RunRecord, warnings: view.warnings }
  })
}

/**
 * The newest result of every test and environment in the store (for `history`
 * and `baseline show`), without raw samples, oldest first by where it was last seen.
 */
export async function latestResults(file: string, useIndex = indexEnabled()): Promise<{ latest: TestResult[]; warnings: StoreWarning[] }> {
  let latest = new Map<string, TestResult>()
  const add = (run: RunRecord) => {
    for (const r of run.results) {
      const key = `${testKey(r.test)}\u0000${r.env_key}`
      latest.delete(key)
      latest.set(key, { ...r, sample: { ...r.sample, raw_wall_ns: [] } })
    }
  }
  if (!useIndex) {
    const warnings: StoreWarning[] = []
    for await (const item of readRecords(file, (w) => warnings.push(w))) if (item.kind === 'run') add(item)
    return { latest: [...latest.values()], warnings }
  }
  return withView(file, async (view) => {
    latest = new Map()
    // The newest line of each test and environment; older lines cannot hold a newer result.
    const seen = new Set<string>()
    const chosen: { entry: RunEntry; raw: boolean }[] = []
    const entries = view.entries.filter((e): e is RunEntry => e.c === 'r')
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!
      let take = false
      entry.k.forEach((hash, j) => {
        const slot = `${hash}\u0000${envOf(entry, j)}`
        if (!seen.has(slot)) (seen.add(slot), (take = true))
      })
      if (take) chosen.push({ entry, raw: false })
    }
    for await (const record of eachLine(view, chosen.reverse())) if (record.kind === 'run') add(record)
    if (view.tail?.kind === 'run') add(view.tail)
    return { latest: [...latest.values()], warnings: view.warnings }
  })
}
