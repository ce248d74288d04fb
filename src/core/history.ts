import { testKey } from '../detect/detect.js'
import type { RunRecord, TestResult } from '../types.js'

/** Results kept per test: enough baseline runs for any window, and the recent runs for charts. */
export interface HistoryLimits {
  /** Newest baseline-mode results kept per test (at least the baseline window). */
  baseline: number
  /** Newest results of other runs kept per test (charts, sparklines, accepted runs). */
  other: number
}

type RunMeta = Omit<RunRecord, 'results'>

/** Baseline results per test that keep their raw samples, newest first: the dashboard plots them. */
export const RAW_KEPT = 10

/** A result without its raw samples: what judging and charts need. */
function slim(r: TestResult): TestResult {
  return { ...r, sample: { ...r.sample, raw_wall_ns: [] } }
}

/**
 * Collects, while the store is streamed, the history of a given set of tests
 * with bounded memory: per test, the newest `limits.baseline` baseline results
 * and `limits.other` other results, without raw samples except those of the
 * newest `RAW_KEPT` baseline results.
 */
export class HistoryCollector {
  private readonly meta = new Map<string, RunMeta>()
  private readonly kept = new Map<string, { baseline: { id: string; r: TestResult }[]; other: { id: string; r: TestResult }[] }>()

  constructor(
    private readonly keys: ReadonlySet<string>,
    private readonly limits: HistoryLimits,
    /** Runs after this time (ms) are ignored. */
    private readonly until = Infinity,
    /** A run to leave out (the one being judged). */
    private readonly exclude?: string,
    /** Keep the newest results per test and environment rather than per test. */
    private readonly byEnv = false,
  ) {}

  add(run: RunRecord): void {
    if (run.id === this.exclude || Date.parse(run.time) > this.until) return
    let used = false
    for (const r of run.results) {
      const test = testKey(r.test)
      if (!this.keys.has(test)) continue
      const key = this.byEnv ? `${test}\u0000${r.env_key}` : test
      const slot = this.kept.get(key) ?? { baseline: [], other: [] }
      const list = run.mode === 'baseline' ? slot.baseline : slot.other
      list.push({ id: run.id, r: run.mode === 'baseline' ? r : slim(r) })
      const older = list[list.length - 1 - RAW_KEPT]
      if (run.mode === 'baseline' && older) older.r = slim(older.r)
      const limit = run.mode === 'baseline' ? this.limits.baseline : this.limits.other
      if (list.length > limit * 2) list.splice(0, list.length - limit)
      this.kept.set(key, slot)
      used = true
    }
    if (used && !this.meta.has(run.id)) {
      const { results: _results, ...meta } = run
      this.meta.set(run.id, meta)
    }
  }

  /** The kept history as runs (each with only the kept results), in time order. */
  runs(): RunRecord[] {
    const results = new Map<string, TestResult[]>()
    for (const slot of this.kept.values()) {
      const lists: [typeof slot.baseline, number][] = [
        [slot.baseline, this.limits.baseline],
        [slot.other, this.limits.other],
      ]
      for (const [list, limit] of lists) {
        for (const { id, r } of list.slice(-limit)) results.set(id, [...(results.get(id) ?? []), r])
      }
    }
    return [...results.entries()]
      .map(([id, rs]) => ({ ...this.meta.get(id)!, results: rs }))
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
  }
}
