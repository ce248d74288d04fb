import type { MetricRule } from '../config/options.js'
import type { PerfSample } from '../types.js'
import { formatBytes, formatNs } from '../util/format.js'

/**
 * Keys of the `metrics` option that name built-in metrics (and `memory`, a `measure.metrics` entry):
 * a custom metric may not use them.
 */
export const RESERVED_METRIC_NAMES: readonly string[] = ['wall', 'p75', 'p99', 'cpu', 'thread_cpu', 'heap', 'rss', 'leak', 'memory']

/** A metric the detector can judge, and how to read it from a sample. */
export interface MetricDef {
  /** Key in the `metrics` option and in findings: `wall`, `cpu`, …, or a custom metric's name. */
  key: string
  /** In words, for reasons: "CPU time per call". */
  label: string
  /** `ns`, `B` or a custom unit. */
  unit: string
  better: 'lower' | 'higher'
  /** Judged by difference against limits only, never by ratio (rates and counts that may be 0). */
  absolute: boolean
  read: (sample: PerfSample) => number | undefined
}

/** Median wall time per call: every test's verdict, and a metric for its limits. */
export const WALL_METRIC: MetricDef = { key: 'wall', label: 'wall time per call (median)', unit: 'ns', better: 'lower', absolute: false, read: (s) => s.wall_ns.median }

/** Metrics every `perf()` sample may carry besides wall time and custom ones; judged only when named in `metrics`. */
export const BUILTIN_METRICS: readonly MetricDef[] = [
  { key: 'p75', label: 'wall time per call (p75)', unit: 'ns', better: 'lower', absolute: false, read: (s) => s.wall_ns.p75 },
  { key: 'p99', label: 'wall time per call (p99)', unit: 'ns', better: 'lower', absolute: false, read: (s) => s.wall_ns.p99 },
  { key: 'cpu', label: 'CPU time per call', unit: 'ns', better: 'lower', absolute: false, read: (s) => s.cpu_ns },
  // The measuring thread's own CPU time per call: blind to the time it waited for a core, but a mean
  // over the phase, so garbage collection and outliers stay in it (docs/verdicts.md has its noise).
  { key: 'thread_cpu', label: 'CPU time of the measuring thread per call', unit: 'ns', better: 'lower', absolute: false, read: (s) => s.thread_cpu_ns },
  { key: 'heap', label: 'V8 heap in use', unit: 'B', better: 'lower', absolute: false, read: (s) => s.heap_used_bytes },
  { key: 'rss', label: 'resident set size', unit: 'B', better: 'lower', absolute: false, read: (s) => s.rss_bytes },
]

/** Default smallest heap growth per call that counts as a leak, in bytes. */
export const DEFAULT_LEAK_FLOOR = 64

/** A metric of load samples (`perf.load()`, k6 imports), and how it is judged unless the `metrics` option names it. */
export interface LoadMetricDef {
  key: string
  label: string
  /** Judged by default; naming the metric in `metrics` turns it on whatever this says. */
  judged: boolean
  /** Default hard upper limit, in the metric's unit. */
  max?: number
}

/**
 * The metrics of load samples. Judged by default: throughput (higher is better, a fall is
 * judged with mirrored bands), the p95 latency, and the error rate against a limit of 1%.
 * The rest are reported. Their units and directions travel with each sample's metrics.
 */
export const LOAD_METRICS: readonly LoadMetricDef[] = [
  { key: 'throughput', label: 'throughput', judged: true },
  { key: 'latency p50', label: 'latency (p50)', judged: false },
  { key: 'latency p90', label: 'latency (p90)', judged: false },
  { key: 'latency p95', label: 'latency (p95)', judged: true },
  { key: 'latency p99', label: 'latency (p99)', judged: false },
  { key: 'latency max', label: 'latency (max)', judged: false },
  { key: 'errors', label: 'errors', judged: false },
  { key: 'error rate', label: 'error rate', judged: true, max: 1 },
  { key: 'concurrency', label: 'calls in flight', judged: false },
  { key: 'scaling', label: 'scaling efficiency', judged: false },
]

/** Names of the metrics `perf.load()` records itself: its `record` may not use them. */
export const LOAD_METRIC_NAMES: readonly string[] = LOAD_METRICS.map((m) => m.key)
const LOAD_BY_KEY = new Map(LOAD_METRICS.map((m) => [m.key, m]))

/**
 * The rule of a custom metric of `sample`. For a load sample's own metrics, the default of
 * `LOAD_METRICS` when the `metrics` option does not name it; a rule that names it is merged
 * over the default limit and turns it on unless it says `judge: false`.
 */
function customRule(name: string, sample: PerfSample, rules: Readonly<Record<string, MetricRule>>): MetricRule {
  const own = rules[name]
  const load = sample.load ? LOAD_BY_KEY.get(name) : undefined
  if (!load) return own ?? {}
  const defaults: MetricRule = { judge: load.judged, ...(load.max !== undefined ? { max: load.max } : {}) }
  return own ? { ...defaults, judge: true, ...own } : defaults
}

/** The metrics of a sample to judge besides `wall`, with their rules. */
export function judgedMetrics(sample: PerfSample, rules: Readonly<Record<string, MetricRule>>): { def: MetricDef; rule: MetricRule; value: number }[] {
  const out: { def: MetricDef; rule: MetricRule; value: number }[] = []
  for (const def of BUILTIN_METRICS) {
    const rule = rules[def.key]
    // Judged only when named in the option, unless turned off there.
    if (!rule || rule.judge === false) continue
    const value = def.read(sample)
    if (value !== undefined) out.push({ def, rule, value })
  }
  for (const [name, m] of Object.entries(sample.metrics ?? {})) {
    // Refused when recorded; skipped here so a hand-written store cannot pass one off as a built-in.
    if (RESERVED_METRIC_NAMES.includes(name)) continue
    const rule = customRule(name, sample, rules)
    if (rule.judge === false) continue
    const def: MetricDef = {
      key: name,
      label: (sample.load ? LOAD_BY_KEY.get(name)?.label : undefined) ?? name,
      unit: m.unit,
      better: m.better,
      absolute: m.absolute === true,
      read: (s) => s.metrics?.[name]?.value,
    }
    out.push({ def, rule, value: m.value })
  }
  return out
}

/** Formats a value of a metric with its unit: times and bytes as everywhere else in the reports. */
export function formatMetric(value: number, unit: string): string {
  if (unit === 'ns') return formatNs(value)
  if (unit === 'B') return formatBytes(value)
  const n = Number(value.toPrecision(4))
  if (unit === '%') return `${n}%`
  return unit ? `${n} ${unit}` : String(n)
}
