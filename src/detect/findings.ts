import { median } from 'simple-statistics'
import type { Bands, MetricRule, Thresholds } from '../config/options.js'
import type { PerfSample } from '../types.js'
import type { BaselineEntry } from './baseline.js'
import { formatInterval, formatPercent, formatRatio } from '../util/format.js'
import { DEFAULT_LEAK_FLOOR, formatMetric, judgedMetrics, WALL_METRIC, type MetricDef } from './metrics.js'
import { baselineModel, compareToModel } from './modes.js'
import { trendOf } from './trend.js'
import { reaches, severityOf, type Finding } from './verdict.js'


/** Hard limits (`max`, `min`) of every judged metric, wall time included. Need no baseline. */
export function limitFindings(sample: PerfSample, rules: Readonly<Record<string, MetricRule>>): Finding[] {
  const metrics = [{ def: WALL_METRIC, rule: rules.wall ?? {}, value: sample.wall_ns.median }, ...judgedMetrics(sample, rules)]
  const out: Finding[] = []
  for (const { def, rule, value } of metrics) {
    const crossed = rule.max !== undefined && value > rule.max ? { limit: rule.max, word: 'above' } : rule.min !== undefined && value < rule.min ? { limit: rule.min, word: 'below' } : undefined
    if (!crossed) continue
    out.push({
      kind: 'limit',
      metric: def.key,
      unit: def.unit,
      direction: 'worse',
      severity: 'critical',
      gates: true,
      current: value,
      limit: crossed.limit,
      reason: `${def.label} is ${formatMetric(value, def.unit)}, ${crossed.word} its limit of ${formatMetric(crossed.limit, def.unit)}`,
    })
  }
  return out
}

/**
 * A leak: heap retained per call after full GCs grows, significantly (its p-value adjusted with the rest
 * of the run: `q`) and by at least the floor.
 */
export function leakFinding(sample: PerfSample, rules: Readonly<Record<string, MetricRule>>, confidence: number, q: number): Finding | undefined {
  const growth = sample.heap_growth
  const rule = rules.leak ?? {}
  if (!growth || rule.judge === false) return undefined
  const floor = rule.floor ?? DEFAULT_LEAK_FLOOR
  if (!(growth.interval[0] > 0 && q <= 1 - confidence && growth.bytes_per_iteration >= floor)) return undefined
  return {
    kind: 'leak',
    metric: 'leak',
    unit: 'B/call',
    direction: 'worse',
    severity: 'moderate',
    gates: true,
    current: growth.bytes_per_iteration,
    interval: growth.interval,
    p_value: growth.p_value,
    q_value: q,
    limit: floor,
    reason:
      `the heap kept growing by ${formatMetric(growth.bytes_per_iteration, 'B')} per call after full garbage collections ` +
      `(95% interval ${formatMetric(growth.interval[0], 'B')}–${formatMetric(growth.interval[1], 'B')}, ${growth.iterations} calls in ${growth.batches} batches): a leak`,
  }
}

/** A metric compared with its baseline runs, before the p-values of the run are adjusted together. */
export interface MetricCandidate {
  def: MetricDef
  rule: MetricRule
  current: number
  baseline: number
  baseline_runs: number
  /** current / baseline. */
  ratio: number
  interval: [number, number]
  p: number
  bands: Thresholds
}

/** Relative comparisons of the judged metrics besides wall time (absolute metrics are judged by their limits only). */
export function metricCandidates(
  sample: PerfSample,
  baseline: readonly BaselineEntry[],
  rules: Readonly<Record<string, MetricRule>>,
  bands: Thresholds,
  confidence: number,
  minSamples: number,
): MetricCandidate[] {
  const out: MetricCandidate[] = []
  for (const { def, rule, value } of judgedMetrics(sample, rules)) {
    if (def.absolute || !(value > 0)) continue
    const values = baseline.map((e) => def.read(e.sample)).filter((v): v is number => v !== undefined && v > 0)
    if (values.length < minSamples) continue
    const model = baselineModel(values)
    const c = compareToModel(value, model, confidence)
    out.push({
      def,
      rule,
      current: value,
      baseline: Math.exp(c.mode.center),
      baseline_runs: values.length,
      ratio: Math.exp(c.d),
      interval: [Math.exp(c.d - c.half), Math.exp(c.d + c.half)],
      p: c.p,
      bands: { ...bands, ...rule.thresholds },
    })
  }
  return out
}

/**
 * Changes no ratio can measure, of metrics judged by ratio: a higher-is-better metric that dropped to 0 or below
 * from a positive baseline, and a lower-is-better one that was 0 in every baseline run and is not any more.
 * Both are critical. (Metrics that are often 0, such as counts and rates, are better recorded as `absolute`
 * and given limits.)
 */
