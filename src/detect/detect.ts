/**
 * The detector: judges every result of a run against its baseline. This file
 * only puts the steps together; each has its own module: test identity
 * (identity.ts), baseline selection (baseline.ts), the statistics of a
 * comparison (compare.ts), the decision rule and its words (classify.ts), and
 * the findings besides wall time (findings.ts).
 */
import type { MetricRules, ResolvedConfig } from '../config/options.js'
import { benjaminiHochberg } from '../stats/multiple.js'
import type { RunRecord, TestRef, TestResult } from '../types.js'
import { currentBaselines, type BaselineInput } from './baseline.js'
import { metricBands, rulesFor, thresholdsFor } from './bands.js'
import { classify, insufficientVerdict, newVerdict } from './classify.js'
import { contention } from './contention.js'
import { compare, type Comparison } from './compare.js'
import { leakFinding, limitFindings, metricCandidates, metricFinding, trendFinding, zeroFindings, type MetricCandidate } from './findings.js'
import { testKey } from './identity.js'
import type { Finding, TestVerdict } from './verdict.js'

// Kept here for the modules that take them from the detector.
export { testKey } from './identity.js'
export { MIN_POOLED_RUNS } from './compare.js'

/**
 * The part of the configuration the detector reads, from `resolveConfig` or `validateOptions`:
 * its bands, overrides and metric rules were checked together there and are not checked again.
 * `metrics` is optional for callers of the programmatic API.
 */
export type DetectConfig = Pick<ResolvedConfig, 'thresholds' | 'tests' | 'confidence' | 'minSamples' | 'baselineWindow'> & Pick<Partial<ResolvedConfig>, 'metrics'>

export interface DetectInput extends BaselineInput {
  /** The results of the run being judged. */
  current: readonly TestResult[]
  config: DetectConfig
  /** Look for steps and drifts across each test's baseline runs (about 0.6 ms per test). @default true */
  trends?: boolean
  /**
   * Repeat group of the current run (`--repeat`). Earlier compare runs of the same group are more
   * observations of the same code: from 3 runs on, a test is judged on the median of all of them.
   */
  group?: string
}

/**
 * Run medians of the earlier compare runs of the current run's repeat group,
 * per test key (same environment only), up to the time of judging. Not baselines:
 * more observations of the same code, pooled with the current run.
 */
function repeatValues(input: DetectInput, history: readonly RunRecord[]): Map<string, { values: number[]; shares: number[] }> {
  const repeats = new Map<string, { values: number[]; shares: number[] }>()
  if (input.group === undefined) return repeats
  const wanted = new Map(input.current.map((r) => [testKey(r.test), r.env_key]))
  const nowMs = input.now.getTime()
  for (const run of history) {
    if (run.group !== input.group || run.mode !== 'compare' || run.id === input.runId || Date.parse(run.time) > nowMs) continue
    for (const r of run.results) {
      const key = testKey(r.test)
      if (wanted.get(key) !== r.env_key) continue
      const group = repeats.get(key) ?? { values: [], shares: [] }
      group.values.push(r.sample.wall_ns.median)
      const share = r.sample.core?.timed.cpu
      if (share !== undefined) group.shares.push(share)
      repeats.set(key, group)
    }
  }
  return repeats
}

/** No metric rules: nothing to check. */
const NO_RULES = {} as MetricRules

/** A wall-time comparison waiting for its q-value. */
interface Pending {
  test: TestRef
  key: string
  evidence: Comparison
}

/**
 * Judges every result of the current run against its baseline. Pure: the same
 * input gives the same verdicts. p-values of wall time and of the other judged
 * metrics are adjusted together across all tests of the run (Benjamini–Hochberg),
 * so a large suite does not multiply false alarms.
 */
export function detect(input: DetectInput): TestVerdict[] {
  const history = [...input.history]
  const { baselines, foreign } = currentBaselines(input, history)
  const repeats = repeatValues(input, history)
  const { config } = input
  const slots: { verdict: TestVerdict | Pending; findings: Finding[]; candidates: MetricCandidate[]; sample: TestResult['sample']; rules: MetricRules }[] = []
  for (const r of input.current) {
    const key = testKey(r.test)
    const current = r.sample.wall_ns.median
    const entries = baselines.get(key) ?? []
    const values = entries.map((e) => e.sample.wall_ns.median)
    const bands = thresholdsFor(config, r.test.name)
    const rules = rulesFor({ tests: config.tests, metrics: config.metrics ?? NO_RULES }, r.test.name)
    const wallBands = metricBands(bands, rules.wall)
    const findings = limitFindings(r.sample, rules)
    let candidates: MetricCandidate[] = []
    let verdict: TestVerdict | Pending
    if (values.length === 0) verdict = newVerdict(r.test, key, current, foreign.get(key) ?? 0)
    else if (values.length < config.minSamples) verdict = insufficientVerdict(r.test, key, current, values, config.minSamples)
    else {
      const group = repeats.get(key)
      const evidence = compare(current, values, config, wallBands, rules.wall?.floor, group?.values)
      const busy = contention(r.sample, entries.map((e) => e.sample), group?.shares)
      verdict = { test: r.test, key, evidence: busy ? { ...evidence, contention: busy } : evidence }
      candidates = metricCandidates(r.sample, entries, rules, bands, config.confidence, config.minSamples)
      findings.push(...zeroFindings(r.sample, entries, rules, config.minSamples))
      const trend = input.trends === false ? undefined : trendFinding(entries, r.sample, wallBands, config.confidence)
      if (trend) findings.push(trend)
    }
    slots.push({ verdict, findings, candidates, sample: r.sample, rules })
  }
  // One family for Benjamini–Hochberg: every wall-time comparison, every other metric compared, every leak test.
  const family: { p: number; apply: (q: number) => void }[] = []
  const out: TestVerdict[] = slots.map(() => undefined as unknown as TestVerdict)
  slots.forEach((slot, i) => {
    const v = slot.verdict
    if ('kind' in v) out[i] = v
    else family.push({ p: v.evidence.p_value, apply: (q) => (out[i] = classify(v.test, v.key, { ...v.evidence, q_value: q })) })
    const growth = slot.sample.heap_growth
    if (growth && slot.rules.leak?.judge !== false) {
      family.push({
        p: growth.p_value,
        apply: (q) => {
          const f = leakFinding(slot.sample, slot.rules, config.confidence, q)
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
