/**
 * The decision rule and the words of every wall-time verdict: what kind a
 * comparison is, and the one-line reason shown to people. Pure.
 */
import { median } from 'simple-statistics'
import { contentionReason } from './contention.js'
import type { TestRef } from '../types.js'
import { formatInterval, formatNs, formatPercent, formatRatio } from '../util/format.js'
import { reaches, severityOf, type Evidence, type TestVerdict } from './verdict.js'


/**
 * The decision rule. A change is a regression (or an improvement) when it is
 * significant after the suite-wide adjustment (q ≤ 1 − confidence) and the
 * estimated ratio reaches the `minor` band; its severity is the band the
 * estimate reaches. `inconclusive` is for the undecided: an estimate that
 * reaches the band without significance, or an interval too wide to tell a
 * band-sized change from none. Everything else is `unchanged`, including a
 * significant change smaller than the band.
 */
export function classify(test: TestRef, key: string, evidence: Evidence): TestVerdict {
  const { ratio, interval, thresholds: bands, confidence, q_value: q } = evidence
  const alpha = 1 - confidence
  const base = { test, key, evidence }
  const what = evidence.repeats ? `${formatNs(evidence.current)}, the median of ${evidence.repeats} runs,` : formatNs(evidence.current)
  const vs = evidence.mode
    ? `${what} vs ${formatNs(evidence.baseline)}, a level seen in ${evidence.mode.runs} of ${evidence.baseline_runs} baseline runs (usual level ${formatNs(evidence.mode.main)})`
    : `${what} vs ${formatNs(evidence.baseline)} over ${evidence.baseline_runs} baseline runs`
  const range = `${formatPercent(confidence)} interval ${formatInterval(interval)}`
  if (evidence.floor_ns !== undefined && Math.abs(evidence.current - evidence.baseline) < evidence.floor_ns) {
    return { ...base, kind: 'unchanged', reason: `the change is smaller than the ${formatNs(evidence.floor_ns)} floor (${vs}; ${range})` }
  }
  const slower = ratio >= 1
  const size = slower ? ratio : 1 / ratio
  const significant = q <= alpha
  const noise = `with ${(evidence.noise * 100).toFixed(1)}% run-to-run noise, one run shows a slowdown from about ${formatRatio(evidence.detectable)}`
  if (reaches(size, bands.minor)) {
    const severity = severityOf(size, bands) ?? 'minor'
    if (significant && slower && evidence.contention) {
      // A busy machine, not slower code: the run got clearly less of a core than its baseline runs.
      return {
        ...base,
        kind: 'inconclusive',
        reason: `${formatRatio(ratio)} slower, but the machine was busy: ${contentionReason(evidence.contention)} (${vs}; ${range})`,
      }
    }
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

/** A test without a baseline run from its environment; `foreign` baseline runs came from other environments. */
export function newVerdict(test: TestRef, key: string, current: number, foreign: number): TestVerdict {
  const reason =
    foreign > 0
      ? `no baseline run from this environment yet (${foreign} from other machines, Node or runner versions, or pools are never compared): this run is not judged`
      : 'no baseline run yet: this run is not judged'
  return { kind: 'new', test, key, current, foreign_baseline_runs: foreign, reason }
}

/** A test with fewer than `required` baseline runs (at least one). */
export function insufficientVerdict(test: TestRef, key: string, current: number, baseline: readonly number[], required: number): TestVerdict {
  return {
    kind: 'insufficient-data',
    test,
    key,
    current,
    baseline: median(baseline),
    baseline_runs: baseline.length,
    required,
    reason: `${baseline.length} of ${required} baseline runs needed before this test is judged`,
  }
}
