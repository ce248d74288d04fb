import { median } from 'simple-statistics'
import type { Bands, MetricRules, ResolvedConfig } from '../config/options.js'
import { benjaminiHochberg } from '../stats/multiple.js'
import type { BaselineEvent, RunRecord, TestRef, TestResult } from '../types.js'
import { formatInterval, formatNs, formatRatio } from '../util/format.js'
import { leakFinding, limitFindings, metricCandidates, metricFinding, trendFinding, zeroFindings, type BaselineEntry, type MetricCandidate } from './findings.js'
import { baselineModel, compareToModel } from './modes.js'
import { metricBands, thresholdsFor } from './bands.js'
export { NOISE_FLOOR } from './modes.js'
import { reaches, severityOf, type Evidence, type Finding, type TestVerdict } from './verdict.js'

/** Identity of a benchmarked test across runs. */
export function testKey(test: TestRef): string {
  return JSON.stringify([test.project, test.file, test.name, test.bench ?? null])
}

/**
 * The part of the configuration the detector reads, from `resolveConfig` or `validateOptions`:
 * its bands, overrides and metric rules were checked together there and are not checked again.
 * `metrics` is optional for callers of the programmatic API.
 */
export type DetectConfig = Pick<ResolvedConfig, 'thresholds' | 'tests' | 'confidence' | 'minSamples' | 'baselineWindow'> & Pick<Partial<ResolvedConfig>, 'metrics'>

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
  /** Look for steps and drifts across each test's baseline runs (about 0.6 ms per test). @default true */
  trends?: boolean
  /**
   * Repeat group of the current run (`--repeat`). Earlier compare runs of the same group are more
   * observations of the same code: from 3 runs on, a test is judged on the median of all of them.
   */
  group?: string
}

/** Baseline values (run medians, ns) per test key and environment, newest first, inside the window. */
export function selectBaselines(input: DetectInput): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const [key, list] of scanHistory(input).baselines) out.set(key, list.map((e) => e.sample.wall_ns.median))
  return out
}

/**
 * One pass over the history: the compatible baseline runs of each current
 * test (newest first, at most `baselineWindow.runs`), and how many baseline
 * runs of it came from another environment.
 */
function scanHistory(input: DetectInput): { baselines: Map<string, BaselineEntry[]>; foreign: Map<string, number>; repeats: Map<string, number[]> } {
  const wanted = new Map<string, string>()
  for (const r of input.current) wanted.set(testKey(r.test), r.env_key)
  const nowMs = input.now.getTime()
  const oldest = nowMs - input.config.baselineWindow.days * 86_400_000
  const history = [...input.history]
  const { resetAt, accepted, startOf } = baselineStarts(history, input.events ?? [], (input.eventsUntil ?? input.now).getTime(), input)
  const found = new Map<string, (BaselineEntry & { at: number })[]>()
  const foreign = new Map<string, number>()
  const repeats = new Map<string, number[]>()
  for (const run of history) {
    if (input.group !== undefined && run.group === input.group && run.mode === 'compare' && run.id !== input.runId && Date.parse(run.time) <= nowMs) {
      for (const r of run.results) {
        const key = testKey(r.test)
        if (wanted.get(key) !== r.env_key) continue
        const list = repeats.get(key) ?? []
        list.push(r.sample.wall_ns.median)
        repeats.set(key, list)
      }
    }
    // A/B runs never form baselines, even if an event names them.
    if ((run.mode !== 'baseline' && !accepted.has(run.id)) || run.ab || run.id === input.runId) continue
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
      list.push({ at: time, run, sample: r.sample })
      found.set(key, list)
    }
  }
  const out = new Map<string, BaselineEntry[]>()
  for (const [key, list] of found) {
    list.sort((a, b) => b.at - a.at)
    out.set(key, list.slice(0, input.config.baselineWindow.runs).map(({ run, sample }) => ({ run, sample })))
  }
  return { baselines: out, foreign, repeats }
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
 * Centre (median) and run-to-run noise of baseline run values on a log scale:
 * the main mode of the baseline and its robust standard deviation (see `baselineModel`).
 */
export function baselineSpread(baseline: readonly number[]): { center: number; noise: number } {
  const model = baselineModel(baseline)
  return { center: model.modes[0]!.center, noise: model.noise }
}

/** Fewest runs of a repeat group (this one included) that are judged on their median. */
export const MIN_POOLED_RUNS = 3

