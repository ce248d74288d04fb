import { median } from 'simple-statistics'
import type { ResolvedConfig } from '../config/options.js'
import { thresholdsFor } from '../config/resolve.js'
import { benjaminiHochberg } from '../stats/multiple.js'
import { tCdf, tQuantile } from '../stats/tdist.js'
import type { BaselineEvent, RunRecord, TestRef, TestResult } from '../types.js'
import { formatInterval, formatNs, formatRatio } from '../util/format.js'
import { reaches, severityOf, type Evidence, type TestVerdict } from './verdict.js'

/**
 * Smallest run-to-run noise assumed (standard deviation of log run medians).
 * Below about 1% a shared machine cannot tell runs apart, and a baseline that
 * happens to be very quiet must not turn tiny changes into alarms.
 */
export const NOISE_FLOOR = 0.01
const MAD_TO_SD = 1.4826

/** Identity of a benchmarked test across runs. */
export function testKey(test: TestRef): string {
  return JSON.stringify([test.project, test.file, test.name, test.bench ?? null])
}

export type DetectConfig = Pick<ResolvedConfig, 'thresholds' | 'tests' | 'confidence' | 'minSamples' | 'baselineWindow'>

export interface DetectInput {
  /** The results of the run being judged. */
  current: readonly TestResult[]
  /** Earlier runs (any mode; only compatible baseline runs inside the window are used). */
  history: Iterable<RunRecord>
  config: DetectConfig
  /** The time the current run is judged at; the window counts back from it. */
  now: Date
  /** Id of the current run, so that it is never its own baseline. */
  runId?: string
  /** Baseline events (accept, reset) from the store; only those up to `eventsUntil` count. */
  events?: readonly BaselineEvent[]
  /** @default now. Later when a past run is judged again after baseline changes (`perf-regression check`). */
  eventsUntil?: Date
}

/** Baseline values (run medians, ns) per test key and environment, newest first, inside the window. */
export function selectBaselines(input: DetectInput): Map<string, number[]> {
  return scanHistory(input).baselines
}

/**
 * One pass over the history: the compatible baseline values of each current
 * test, and how many baseline runs of it came from another environment.
 */
