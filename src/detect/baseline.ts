/**
 * Baseline selection: which earlier runs are a test's baseline. The one
 * definition, used by `detect()`, by the store's maintenance (`prune` keeps
 * every run a current baseline uses) and by the CLI (`history`, `baseline show`).
 *
 * A run is a baseline run of a test when it is a baseline-mode run or an
 * accepted one, not an A/B run, not the run being judged, inside the window
 * (`baselineWindow.days` back from now, nothing after now), not before the
 * latest reset, and not before the latest accepted run that measured the test;
 * the first result of the test in the run is the one that counts, for its
 * environment. Of those, the newest `baselineWindow.runs` per test and
 * environment form the baseline. Pure.
 */
import type { BaselineEvent, PerfSample, RunRecord, TestRef, TestResult } from '../types.js'
import { testKey } from './identity.js'

const DAY = 86_400_000

/** One baseline run of a test: the run and the test's sample in it. */
export interface BaselineEntry {
  run: Pick<RunRecord, 'id' | 'time' | 'git'>
  sample: PerfSample
}

/** Where baselines start, from the baseline events (see `baselineStarts`). */
export interface BaselineStarts {
  /** Time of the latest reset (-Infinity without one). */
  resetAt: number
  latestReset: BaselineEvent | undefined
  /** Ids of accepted runs that still count as baseline runs. */
  accepted: Set<string>
  /** Per test key, the time its baseline starts (the latest accepted run that measured it). */
  startOf: Map<string, number>
  /** Accept events that still count, with their run. */
  effectiveAccepts: Map<BaselineEvent, RunRecord>
}

/** The run being judged: never its own baseline, and when it was accepted, nothing before it is. */
export interface JudgedRun {
  runId?: string
  current: readonly { test: TestRef }[]
  now: Date
}

/**
 * Where each test's baseline starts, from the baseline events up to `now`:
 * after the latest reset, and at the latest accepted run that measured the test.
 * `judged` is the run being judged, which may itself have been accepted.
 */
export function baselineStarts(history: readonly RunRecord[], events: readonly BaselineEvent[], now: number, judged?: JudgedRun): BaselineStarts {
  let resetAt = -Infinity
  let latestReset: BaselineEvent | undefined
  const accepted = new Set<string>()
  const startOf = new Map<string, number>()
  let acceptEvents = new Map<BaselineEvent, RunRecord>()
  const byId = new Map(history.map((r) => [r.id, r]))
  for (const event of [...events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time))) {
    if (Date.parse(event.time) > now) continue
    if (event.action === 'reset') {
      resetAt = Date.parse(event.time)
      latestReset = event
      accepted.clear()
      startOf.clear()
      acceptEvents = new Map()
      continue
    }
    if (judged && event.run_id !== undefined && event.run_id === judged.runId) {
      // The run being judged was accepted: nothing before it is its baseline any more.
      for (const r of judged.current) startOf.set(testKey(r.test), judged.now.getTime())
      continue
    }
    const run = event.run_id === undefined ? undefined : byId.get(event.run_id)
    if (!run) continue
    accepted.add(run.id)
    acceptEvents.set(event, run)
    const time = Date.parse(run.time)
    for (const r of run.results) startOf.set(testKey(r.test), Math.max(startOf.get(testKey(r.test)) ?? -Infinity, time))
  }
  // A run accepted before the latest reset no longer counts.
  for (const id of accepted) if (Date.parse(byId.get(id)!.time) < resetAt) accepted.delete(id)
  const effectiveAccepts = new Map([...acceptEvents].filter(([, run]) => accepted.has(run.id)))
  return { resetAt, latestReset, accepted, startOf, effectiveAccepts }
}

/** When and from what baselines are picked. */
export interface BaselineScope {
  /** The time baselines are picked at (ms since the epoch); the window counts back from it. */
  now: number
  window: { runs: number; days: number }
  starts: BaselineStarts
  /** Id of the run being judged, never its own baseline. */
  runId?: string
}

/** One result that counts as a baseline result, with its test key and the time of its run. */
export interface BaselineResult {
  key: string
  time: number
  run: RunRecord
  result: TestResult
}

/**
 * The results of `run` that count as baseline results in `scope`: none unless
 * the run is a baseline run there; else the first result of each test whose
 * baseline does not start after the run.
 */
