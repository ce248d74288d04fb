/**
 * Judges an A/B run: the head's version of each test against the base's, measured in the
 * same job. Pure: plain numbers in, verdicts out.
 *
 * Each process is one observation. Rounds inside a process share its state (code placement,
 * JIT decisions, what the machine did), so they are summarised first:
 * - paired design: a process's value is the median of the log ratios of its ABBA cycles
 *   (robust to a round that was descheduled);
 * - processes design: a pair of fresh base and head processes gives one log ratio.
 * The values are then tested with a one-sample t-test on k − 1 degrees of freedom, their
 * spread never taken below `PROCESS_FLOOR`. (A random-effects pooling of cycles with a
 * normal quantile was tried first: with 2–4 processes it raised false alarms several times
 * above alpha, because the spread between processes cannot be estimated from so few.)
 *
 * Sampling until decided looks at the data more than once: every look tests at
 * `alpha / looks` (Bonferroni over the planned looks), so stopping early never raises
 * the rate of false alarms above `alpha`. p-values are then adjusted across tests
 * (Benjamini–Hochberg).
 */
import type { Thresholds } from '../config/options.js'
import { testKey } from '../detect/detect.js'
import { reaches, severityOf, type Evidence, type TestVerdict } from '../detect/verdict.js'
import { benjaminiHochberg } from '../stats/multiple.js'
import { tQuantile } from '../stats/tdist.js'
import { loadFindings, type LoadPair } from './load-judge.js'
import { median, PROCESS_FLOOR, tTest, variance } from './stats.js'
import type { TestRef } from '../types.js'
import { formatInterval, formatNs, formatPercent, formatRatio, plural } from '../util/format.js'
import type { AbDesign } from './settings.js'

export { PROCESS_FLOOR } from './stats.js'

/** One process's paired rounds of one test. */
export interface ProcessPairs {
  /** ln(head/base) per ABBA cycle. */
  cycles: number[]
  base_ns: number
  head_ns: number
  /** Whether both sides ran in the same V8 tier (false: left out of the estimate). */
  same_tier: boolean
  /** V8's tier of each side at the end, when known. */
  tiers?: { base: string; head: string }
}

/** One base/head pair of fresh processes (processes design). */
export interface ProcessRun {
  base_ns: number
  head_ns: number
}

export interface AbObservations {
  test: TestRef
  design: AbDesign
  /** Paired design. */
  processes?: ProcessPairs[]
  /** Processes design. */
  runs?: ProcessRun[]
  /** A load test: both sides' figures in each process (paired design) or pair of processes, for its findings. */
  load?: LoadPair[]
}

export interface AbJudgeConfig {
  /** Severity bands of A/B runs (ratios of head to base). */
  thresholds: Thresholds
  confidence: number
  /** Looks planned in all (first pass and every extension): each tests at alpha / looks. */
  looks: number
  /** Short commit of the base, for reasons. */
  base: string
}

/** A test's estimate at one look, before the adjustment across tests. */
export interface AbEstimate {
  /** Estimated ln(head/base). */
  log_ratio: number
  /** Standard error of the estimate. */
  se: number
  /** Two-sided p-value of "no change". */
  p: number
  /** Quantile for the interval at this look's confidence. */
  q: number
  /** Degrees of freedom of the t-test (processes or pairs, minus one). */
  df: number
  /** Spread of the per-process log ratios (SD). */
  spread: number
  processes: number
  /** Paired cycles (paired design) or process pairs (processes design) used. */
  pairs: number
  /** Processes left out because the two sides ran in different V8 tiers. */
  tier_mismatches: number
  base_ns: number
  head_ns: number
  /** When the per-process ratios split into two groups: the medians of both. */
  clusters?: [number, number]
  /** Each process's ratio (paired design) or each pair's (processes design), in the order measured. */
  per_process: number[]
  /** Paired design, a load test: one load test of each side per process, no rounds. */
  load?: boolean
}

/** Two groups of per-process ratios, when the largest gap between sorted ratios dwarfs the noise of each. */
function clustersOf(values: readonly number[], withinSe: number): [number, number] | undefined {
  if (values.length < 4) return undefined
  const s = [...values].sort((a, b) => a - b)
  let gap = 0
  let at = 0
  for (let i = 1; i < s.length; i++) {
    if (s[i]! - s[i - 1]! > gap) {
      gap = s[i]! - s[i - 1]!
      at = i
    }
  }
  if (at < 2 || s.length - at < 2) return undefined
  const lo = s.slice(0, at)
  const hi = s.slice(at)
  const spread = Math.max(Math.sqrt(variance(lo)), Math.sqrt(variance(hi)), withinSe, PROCESS_FLOOR)
  return gap > 4 * spread ? [Math.exp(median(lo)), Math.exp(median(hi))] : undefined
}

