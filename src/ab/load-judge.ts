/**
 * Load tests (`perf.load()`) in an A/B run. A load test has no paired rounds: each process
 * (paired design: the base's load test, then the head's, in one process; processes design: a
 * pair of fresh processes) gives one observation of both sides. Its wall time (the p50 latency)
 * is the verdict, as for any test; throughput (higher is better) and the p95 latency (lower is
 * better) are judged as findings, with the same t-test over the per-process log ratios and the
 * same bands. Pure.
 */
import type { Thresholds } from '../config/options.js'
import { reaches, severityOf, type Finding } from '../detect/verdict.js'
import { benjaminiHochberg } from '../stats/multiple.js'
import type { PerfSample } from '../types.js'
import { formatMetric } from '../detect/metrics.js'
import { formatInterval, formatPercent, formatRatio, plural } from '../util/format.js'
import { median, tTest } from './stats.js'

/** The figures of one side's load sample that an A/B run judges. */
export interface LoadSide {
  /** The p50 latency (the sample's wall-time median), ns. */
  wall_ns: number
  /** Calls finished per second. */
  throughput: number
  /** The p95 latency, ns. */
  p95_ns: number
}

/** Both sides of a load test in one process (paired design) or one pair of processes. */
export interface LoadPair {
  base: LoadSide
  head: LoadSide
}

/** The figures of a load sample; undefined for a sample that is not one (or has no p95). */
export function loadSide(sample: PerfSample): LoadSide | undefined {
  const load = sample.load
  if (!load) return undefined
  const m = sample.metrics ?? {}
  const last = load.steps.at(-1)!
  const p95 = m['latency p95']?.value ?? last.latency_ns.p95
  return { wall_ns: sample.wall_ns.median, throughput: m.throughput?.value ?? last.throughput, p95_ns: p95 }
}

/** The load metrics an A/B run judges, with their direction. */
const METRICS = [
  { key: 'throughput', label: 'throughput', unit: 'calls/s', better: 'higher', read: (s: LoadSide) => s.throughput },
  { key: 'latency p95', label: 'latency (p95)', unit: 'ns', better: 'lower', read: (s: LoadSide) => s.p95_ns },
] as const

export interface LoadJudgeConfig {
  thresholds: Thresholds
  /** Significance of one look (alpha over the planned looks). */
  alphaLook: number
  /** Short commit of the base, for reasons. */
  base: string
  design: 'paired' | 'processes'
}

/**
 * The findings of each test's load pairs (by index of `pairs`; none for a test with fewer than
 * two), with q-values adjusted across every load metric of the run (Benjamini–Hochberg).
 */
export function loadFindings(pairs: readonly (readonly LoadPair[] | undefined)[], config: LoadJudgeConfig): Finding[][] {
  const candidates: { i: number; def: (typeof METRICS)[number]; pairs: readonly LoadPair[]; x: number[] }[] = []
  pairs.forEach((list, i) => {
    if (!list || list.length < 2) return
    for (const def of METRICS) {
      const usable = list.filter((p) => def.read(p.base) > 0 && def.read(p.head) > 0)
      if (usable.length >= 2) candidates.push({ i, def, pairs: usable, x: usable.map((p) => Math.log(def.read(p.head) / def.read(p.base))) })
    }
  })
  const tests = candidates.map((c) => tTest(c.x, config.alphaLook))
  const q = benjaminiHochberg(tests.map((t) => t.p))
  const out: Finding[][] = pairs.map(() => [])
  candidates.forEach((c, j) => {
    const t = tests[j]!
    const ratio = Math.exp(t.log_ratio)
    const interval: [number, number] = [Math.exp(t.log_ratio - t.q * t.se), Math.exp(t.log_ratio + t.q * t.se)]
    if (q[j]! > config.alphaLook) return
    // Ratios in the metric's worse direction: a fall of throughput, a rise of latency.
    const w = c.def.better === 'lower' ? ratio : 1 / ratio
    const bands = config.thresholds
    const direction = reaches(w, bands.minor) ? 'worse' : reaches(1 / w, bands.minor) ? 'better' : undefined
    if (!direction) return
    const severity = severityOf(direction === 'worse' ? w : 1 / w, bands) ?? 'minor'
    const head = median(c.pairs.map((p) => c.def.read(p.head)))
    const base = median(c.pairs.map((p) => c.def.read(p.base)))
    const over = config.design === 'paired' ? `in ${plural(c.pairs.length, 'process', 'processes')}` : `over ${plural(c.pairs.length, 'pair')} of fresh processes`
    out[c.i]!.push({
      kind: 'metric',
      metric: c.def.key,
      unit: c.def.unit,
      direction,
      severity,
      gates: true,
      current: head,
      baseline: base,
      ratio,
      interval,
      p_value: t.p,
      q_value: q[j]!,
      baseline_runs: c.pairs.length,
      reason:
        `${c.def.label} ${formatRatio(ratio)} ${ratio > 1 ? 'higher' : 'lower'} than base ${config.base} ${over}, ${direction === 'worse' ? 'a regression' : 'an improvement'} ` +
        `(${formatMetric(head, c.def.unit)} vs ${formatMetric(base, c.def.unit)}; ${formatPercent(1 - config.alphaLook)} interval ${formatInterval(interval)}), ${severity} band`,
    })
  })
  return out
}