export function zeroFindings(sample: PerfSample, baseline: readonly BaselineEntry[], rules: Readonly<Record<string, MetricRule>>, minSamples: number): Finding[] {
  const out: Finding[] = []
  for (const { def, value } of judgedMetrics(sample, rules)) {
    if (def.absolute) continue
    const values = baseline.map((e) => def.read(e.sample)).filter((v): v is number => v !== undefined)
    if (values.length < minSamples) continue
    const positive = values.filter((v) => v > 0)
    let reason: string | undefined
    if (def.better === 'higher' && value <= 0 && positive.length === values.length) {
      reason = `${def.label} dropped to ${formatMetric(value, def.unit)} (above 0 in all ${values.length} baseline runs, median ${formatMetric(median(values), def.unit)})`
    } else if (def.better === 'lower' && value > 0 && values.every((v) => v === 0)) {
      reason = `${def.label} is ${formatMetric(value, def.unit)}, after 0 in all ${values.length} baseline runs`
    }
    if (reason) {
      out.push({ kind: 'metric', metric: def.key, unit: def.unit, direction: 'worse', severity: 'critical', gates: true, current: value, baseline: median(values), baseline_runs: values.length, reason })
    }
  }
  return out
}

/** The finding of a metric comparison after adjustment (q), or undefined when it is not a clear change. */
export function metricFinding(c: MetricCandidate, q: number, confidence: number): Finding | undefined {
  if (q > 1 - confidence) return undefined
  if (c.rule.floor !== undefined && Math.abs(c.current - c.baseline) < c.rule.floor) return undefined
  // Ratios in the metric's worse direction.
  const up = c.def.better === 'lower'
  const w = up ? c.ratio : 1 / c.ratio
  // The same rule as wall time: significant (checked above), and the estimate reaches the band.
  const direction = reaches(w, c.bands.minor) ? 'worse' : reaches(1 / w, c.bands.minor) ? 'better' : undefined
  if (!direction) return undefined
  const severity = severityOf(direction === 'worse' ? w : 1 / w, c.bands) ?? 'minor'
  const moved = c.current > c.baseline ? 'higher' : 'lower'
  return {
    kind: 'metric',
    metric: c.def.key,
    unit: c.def.unit,
    direction,
    severity,
    gates: true,
    current: c.current,
    baseline: c.baseline,
    ratio: c.ratio,
    interval: c.interval,
    p_value: c.p,
    q_value: q,
    baseline_runs: c.baseline_runs,
    reason:
      `${c.def.label} ${formatRatio(c.ratio)} ${moved}, ${direction === 'worse' ? 'a regression' : 'an improvement'} (` +
      `${formatMetric(c.current, c.def.unit)} vs ${formatMetric(c.baseline, c.def.unit)} over ${c.baseline_runs} baseline runs; ` +
      `${formatPercent(confidence)} interval ${formatInterval(c.interval)}), ${severity} band`,
  }
}

/**
 * A step or drift of wall time across the test's baseline runs (oldest first) that
 * ends at the current run. Reported, never failing: the runs showing it are mostly
 * baseline runs, so its cause may be anywhere in their commits.
 */
export function trendFinding(baseline: readonly BaselineEntry[], current: PerfSample, bands: Bands, confidence: number): Finding | undefined {
  const chronological = [...baseline].reverse()
  const values = [...chronological.map((e) => e.sample.wall_ns.median), current.wall_ns.median]
  const t = trendOf(values, { thresholds: bands, confidence })
  if (!t || t.severity === undefined) return undefined
  const first = chronological[t.since]
  const since = first
    ? { run_id: first.run.id, time: first.run.time, ...(first.run.git.commit ? { commit: first.run.git.commit } : {}), runs: t.runs }
    : undefined
  const from = first ? `since run ${first.run.id.slice(0, 8)}${first.run.git.commit ? ` (commit ${first.run.git.commit.slice(0, 7)})` : ''}, ${t.runs} runs ago counting this one` : 'at this run'
  const slower = t.direction === 'worse'
  const change = slower ? formatRatio(t.ratio) : formatRatio(1 / t.ratio)
  const what =
    t.kind === 'step'
      ? `a step change: ${change} ${slower ? 'slower' : 'faster'} ${from}`
      : `a drift of ${((t.per_run! - 1) * 100).toFixed(1)}% per run, ${change} ${slower ? 'slower' : 'faster'} in all ${from}`
  return {
    kind: t.kind,
    metric: 'wall',
    unit: 'ns',
    direction: t.direction,
    severity: t.severity,
    gates: false,
    current: current.wall_ns.median,
    ratio: t.ratio,
    interval: t.interval,
    p_value: t.p_value,
    ...(since ? { since } : {}),
    ...(t.per_run !== undefined ? { per_run: t.per_run } : {}),
    reason: `${what} (${formatPercent(confidence)} interval ${formatInterval(t.interval)}, p = ${t.p_value.toPrecision(2)})`,
  }
}