export function baselineResults(run: RunRecord, scope: BaselineScope): BaselineResult[] {
  const { starts } = scope
  // A/B runs never form baselines, even if an event names them.
  if ((run.mode !== 'baseline' && !starts.accepted.has(run.id)) || run.ab || run.id === scope.runId) return []
  const time = Date.parse(run.time)
  if (time < scope.now - scope.window.days * DAY || time > scope.now || (time < starts.resetAt && !starts.accepted.has(run.id))) return []
  const seen = new Set<string>()
  const out: BaselineResult[] = []
  for (const result of run.results) {
    const key = testKey(result.test)
    if (seen.has(key) || time < (starts.startOf.get(key) ?? -Infinity)) continue
    seen.add(key)
    out.push({ key, time, run, result })
  }
  return out
}

/** Newest first (a stable sort: on equal times, the history's order), at most `window.runs`. */
export function newestInWindow<T extends { time: number }>(list: readonly T[], window: { runs: number }): T[] {
  return [...list].sort((a, b) => b.time - a.time).slice(0, window.runs)
}

/**
 * Every baseline of the history in `scope`, per test key and environment
 * (the map's key is `JSON.stringify([testKey, env_key])`), newest first.
 */
export function allBaselines(history: readonly RunRecord[], scope: BaselineScope): Map<string, BaselineResult[]> {
  const found = new Map<string, BaselineResult[]>()
  for (const run of history) {
    for (const b of baselineResults(run, scope)) {
      const slot = JSON.stringify([b.key, b.result.env_key])
      const list = found.get(slot) ?? []
      list.push(b)
      found.set(slot, list)
    }
  }
  const out = new Map<string, BaselineResult[]>()
  for (const [slot, list] of found) out.set(slot, newestInWindow(list, scope.window))
  return out
}

/** What baselines are picked for: the current run's tests, its history and the baseline events. */
export interface BaselineInput {
  /** The results of the run being judged: their tests and environments. */
  current: readonly Pick<TestResult, 'test' | 'env_key'>[]
  /** Earlier runs (any mode; only compatible baseline runs inside the window are used). */
  history: Iterable<RunRecord>
  config: { baselineWindow: { runs: number; days: number } }
  /** The time the current run is judged at; the window counts back from it. */
  now: Date
  /** Id of the current run, so that it is never its own baseline. */
  runId?: string
  /** Baseline events (accept, reset) from the store; only those up to `eventsUntil` count. */
  events?: readonly BaselineEvent[]
  /** @default now. Later when a past run is judged again after baseline changes (`perf-regression check`). */
  eventsUntil?: Date
}

/** The baselines of the current run's tests. */
export interface CurrentBaselines {
  /** Per test key: its baseline runs from the current result's environment, newest first. */
  baselines: Map<string, BaselineEntry[]>
  /** Per test key: how many of its baseline runs came from another environment (never compared). */
  foreign: Map<string, number>
}

/** The scope of baseline selection for the current run of `input`, over `history`. */
export function scopeOf(input: BaselineInput, history: readonly RunRecord[]): BaselineScope {
  const judged: JudgedRun = { current: input.current, now: input.now, ...(input.runId !== undefined ? { runId: input.runId } : {}) }
  const starts = baselineStarts(history, input.events ?? [], (input.eventsUntil ?? input.now).getTime(), judged)
  return { now: input.now.getTime(), window: input.config.baselineWindow, starts, ...(input.runId !== undefined ? { runId: input.runId } : {}) }
}

/**
 * The compatible baseline runs of each current test (newest first, at most
 * `baselineWindow.runs`), and how many baseline runs of it came from another environment.
 */
export function currentBaselines(input: BaselineInput, history: readonly RunRecord[] = [...input.history]): CurrentBaselines {
  const wanted = new Map<string, string>()
  for (const r of input.current) wanted.set(testKey(r.test), r.env_key)
  const scope = scopeOf(input, history)
  const found = new Map<string, BaselineResult[]>()
  const foreign = new Map<string, number>()
  for (const run of history) {
    for (const b of baselineResults(run, scope)) {
      const env = wanted.get(b.key)
      if (env === undefined) continue
      if (env !== b.result.env_key) {
        foreign.set(b.key, (foreign.get(b.key) ?? 0) + 1)
        continue
      }
      const list = found.get(b.key) ?? []
      list.push(b)
      found.set(b.key, list)
    }
  }
  const baselines = new Map<string, BaselineEntry[]>()
  for (const [key, list] of found) baselines.set(key, newestInWindow(list, scope.window).map((b) => ({ run: b.run, sample: b.result.sample })))
  return { baselines, foreign }
}

/** Baseline values (run medians, ns) per test key of the current run, newest first, inside the window. */
export function selectBaselines(input: BaselineInput): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const [key, list] of currentBaselines(input).baselines) out.set(key, list.map((e) => e.sample.wall_ns.median))
  return out
}