function scanHistory(input: DetectInput): { baselines: Map<string, number[]>; foreign: Map<string, number> } {
  const wanted = new Map<string, string>()
  for (const r of input.current) wanted.set(testKey(r.test), r.env_key)
  const nowMs = input.now.getTime()
  const oldest = nowMs - input.config.baselineWindow.days * 86_400_000
  const history = [...input.history]
  const { resetAt, accepted, startOf } = baselineStarts(history, input.events ?? [], (input.eventsUntil ?? input.now).getTime(), input)
  const found = new Map<string, { time: number; value: number }[]>()
  const foreign = new Map<string, number>()
  for (const run of history) {
    if ((run.mode !== 'baseline' && !accepted.has(run.id)) || run.id === input.runId) continue
    const time = Date.parse(run.time)
    if (time < oldest || time > nowMs || (time < resetAt && !accepted.has(run.id))) continue
    const seen = new Set<string>()
    for (const r of run.results) {
      const key = testKey(r.test)
      const wantedEnv = wanted.get(key)
      if (wantedEnv === undefined || seen.has(key) || time < (startOf.get(key) ?? -Infinity)) continue
      seen.add(key)
      if (wantedEnv !== r.env_key) {
        foreign.set(key, (foreign.get(key) ?? 0) + 1)
        continue
      }
      const list = found.get(key) ?? []
      list.push({ time, value: r.sample.wall_ns.median })
      found.set(key, list)
    }
  }
  const out = new Map<string, number[]>()
  for (const [key, list] of found) {
    list.sort((a, b) => b.time - a.time)
    out.set(key, list.slice(0, input.config.baselineWindow.runs).map((e) => e.value))
  }
  return { baselines: out, foreign }
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

/**
 * Where each test's baseline starts, from the baseline events up to `now`:
 * after the latest reset, and at the latest accepted run that measured the test.
 * `judged` is the run being judged, which may itself have been accepted.
 */
export function baselineStarts(
  history: readonly RunRecord[],
  events: readonly BaselineEvent[],
  now: number,
  judged?: Pick<DetectInput, 'runId' | 'current' | 'now'>,
): BaselineStarts {
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

interface Comparison {
  evidence: Omit<Evidence, 'q_value'>
}

/**
 * Compares one run's median with the distribution of baseline run medians, on
 * a log scale: one run is one observation, so the interval is a prediction
 * interval for a new run, with the baseline's own run-to-run noise, estimated
 * robustly (median absolute deviation), never below NOISE_FLOOR.
 */
/**
 * Centre (median) and run-to-run noise of baseline run medians on a log scale:
 * the robust standard deviation (median absolute deviation), never below NOISE_FLOOR.
 */
export function baselineSpread(baseline: readonly number[]): { center: number; noise: number } {
  const logs = baseline.map(Math.log)
  const center = median(logs)
  const mad = median(logs.map((l) => Math.abs(l - center)))
  return { center, noise: Math.max(MAD_TO_SD * mad, NOISE_FLOOR) }
}

function compare(current: number, baseline: readonly number[], config: DetectConfig, name: string): Comparison {
  const n = baseline.length
  const { center, noise } = baselineSpread(baseline)
  const d = Math.log(current) - center
  const se = noise * Math.sqrt(1 + 1 / n)
  const df = n - 1
  const t = d / se
  const p = Math.min(1, 2 * Math.min(tCdf(t, df), 1 - tCdf(t, df)))
  const q = tQuantile(1 - (1 - config.confidence) / 2, df)
  return {
    evidence: {
      metric: 'wall_ns',
      baseline_runs: n,
      window: { ...config.baselineWindow },
      baseline: Math.exp(center),
      current,
      ratio: Math.exp(d),
      interval: [Math.exp(d - q * se), Math.exp(d + q * se)],
      p_value: p,
      confidence: config.confidence,
      noise,
      thresholds: thresholdsFor(config, name),
    },
  }
}

const pct = (c: number) => `${Math.round(c * 100)}%`

function classify(test: TestRef, key: string, evidence: Evidence): TestVerdict {
  const { ratio, interval, thresholds: bands, confidence, q_value: q } = evidence
  const [lo, hi] = interval
  const alpha = 1 - confidence
  const base = { test, key, evidence }
  const vs = `${formatNs(evidence.current)} vs ${formatNs(evidence.baseline)} over ${evidence.baseline_runs} baseline runs`
  const range = `${pct(confidence)} interval ${formatInterval(interval)}`
  if (reaches(lo, bands.minor) && q <= alpha) {
    const severity = severityOf(ratio, bands) ?? 'minor'
    return { ...base, kind: 'regression', severity, reason: `${formatRatio(ratio)} slower (${vs}; ${range}), ${severity} band from ${formatRatio(bands[severity])}` }
  }
  if (reaches(1 / hi, bands.minor) && q <= alpha) {
    const severity = severityOf(1 / ratio, bands) ?? 'minor'
    return { ...base, kind: 'improvement', severity, reason: `${formatRatio(1 / ratio)} faster (${vs}; ${range})` }
  }
  if (hi < bands.minor && lo > 1 / bands.minor) {
    return { ...base, kind: 'unchanged', reason: `within the noise of the baseline or below the ${formatRatio(bands.minor)} band (${vs}; ${range})` }
  }
  const edge = ratio >= 1 ? `${formatRatio(bands.minor)} regression` : `${formatRatio(bands.minor)} improvement`
  return { ...base, kind: 'inconclusive', reason: `the ${range} straddles the ${edge} band edge: too noisy to tell (${vs})` }
}

/**
 * Judges every result of the current run against its baseline. Pure: the same
 * input gives the same verdicts. p-values are adjusted across all tests judged
 * together (Benjamini–Hochberg), so a large suite does not multiply false alarms.
 */
export function detect(input: DetectInput): TestVerdict[] {
  const { baselines, foreign } = scanHistory(input)
  const { config } = input
  const slots: (TestVerdict | Comparison & { test: TestRef; key: string })[] = []
  for (const r of input.current) {
    const key = testKey(r.test)
    const current = r.sample.wall_ns.median
    const values = baselines.get(key) ?? []
    if (values.length === 0) {
      const others = foreign.get(key) ?? 0
      const reason =
        others > 0
          ? `no baseline run from this environment yet (${others} from other machines, Node or runner versions, or pools are never compared): this run is not judged`
          : 'no baseline run yet: this run is not judged'
      slots.push({ kind: 'new', test: r.test, key, current, foreign_baseline_runs: others, reason })
    } else if (values.length < config.minSamples) {
      slots.push({
        kind: 'insufficient-data',
        test: r.test,
        key,
        current,
        baseline: median(values),
        baseline_runs: values.length,
        required: config.minSamples,
        reason: `${values.length} of ${config.minSamples} baseline runs needed before this test is judged`,
      })
    } else {
      slots.push({ ...compare(current, values, config, r.test.name), test: r.test, key })
    }
  }
  const judged = slots.filter((s): s is Comparison & { test: TestRef; key: string } => 'evidence' in s && !('kind' in s))
  const qs = benjaminiHochberg(judged.map((j) => j.evidence.p_value))
  const qByKey = new Map(judged.map((j, i) => [j, qs[i]!] as const))
  return slots.map((s) => {
    if ('kind' in s) return s
    return classify(s.test, s.key, { ...s.evidence, q_value: qByKey.get(s)! })
  })
}
