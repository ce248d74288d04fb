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

/** A kept result: its run, where the run came in the store (`seq`) and where the result is in the run (`at`). */
interface Kept {
  id: string
  seq: number
  at: number
  r: TestResult
}

/** Baseline results per test that keep their raw samples, newest first: the dashboard plots them. */
export const RAW_KEPT = 10

/** A result without its raw samples: what judging and charts need. */
function slim(r: TestResult): TestResult {
  return r.sample.raw_wall_ns.length === 0 ? r : { ...r, sample: { ...r.sample, raw_wall_ns: [] } }
}

/**
 * Collects, while the store is streamed, the history of a given set of tests
 * with bounded memory: per test, the newest `limits.baseline` baseline results
 * and `limits.other` other results, without raw samples except those of the
 * newest `RAW_KEPT` baseline results; and every result of the `pinned` runs.
 */
export class HistoryCollector {
  private readonly meta = new Map<string, RunMeta>()
  private readonly kept = new Map<string, { baseline: Kept[]; other: Kept[] }>()
  /** Runs added so far: where each kept result came from, so the output keeps the store's order. */
  private added = 0

  constructor(
    private readonly keys: ReadonlySet<string>,
    private readonly limits: HistoryLimits,
    /** Runs after this time (ms) are ignored. */
    private readonly until = Infinity,
    /** A run to leave out (the one being judged). */
    private readonly exclude?: string,
    /** Keep the newest results per test and environment rather than per test. */
    private readonly byEnv = false,
    /**
     * Runs kept whatever their age (the runs that accept events name, so that an
     * accepted baseline still counts after more runs than the limits keep); they do
     * not count against the limits.
     */
    private readonly pinned: ReadonlySet<string> = new Set(),
  ) {}

  /** Results of pinned runs, in the order they came. */
  private readonly held: Kept[] = []

  add(run: RunRecord): void {
    if (run.id === this.exclude || Date.parse(run.time) > this.until) return
    let used = false
    const seq = this.added++
    for (let at = 0; at < run.results.length; at++) {
      const r = run.results[at]!
      const test = testKey(r.test)
      if (!this.keys.has(test)) continue
      const key = this.byEnv ? `${test}\u0000${r.env_key}` : test
      this.share(r)
      if (this.pinned.has(run.id)) {
        this.held.push({ id: run.id, seq, at, r: slim(r) })
        used = true
        continue
      }
      const slot = this.kept.get(key) ?? { baseline: [], other: [] }
      const list = run.mode === 'baseline' ? slot.baseline : slot.other
      list.push({ id: run.id, seq, at, r: run.mode === 'baseline' ? r : slim(r) })
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

  private readonly tests = new Map<string, TestResult['test']>()
  private readonly runners = new Map<string, TestResult['runner']>()
  private readonly envKeys = new Map<string, string>()

  /**
   * Makes `r` share its test, runner and environment key with the equal ones
   * already kept: a thousand tests over a hundred runs hold each once, not a hundred times.
   */
  private share(r: TestResult): void {
    const testJson = JSON.stringify(r.test)
    const sameTest = this.tests.get(testJson)
    if (sameTest) r.test = sameTest
    else this.tests.set(testJson, r.test)
    const runnerKey = JSON.stringify(r.runner)
    const sameRunner = this.runners.get(runnerKey)
    if (sameRunner) r.runner = sameRunner
    else this.runners.set(runnerKey, r.runner)
    const envKey = this.envKeys.get(r.env_key)
    if (envKey !== undefined) r.env_key = envKey
    else this.envKeys.set(r.env_key, r.env_key)
  }

  /**
   * The kept history as runs (each with only the kept results, in the run's
   * order), in time order, runs of the same time in the store's order.
   */
  runs(): RunRecord[] {
    const byId = new Map<string, Kept[]>()
    for (const item of this.held) {
      const items = byId.get(item.id)
      if (items) items.push(item)
      else byId.set(item.id, [item])
    }
    for (const slot of this.kept.values()) {
      const lists: [Kept[], number][] = [
        [slot.baseline, this.limits.baseline],
        [slot.other, this.limits.other],
      ]
      for (const [list, limit] of lists) {
        for (let i = Math.max(0, list.length - limit); i < list.length; i++) {
          const item = list[i]!
          const items = byId.get(item.id)
          if (items) items.push(item)
          else byId.set(item.id, [item])
        }
      }
    }
    const order = (a: Kept, b: Kept) => a.seq - b.seq || a.at - b.at
    return [...byId.entries()]
      .map(([id, items]) => ({ items: items.sort(order), meta: this.meta.get(id)! }))
      .map(({ items, meta }) => ({ first: items[0]!.seq, time: Date.parse(meta.time), run: { ...meta, results: items.map((k) => k.r) } }))
      .sort((a, b) => a.time - b.time || a.first - b.first)
      .map((x) => x.run)
  }
}