/**
 * Compares one run's value with the baseline runs' values, on a log scale: one
 * run is one observation, so the interval is a prediction interval for a new
 * run, with the baseline's own run-to-run noise (robust, never below
 * NOISE_FLOOR), against the mode of the baseline that explains the run best.
 * With `earlier` runs of its repeat group (at least MIN_POOLED_RUNS in all),
 * their median is judged instead.
 */
function compare(current: number, baseline: readonly number[], config: DetectConfig, bands: Bands, floor: number | undefined, earlier: readonly number[] = []): Comparison {
  const model = baselineModel(baseline)
  // The median of k runs: its variance is about π/(2k) times one run's (conservative for small k).
  const pooled = 1 + earlier.length >= MIN_POOLED_RUNS ? [current, ...earlier] : undefined
  const value = pooled ? median(pooled) : current
  const c = compareToModel(value, model, config.confidence, pooled ? Math.PI / (2 * pooled.length) : 1)
  const evidence: Comparison['evidence'] = {
    metric: 'wall_ns',
    baseline_runs: baseline.length,
    window: { ...config.baselineWindow },
    baseline: Math.exp(c.mode.center),
    current: value,
    ratio: Math.exp(c.d),
    interval: [Math.exp(c.d - c.half), Math.exp(c.d + c.half)],
    p_value: c.p,
    confidence: config.confidence,
    noise: model.noise,
    detectable: Math.exp(Math.max(Math.log(bands.minor), c.half)),
    thresholds: bands,
  }
  if (floor !== undefined) evidence.floor_ns = floor
  if (pooled) evidence.repeats = pooled.length
  if (c.modeIndex > 0) evidence.mode = { runs: c.mode.runs, main: Math.exp(model.modes[0]!.center), main_runs: model.modes[0]!.runs }
  return { evidence }
}

/** No metric rules: nothing to check. */
const NO_RULES = {} as MetricRules

const pct = (c: number) => `${Math.round(c * 100)}%`

/**
 * The decision rule. A change is a regression (or an improvement) when it is
 * significant after the suite-wide adjustment (q ≤ 1 − confidence) and the
 * estimated ratio reaches the `minor` band; its severity is the band the
 * estimate reaches. `inconclusive` is for the undecided: an estimate that
 * reaches the band without significance, or an interval too wide to tell a
 * band-sized change from none. Everything else is `unchanged`, including a
 * significant change smaller than the band.
 */
function classify(test: TestRef, key: string, evidence: Evidence): TestVerdict {
  const { ratio, interval, thresholds: bands, confidence, q_value: q } = evidence
  const alpha = 1 - confidence
  const base = { test, key, evidence }
  const what = evidence.repeats ? `${formatNs(evidence.current)}, the median of ${evidence.repeats} runs,` : formatNs(evidence.current)
  const vs = evidence.mode
    ? `${what} vs ${formatNs(evidence.baseline)}, a level seen in ${evidence.mode.runs} of ${evidence.baseline_runs} baseline runs (usual level ${formatNs(evidence.mode.main)})`
    : `${what} vs ${formatNs(evidence.baseline)} over ${evidence.baseline_runs} baseline runs`
  const range = `${pct(confidence)} interval ${formatInterval(interval)}`
  if (evidence.floor_ns !== undefined && Math.abs(evidence.current - evidence.baseline) < evidence.floor_ns) {
    return { ...base, kind: 'unchanged', reason: `the change is smaller than the ${formatNs(evidence.floor_ns)} floor (${vs}; ${range})` }
  }
  const slower = ratio >= 1
  const size = slower ? ratio : 1 / ratio
  const significant = q <= alpha
  const noise = `with ${(evidence.noise * 100).toFixed(1)}% run-to-run noise, one run shows a slowdown from about ${formatRatio(evidence.detectable)}`
  if (reaches(size, bands.minor)) {
    const severity = severityOf(size, bands) ?? 'minor'
    if (significant && slower) {
      return { ...base, kind: 'regression', severity, reason: `${formatRatio(ratio)} slower (${vs}; ${range}), ${severity} band from ${formatRatio(bands[severity])}` }
    }
    if (significant) return { ...base, kind: 'improvement', severity, reason: `${formatRatio(size)} faster (${vs}; ${range})` }
    return {
      ...base,
      kind: 'inconclusive',
      reason: `${formatRatio(size)} ${slower ? 'slower' : 'faster'}, but not significantly (q = ${q.toPrecision(2)}, needs ≤ ${alpha.toPrecision(2)}): too noisy to tell (${vs}; ${range}; ${noise})`,
    }
  }
  // Too wide: a change the size of the band would not reach significance.
  const [lo, hi] = interval
  if (Math.log(hi / lo) / 2 >= Math.log(bands.minor)) {
    return {
      ...base,
      kind: 'inconclusive',
      reason: `the ${range} is too wide to tell a ${formatRatio(bands.minor)} change from none (${vs}; ${noise})`,
    }
  }
  const small = significant ? `${formatRatio(size)} ${slower ? 'slower' : 'faster'}, below the ${formatRatio(bands.minor)} band` : `within the noise of the baseline`
  return { ...base, kind: 'unchanged', reason: `${small} (${vs}; ${range})` }
}

