import type { ResolvedConfig } from '../config/options.js'
import type { ConfirmPlan, ConfirmResult } from '../confirm/run.js'
import { suspectKey } from '../confirm/run.js'
import { detect } from '../detect/detect.js'
import { testKey } from '../detect/identity.js'
import { LOAD_METRIC_NAMES } from '../detect/metrics.js'
import type { Finding, TestVerdict } from '../detect/verdict.js'
import type { BaselineEvent, PerfSample, RunRecord, TestResult } from '../types.js'

/** Re-measures suspect tests in fresh processes; an adapter's (see `runConfirmations`). */
export type Confirmer = (plan: ConfirmPlan) => Promise<ConfirmResult>

/** What confirmation did, for the terminal and the reports. */
export interface Confirmation {
  /** Suspect tests (a regression, an inconclusive verdict or a load finding against its band on the first run). */
  tests: number
  /** Fresh processes that measured them. */
  runs: number
  seconds: number
  /** Suspects whose verdict changed once judged on all their runs. */
  changed: number
  stopped?: ConfirmResult['stopped']
  notes: string[]
  /**
   * The sample each re-measured suspect was judged on as its current run (the latest
   * confirmation run's) and how many runs re-measured it, by test key: the reports show
   * these figures, not the first run's (which the store keeps).
   */
  judged: Record<string, { sample: PerfSample; runs: number }>
}

export interface ConfirmInput {
  verdicts: TestVerdict[]
  record: RunRecord
  history: readonly RunRecord[]
  events: readonly BaselineEvent[]
  config: ResolvedConfig
  now: Date
  confirm: Confirmer
}

/**
 * A load test's throughput or latency that got worse against its band: a ratio to the
 * baseline runs, as noisy as the wall time is, so re-measuring can tell it from noise.
 * Not limits (an error rate above its `max`, a counter that must stay 0), nor a metric
 * that fell to 0: those are facts of the run, not estimates.
 */
const isLoadBandFinding = (f: Finding) => f.kind === 'metric' && f.direction === 'worse' && f.ratio !== undefined && LOAD_METRIC_NAMES.includes(f.metric)
const hasLoadBandFinding = (v: TestVerdict) => (v.findings ?? []).some(isLoadBandFinding)

/**
 * A suspect: a regression, an inconclusive verdict whose estimate is slower, or a
 * load test with a worse throughput or latency finding (see `isLoadBandFinding`).
 * An inconclusive verdict that reads faster or the same (an interval too wide to
 * tell) is not re-measured: pooling more runs of it would not make a regression
 * unless they were slower, and re-measuring it costs a process per run.
 */
const isSuspect = (v: TestVerdict) => v.kind === 'regression' || (v.kind === 'inconclusive' && v.evidence.ratio > 1) || hasLoadBandFinding(v)

/**
 * A limit finding of an `absolute` metric (an error rate, a count) of the first run: a fact
 * about that run that no re-measurement can take back, so it stays on the re-judged verdict.
 */
const isFact = (f: Finding, sample: PerfSample | undefined) => f.kind === 'limit' && sample?.metrics?.[f.metric]?.absolute === true

/**
 * Decided: a regression on two runs or more, or an estimate on all its runs
 * below the `minor` band, which cannot fail the run. Still open: an estimate in
 * a band without significance, or a busy machine. A load finding adds no rule here:
 * the metrics besides wall time are judged on the latest run alone (they are not
 * pooled), so more runs would only draw it again, and stopping when one of them
 * happened to read worse would favour failing.
 */
const isDecided = (v: TestVerdict) => v.kind !== 'inconclusive' || !('evidence' in v) || v.evidence.ratio < v.evidence.thresholds.minor

/**
 * Judges the suspect tests of a compare run again on the confirmation runs (with
 * the first run only while there is one of them), pooled as a repeat group is (the median of them),
 * with the latest measurement as the current one, so a busy machine is judged by
 * how busy it is now. Nothing here is stored: the history keeps one observation
 * per process, the first run's.
 */