/** The estimate of one test at one look; undefined until two processes (or pairs) have measured it. */
export function estimate(obs: AbObservations, alphaLook: number): AbEstimate | undefined {
  if (obs.design === 'processes') {
    const runs = obs.runs ?? []
    if (runs.length < 2) return undefined
    const x = runs.map((r) => Math.log(r.head_ns / r.base_ns))
    return {
      ...tTest(x, alphaLook),
      processes: 2 * x.length,
      pairs: x.length,
      tier_mismatches: 0,
      base_ns: median(runs.map((r) => r.base_ns)),
      head_ns: median(runs.map((r) => r.head_ns)),
      per_process: x.map(Math.exp),
    }
  }
  const all = obs.processes ?? []
  if (all.length === 0 && obs.load) {
    // A load test has no paired rounds: each process's load test of both sides is one observation.
    if (obs.load.length < 2) return undefined
    const x = obs.load.map((p) => Math.log(p.head.wall_ns / p.base.wall_ns))
    return {
      ...tTest(x, alphaLook),
      processes: x.length,
      pairs: x.length,
      tier_mismatches: 0,
      base_ns: median(obs.load.map((p) => p.base.wall_ns)),
      head_ns: median(obs.load.map((p) => p.head.wall_ns)),
      per_process: x.map(Math.exp),
      load: true,
    }
  }
  const used = all.filter((p) => p.same_tier && p.cycles.length > 0)
  if (used.length < 2) return undefined
  const x = used.map((p) => median(p.cycles))
  // The noise of one process's value, from its own cycles (a robust SD over √cycles), for telling groups apart.
  const within = median(used.map((p) => (1.4826 * median(p.cycles.map((c) => Math.abs(c - median(p.cycles))))) / Math.sqrt(p.cycles.length)))
  const clusters = clustersOf(x, within)
  return {
    ...tTest(x, alphaLook),
    processes: used.length,
    pairs: used.reduce((a, p) => a + p.cycles.length, 0),
    tier_mismatches: all.filter((p) => !p.same_tier).length,
    base_ns: median(used.map((p) => p.base_ns)),
    head_ns: median(used.map((p) => p.head_ns)),
    ...(clusters ? { clusters } : {}),
    per_process: x.map(Math.exp),
  }
}

/** The significance of one look: Bonferroni over the planned looks. */
export const alphaPerLook = (confidence: number, looks: number): number => (1 - confidence) / looks

/** One-sided confidence of the "no change beyond the minor band" stop. */
export const FUTILITY_CONFIDENCE = 0.8

/**
 * Whether an estimate already settles the test against the bands at this look (`qValue`:
 * its p-value adjusted across the tests at this look; the p-value itself by default):
 * - a change that is significant at this look's share of alpha and reaches a band, or
 * - a stop for futility: the one-sided `FUTILITY_CONFIDENCE` bound is inside the minor band
 *   either way, and the interval at this look's confidence is inside the moderate band, so
 *   the verdict would be `unchanged`. It can only end sampling without a regression, so it
 *   needs no share of alpha and does not raise the false-alarm rate.
 */
export function decided(e: AbEstimate | undefined, bands: Thresholds, alphaLook: number, qValue = e?.p ?? 1): boolean {
  if (!e) return false
  const ratio = Math.exp(e.log_ratio)
  // With the q-value of this look (Benjamini–Hochberg across the tests), as the verdict will use.
  const significant = qValue <= alphaLook
  if (significant && (reaches(ratio, bands.minor) || reaches(1 / ratio, bands.minor))) return true
  const f = tQuantile(FUTILITY_CONFIDENCE, e.df) * e.se
  const within = (edge: number, half: number) => Math.exp(e.log_ratio + half) < edge && Math.exp(e.log_ratio - half) > 1 / edge
  return within(bands.minor, f) && within(bands.moderate, e.q * e.se)
}

/** "; the head stayed in maglev while the base ran in turbofan: a deoptimization?" when every process says the same. */
function tierNote(processes: readonly ProcessPairs[]): string {
  const seen = new Set(processes.map((p) => (p.tiers ? `${p.tiers.head}\u0000${p.tiers.base}` : '')))
  if (seen.size !== 1 || seen.has('')) return ''
  const [head, base] = [...seen][0]!.split('\u0000')
  return `; in every one the head ran in ${head} and the base in ${base} (the head's code may no longer optimize)`
}

/** What was measured, in words: "48 paired rounds in 6 processes". */
function measuredOver(e: AbEstimate, design: AbDesign): string {
  const over = e.load
    ? `${plural(e.processes, 'process', 'processes')}, each running the base's load test and then the head's`
    : design === 'paired'
      ? `${plural(e.pairs, 'paired round')} in ${plural(e.processes, 'process', 'processes')}`
      : `${plural(e.pairs, 'pair')} of fresh processes`
  const left = e.tier_mismatches > 0 ? `, ${e.tier_mismatches} left out (base and head in different V8 tiers)` : ''
  const split = e.clusters ? `; per-process ratios form two groups, ${formatRatio(e.clusters[0])} and ${formatRatio(e.clusters[1])}` : ''
  return `${over}${left}${split}`
}

/**
 * Verdicts of every test at the final look. `alpha / looks` is the significance of each
 * look; q-values are Benjamini–Hochberg across the tests judged.
 */
