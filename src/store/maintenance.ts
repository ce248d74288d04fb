import { stat } from 'node:fs/promises'
import type { ResolvedConfig } from '../config/options.js'
import { allBaselines, baselineStarts, type BaselineStarts } from '../detect/baseline.js'
import { testKey } from '../detect/identity.js'
import type { BaselineEvent, RunRecord, StoreRecord } from '../types.js'
import { checkRecord } from './record.js'
import { FolderSyncError, writeFileAtomic } from '../util/atomic.js'
import { dropIndex } from './index-file.js'
import { readRecords, StoreError, withStoreLock } from './store.js'

const DAY = 86_400_000

export interface PruneOptions {
  /** Drop runs that finished more than this many days before `now`. */
  keepDays?: number
  /** Drop runs beyond the newest `keepRuns` (by time; on equal times, later in the store is newer). */
  keepRuns?: number
  now: Date
  /** `minSamples` is not needed to pick baselines (pruning never shrinks one); it is accepted for symmetry with `detect`. */
  config: Pick<ResolvedConfig, 'baselineWindow' | 'minSamples'>
}

export interface PrunePlan {
  /** The records to keep, in their original order. */
  keep: StoreRecord[]
  /** Records (runs and baseline events) left out: `keep.length + dropped === records.length`. */
  dropped: number
  /** Runs the keepDays/keepRuns policy would drop but that are kept because a current baseline needs them. */
  keptForBaseline: number
}

/**
 * Plans a prune of the store. Pure. A run is dropped when it is older than
 * `keepDays` or beyond the newest `keepRuns` runs, unless it is part of the
 * baseline `detect()` would use at `now` for some test and environment (or is
 * an accepted run that fences off older runs still kept), so pruning never
 * changes a verdict at `now`; only the count of other environments'
 * runs that a `new` verdict mentions can shrink (never to 0). Re-judging an old
 * stored run (`report --run`) sees less history. Baseline events kept: those
 * after `now`, the latest reset, and the accepts that still count whose run is
 * kept; the others have no effect any more and are dropped.
 */
export function planPrune(records: readonly StoreRecord[], options: PruneOptions): PrunePlan {
  const { keepDays, keepRuns, now, config } = options
  if (keepDays === undefined && keepRuns === undefined) {
    throw new Error('perf-regression: prune needs keepDays or keepRuns (or both) to know what to drop')
  }
  if (keepDays !== undefined && !(Number.isFinite(keepDays) && keepDays >= 0)) {
    throw new Error(`perf-regression: keepDays must be a number of days, 0 or more (got ${String(keepDays)})`)
  }
  if (keepRuns !== undefined && !(Number.isInteger(keepRuns) && keepRuns >= 0)) {
    throw new Error(`perf-regression: keepRuns must be a whole number, 0 or more (got ${String(keepRuns)})`)
  }
  const nowMs = now.getTime()
  if (Number.isNaN(nowMs)) throw new Error('perf-regression: prune needs a valid `now` date')

  const runs = records.filter((r): r is RunRecord => r.kind === 'run')
  const events = records.filter((r): r is BaselineEvent => r.kind === 'baseline-event')

  // What the retention policy alone keeps.
  const policy = new Set<RunRecord>(runs)
  if (keepDays !== undefined) {
    const cutoff = nowMs - keepDays * DAY
    for (const run of runs) if (Date.parse(run.time) < cutoff) policy.delete(run)
  }
  if (keepRuns !== undefined) {
    const newestFirst = runs.map((run, i) => ({ run, i, t: Date.parse(run.time) })).sort((a, b) => b.t - a.t || b.i - a.i)
    for (const { run } of newestFirst.slice(keepRuns)) policy.delete(run)
  }

  const starts = baselineStarts(runs, events, nowMs)
  const kept = new Set<RunRecord>(policy)
  for (const run of currentBaselineRuns(runs, starts, nowMs, config.baselineWindow)) kept.add(run)
  for (const run of fences(runs, kept, starts)) kept.add(run)

  const keepEvents = new Set<BaselineEvent>(events.filter((e) => Date.parse(e.time) > nowMs))
  if (starts.latestReset) keepEvents.add(starts.latestReset)
  for (const [event, run] of starts.effectiveAccepts) if (kept.has(run)) keepEvents.add(event)

  const keep = records.filter((r) => (r.kind === 'run' ? kept.has(r) : keepEvents.has(r)))
  let keptForBaseline = 0
  for (const run of kept) if (!policy.has(run)) keptForBaseline++
  return { keep, dropped: records.length - keep.length, keptForBaseline }
}

/** Every run in the baseline `detect()` would pick at `now`, for every test key and environment in the store. */
function currentBaselineRuns(runs: readonly RunRecord[], starts: BaselineStarts, now: number, window: { runs: number; days: number }): Set<RunRecord> {
  const out = new Set<RunRecord>()
  for (const list of allBaselines(runs, { now, window, starts }).values()) for (const { run } of list) out.add(run)
  return out
}

/**
 * Accepted runs that must stay because they start a test's baseline and a
 * kept run older than them measured that test: without them, that older run
 * could become a baseline again. Repeats until nothing changes, since a fence
 * kept for one test can be an older run for another.
 */