/**
 * Judges every result of the current run against its baseline. Pure: the same
 * input gives the same verdicts. p-values of wall time and of the other judged
 * metrics are adjusted together across all tests of the run (Benjamini–Hochberg),
 * so a large suite does not multiply false alarms.
 */
export function detect(input: DetectInput): TestVerdict[] {
  const { baselines, foreign, repeats } = scanHistory(input)
  const { config } = input
  const rules: MetricRules = config.metrics ?? NO_RULES
  type Pending = Comparison & { test: TestRef; key: string }
  const slots: { verdict: TestVerdict | Pending; findings: Finding[]; candidates: MetricCandidate[]; sample: TestResult['sample'] }[] = []
  for (const r of input.current) {
    const key = testKey(r.test)
    const current = r.sample.wall_ns.median
    const entries = baselines.get(key) ?? []
    const values = entries.map((e) => e.sample.wall_ns.median)
    const bands = thresholdsFor(config, r.test.name)
    const wallBands = metricBands(bands, rules.wall)
    const findings = limitFindings(r.sample, rules)
    let candidates: MetricCandidate[] = []
    let verdict: TestVerdict | Pending
    if (values.length === 0) {
      const others = foreign.get(key) ?? 0
      const reason =
        others > 0
          ? `no baseline run from this environment yet (${others} from other machines, Node or runner versions, or pools are never compared): this run is not judged`
          : 'no baseline run yet: this run is not judged'
      verdict = { kind: 'new', test: r.test, key, current, foreign_baseline_runs: others, reason }
    } else if (values.length < config.minSamples) {
      verdict = {
        kind: 'insufficient-data',
        test: r.test,
        key,
        current,
        baseline: median(values),
        baseline_runs: values.length,
        required: config.minSamples,
        reason: `${values.length} of ${config.minSamples} baseline runs needed before this test is judged`,
      }
    } else {
      verdict = { ...compare(current, values, config, wallBands, rules.wall?.floor, repeats.get(key)), test: r.test, key }
      candidates = metricCandidates(r.sample, entries, rules, bands, config.confidence, config.minSamples)
      findings.push(...zeroFindings(r.sample, entries, rules, config.minSamples))
      const trend = input.trends === false ? undefined : trendFinding(entries, r.sample, wallBands, config.confidence)
      if (trend) findings.push(trend)
    }
    slots.push({ verdict, findings, candidates, sample: r.sample })
  }
  // One family for Benjamini–Hochberg: every wall-time comparison, every other metric compared, every leak test.
  const family: { p: number; apply: (q: number) => void }[] = []
  const out: TestVerdict[] = slots.map(() => undefined as unknown as TestVerdict)
  slots.forEach((slot, i) => {
    const v = slot.verdict
    if ('kind' in v) out[i] = v
    else family.push({ p: v.evidence.p_value, apply: (q) => (out[i] = classify(v.test, v.key, { ...v.evidence, q_value: q })) })
    const growth = slot.sample.heap_growth
    if (growth && rules.leak?.judge !== false) {
      family.push({
        p: growth.p_value,
        apply: (q) => {
          const f = leakFinding(slot.sample, rules, config.confidence, q)
          if (f) slot.findings.push(f)
        },
      })
    }
    for (const c of slot.candidates) {
      family.push({
        p: c.p,
        apply: (q) => {
          const f = metricFinding(c, q, config.confidence)
          if (f) slot.findings.push(f)
        },
      })
    }
  })
  const qs = benjaminiHochberg(family.map((f) => f.p))
  family.forEach((f, i) => f.apply(qs[i]!))
  return out.map((v, i) => {
    const findings = slots[i]!.findings
    return findings.length > 0 ? { ...v, findings: order(findings) } : v
  })
}

const KIND_ORDER: Record<Finding['kind'], number> = { limit: 0, leak: 1, metric: 2, step: 3, drift: 4 }
/** Failing kinds first, then by metric. */
const order = (findings: Finding[]) => [...findings].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0))