export function judgeAb(observations: readonly AbObservations[], config: AbJudgeConfig): TestVerdict[] {
  const alphaLook = alphaPerLook(config.confidence, config.looks)
  const estimates = observations.map((o) => estimate(o, alphaLook))
  const judged = estimates.map((e, i) => ({ e, i })).filter((x): x is { e: AbEstimate; i: number } => x.e !== undefined)
  const q = benjaminiHochberg(judged.map((x) => x.e.p))
  const qOf = new Map(judged.map((x, j) => [x.i, q[j]!]))
  const found = loadFindings(
    observations.map((o) => o.load),
    { thresholds: config.thresholds, alphaLook, base: config.base, design: observations[0]?.design ?? 'paired' },
  )
  const verdicts = observations.map((obs, i): TestVerdict => {
    const key = testKey(obs.test)
    const e = estimates[i]
    const bands = config.thresholds
    if (!e) {
      const loads = (obs.load ?? []).map((p) => ({ base_ns: p.base.wall_ns, head_ns: p.head.wall_ns }))
      const sides = obs.design === 'paired' ? (obs.processes?.length ? obs.processes : loads) : (obs.runs ?? [])
      const head = sides.length > 0 ? median(sides.map((p) => p.head_ns)) : 0
      const baseNs = sides.length > 0 ? median(sides.map((p) => p.base_ns)) : 0
      const mismatched = (obs.processes ?? []).filter((p) => !p.same_tier).length
      return {
        kind: 'insufficient-data',
        test: obs.test,
        key,
        current: head,
        baseline: baseNs,
        baseline_runs: 0,
        required: 2,
        reason:
          obs.design === 'paired' && mismatched > 0 && mismatched === (obs.processes ?? []).length
            ? `base and head ran in different V8 tiers in all ${mismatched} processes: no fair pair to judge${tierNote(obs.processes ?? [])}`
            : 'too few measurements of base and head to judge',
      }
    }
    const ratio = Math.exp(e.log_ratio)
    const interval: [number, number] = [Math.exp(e.log_ratio - e.q * e.se), Math.exp(e.log_ratio + e.q * e.se)]
    const qValue = qOf.get(i) ?? 1
    const evidence: Evidence = {
      metric: 'wall_ns',
      baseline_runs: e.processes,
      window: { runs: 0, days: 0 },
      baseline: e.base_ns,
      current: e.head_ns,
      ratio,
      interval,
      p_value: e.p,
      q_value: qValue,
      confidence: 1 - alphaLook,
      noise: e.spread,
      detectable: Math.exp(Math.log(bands.minor) + e.q * e.se),
      thresholds: bands,
      ab: {
        base: config.base,
        design: obs.design,
        processes: e.processes,
        pairs: e.pairs,
        tier_mismatches: e.tier_mismatches,
        looks: config.looks,
        per_process: e.per_process,
        ...(e.clusters ? { clusters: e.clusters } : {}),
      },
    }
    const base = { test: obs.test, key, evidence }
    const over = measuredOver(e, obs.design)
    const range = `${formatPercent(1 - alphaLook)} interval ${formatInterval(interval)}`
    const vs = `${formatNs(e.head_ns)} vs ${formatNs(e.base_ns)}`
    const significant = qValue <= alphaLook
    const slower = severityOf(ratio, bands)
    const faster = severityOf(1 / ratio, bands)
    if (significant && ratio > 1 && slower) {
      return {
        ...base,
        kind: 'regression',
        severity: slower,
        reason: `${formatRatio(ratio)} slower than base ${config.base} over ${over}; ${range} (${vs}), ${slower} band from ${formatRatio(bands[slower])}`,
      }
    }
    if (significant && ratio < 1 && faster) {
      return { ...base, kind: 'improvement', severity: faster, reason: `${formatRatio(1 / ratio)} faster than base ${config.base} over ${over}; ${range} (${vs})` }
    }
    if (interval[1] < bands.minor && interval[0] > 1 / bands.minor) {
      return { ...base, kind: 'unchanged', reason: `same speed as base ${config.base} within the ${formatRatio(bands.minor)} band over ${over}; ${range} (${vs})` }
    }
    // Below the bands, but a moderate change either way cannot be ruled out.
    if (!slower && !faster && (reaches(interval[1], bands.moderate) || reaches(1 / interval[0], bands.moderate))) {
      return { ...base, kind: 'inconclusive', reason: `too noisy to tell: ${range} against base ${config.base} over ${over} (${vs})` }
    }
    if (!slower && !faster) {
      return { ...base, kind: 'unchanged', reason: `${formatRatio(ratio)} of base ${config.base}, below the ${formatRatio(bands.minor)} band, over ${over}; ${range} (${vs})` }
    }
    return {
      ...base,
      kind: 'inconclusive',
      reason: `${formatRatio(ratio >= 1 ? ratio : 1 / ratio)} ${ratio >= 1 ? 'slower' : 'faster'} than base ${config.base}, but not significant at this confidence over ${over}; ${range} (${vs})`,
    }
  })
  // Load tests: throughput and p95 findings next to the p50 verdict.
  return verdicts.map((v, i) => (found[i]!.length > 0 ? { ...v, findings: found[i]! } : v))
}