function fences(runs: readonly RunRecord[], kept: ReadonlySet<RunRecord>, starts: BaselineStarts): RunRecord[] {
  const all = new Set(kept)
  const added: RunRecord[] = []
  const candidates = [...starts.effectiveAccepts.values()]
  for (let changed = true; changed; ) {
    changed = false
    for (const [key, start] of starts.startOf) {
      const fencesOfKey = candidates.filter((a) => Date.parse(a.time) === start && a.results.some((r) => testKey(r.test) === key))
      if (fencesOfKey.length === 0 || fencesOfKey.some((a) => all.has(a))) continue
      const needed = runs.some((run) => all.has(run) && Date.parse(run.time) < start && run.results.some((r) => testKey(r.test) === key))
      if (!needed) continue
      all.add(fencesOfKey[0]!)
      added.push(fencesOfKey[0]!)
      changed = true
    }
  }
  return added
}

export interface MergeResult {
  /** Every distinct record, ordered by time; records with equal times keep their source order. */
  records: StoreRecord[]
  /** Exact copies of an earlier record that were left out. */
  duplicates: number
  /** Records left out because an earlier record has the same id but different content (the first one wins). */
  conflicts: number
  /** The ids that had conflicting copies, each once. */
  conflictIds: string[]
}

/**
 * Merges stores (for example the history of two CI branches). Pure. Records
 * are deduplicated by id: the first occurrence wins, exact copies count as
 * `duplicates`, copies with different content as `conflicts`. Key order does
 * not matter when comparing content.
 */
export function mergeRecords(sources: readonly (readonly StoreRecord[])[]): MergeResult {
  const first = new Map<string, { record: StoreRecord; canonical: string }>()
  const order: { record: StoreRecord; time: number; index: number }[] = []
  let duplicates = 0
  let conflicts = 0
  const conflictIds = new Set<string>()
  for (const source of sources) {
    for (const record of source) {
      const canonical = canonicalJson(record)
      const seen = first.get(record.id)
      if (seen) {
        if (seen.canonical === canonical) duplicates++
        else {
          conflicts++
          conflictIds.add(record.id)
        }
        continue
      }
      first.set(record.id, { record, canonical })
      order.push({ record, time: Date.parse(record.time), index: order.length })
    }
  }
  order.sort((a, b) => a.time - b.time || a.index - b.index)
  return { records: order.map((o) => o.record), duplicates, conflicts, conflictIds: [...conflictIds] }
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}

export interface CompactResult {
  /** Valid records read. */
  before: number
  /** Records written. */
  after: number
  /**
   * Lines that were not valid records and are now gone (1-based line numbers of the old file).
   * After the first few, one entry sums up the rest: `count` lines from `line` on.
   */
  droppedLines: { line: number; message: string; count?: number }[]
}

/** A StoreError for a failed compaction (a StoreError of the lock or of reading passes through as it is). */
function fail(file: string, doing: string, error: unknown, hint?: string): StoreError {
  if (error instanceof StoreError) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const why =
    hint ??
    (code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
      ? 'the folder of the store must be writable to compact it'
      : code === 'ENOSPC' || code === 'EDQUOT'
        ? 'compaction writes a full copy first; free some space'
        : 'see the cause below')
  const reason = error instanceof Error ? error.message : String(error)
  return new StoreError(`perf-regression: cannot ${doing} ${file}: ${reason} (the store is unchanged; ${why})`, file, { cause: error })
}

/**
 * Rewrites the store with `transform` applied to its valid records: the only
 * operation that ever rewrites it. Holds the append lock throughout, so
 * concurrent appends land before or after, never lost. The new content is
 * written with `writeFileAtomic` next to the real file (a store reached through
 * a symbolic link stays a link), so on any error (the transform throwing
 * included) the store is left byte-identical and no temporary file stays.
 * Lines that are not valid records are dropped and reported. A missing store
 * reads as empty, and is not created when the result is empty.
 */
export async function compactStore(
  file: string,
  transform: (records: StoreRecord[]) => StoreRecord[],
): Promise<CompactResult> {
  return withStoreLock(file, async (real) => {
    try {
      const droppedLines: CompactResult['droppedLines'] = []
      const records: StoreRecord[] = []
      for await (const record of readRecords(real, ({ line, message, count }) => droppedLines.push({ line, message, ...(count ? { count } : {}) }))) records.push(record)
      const exists = await stat(real).then(() => true, (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? false : Promise.reject(e)))
      let output: StoreRecord[]
      try {
        output = transform(records)
        output.forEach((record, i) => {
          const checked = checkRecord(JSON.parse(JSON.stringify(record)))
          if (!checked.ok) throw new Error(`the transform returned an invalid record at index ${i}: ${checked.reason}`)
        })
      } catch (error) {
        throw fail(file, 'compact the history store', error, 'fix the transform and try again')
      }
      const result = { before: records.length, after: output.length, droppedLines }
      // The lines move: the index goes first (a reader cannot save one meanwhile: this holds the lock), and the next reader builds it again.
      await dropIndex(real)
      if (exists || output.length > 0) await writeFileAtomic(real, output.map((r) => JSON.stringify(r) + '\n').join(''))
      return result
    } catch (error) {
      throw error instanceof FolderSyncError
        ? new StoreError(`perf-regression: compacted ${file}, but ${error.message}`, file, { cause: error })
        : fail(file, 'compact the history store', error)
    }
  })
}