export async function confirmSuspects(input: ConfirmInput): Promise<{ verdicts: TestVerdict[]; confirmation?: Confirmation }> {
  const { config, record } = input
  if (config.confirm === false || config.confirm.runs === 0 || record.mode !== 'compare' || record.group !== undefined) return { verdicts: input.verdicts }
  const suspects = input.verdicts.filter(isSuspect)
  if (suspects.length === 0) return { verdicts: input.verdicts }
  const suspectKeys = new Set(suspects.map((v) => v.key))
  const rejudge = (samples: ReadonlyMap<string, PerfSample[]>) => judgePooled(input, suspectKeys, samples)
  const result = await input.confirm({
    suspects: suspects.map((v) => ({ file: v.test.file, name: v.test.name })),
    runs: config.confirm.runs,
    budgetMs: config.confirm.budget * 1000,
    decided: (samples) => {
      const judged = rejudge(samples)
      // Every suspect must have been measured again: a run that measured none of them decides nothing.
      return judged.size === suspectKeys.size && [...judged.values()].every((j) => j.runs >= 2 && isDecided(j.verdict))
    },
  })
  const judged = rejudge(result.samples)
  const samples: Confirmation['judged'] = {}
  let changed = 0
  const firstSamples = new Map(record.results.map((r) => [testKey(r.test), r.sample]))
  const verdicts = input.verdicts.map((v): TestVerdict => {
    const j = judged.get(v.key)
    if (!j) return v
    const runs = j.runs
    samples[v.key] = { sample: j.sample, runs }
    // Limits of absolute metrics crossed in the first run stay; everything else is judged on the re-measured runs.
    const facts = (v.findings ?? []).filter((f) => isFact(f, firstSamples.get(v.key)))
    const findings = [...facts, ...(j.verdict.findings ?? []).filter((f) => !facts.some((g) => g.metric === f.metric && isFact(f, j.sample)))]
    if (j.verdict.kind !== v.kind || hasLoadBandFinding(v) !== findings.some(isLoadBandFinding)) changed++
    const reason = `${j.verdict.reason}; re-measured in ${runs} more ${runs === 1 ? 'process' : 'processes'}`
    return findings.length > 0 ? { ...j.verdict, findings, reason } : { ...j.verdict, reason }
  })
  return {
    verdicts,
    confirmation: {
      tests: suspects.length,
      runs: result.runs,
      seconds: result.seconds,
      changed,
      ...(result.stopped ? { stopped: result.stopped } : {}),
      notes: result.notes,
      judged: samples,
    },
  }
}

/** The suspects' verdicts on all their runs, with the number of confirmation runs each had. */
function judgePooled(input: ConfirmInput, suspects: ReadonlySet<string>, samples: ReadonlyMap<string, PerfSample[]>): Map<string, { verdict: TestVerdict; runs: number; sample: PerfSample }> {
  const { record } = input
  const group = `confirm:${record.id}`
  const extra: RunRecord[] = []
  const runs = new Map<string, { runs: number; sample: PerfSample }>()
  const current: TestResult[] = record.results.map((r) => {
    const key = testKey(r.test)
    const list = suspects.has(key) ? samples.get(suspectKey(r.test.file, r.test.name, r.test.bench)) : undefined
    if (!list || list.length === 0) return r
    runs.set(key, { runs: list.length, sample: list.at(-1)! })
    // The first run and all but the latest confirmation run are the group's earlier runs.
    // The first run leaves the pool once two fresh runs exist. It was picked for looking slow, so
    // it is the selected extreme of its own noise (or of a disturbance): as the slowest of three it
    // would make their median the slower of the two fresh runs, and unchanged code would fail.
    const first = list.length >= 2 ? [] : [r.sample]
    ;[...first, ...list.slice(0, -1)].forEach((sample, j) => {
      extra.push({ ...record, id: `${record.id}#confirm-${key}-${j}`, group, results: [{ ...r, sample }] })
    })
    return { ...r, sample: list.at(-1)! }
  })
  if (runs.size === 0) return new Map()
  const verdicts = detect({ current, history: [...input.history, ...extra], events: input.events, config: input.config, now: input.now, runId: record.id, group })
  const out = new Map<string, { verdict: TestVerdict; runs: number; sample: PerfSample }>()
  for (const v of verdicts) {
    const n = runs.get(v.key)
    if (n !== undefined) out.set(v.key, { verdict: v, ...n })
  }
  return out
}
