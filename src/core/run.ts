import { randomUUID } from 'node:crypto'
import path from 'node:path'
import type { ResolvedConfig } from '../config/options.js'
import { detect, testKey } from '../detect/detect.js'
import { failingVerdicts, type TestVerdict } from '../detect/verdict.js'
import { envKey } from '../env/environment.js'
import { appendRecord, type StoreWarning } from '../store/store.js'
import { confirmSuspects, type Confirmation, type Confirmer } from './confirm.js'
import type { HistoryLimits } from './history.js'
import { readHistory } from './history-read.js'
import { SCHEMA_VERSION, type EnvInfo, type GitInfo, type PerfSample, type RunRecord, type RunnerInfo, type TestRef } from '../types.js'

/** Set by `perf-regression vitest|jest --repeat N` for the runs it starts: their repeat group. */
export const REPEAT_GROUP_ENV = 'PERF_REPEAT_GROUP'

/** A sample as an adapter collected it, with the test it belongs to. */
export interface CollectedSample {
  test: TestRef
  runner: RunnerInfo
  sample: PerfSample
}

export interface FinishInput {
  samples: readonly CollectedSample[]
  config: ResolvedConfig
  /** Project root; a relative `store` is resolved against it. */
  root: string
  env: EnvInfo
  git: GitInfo
  now: Date
  runId?: string
  /** Append the run to the store. @default true */
  record?: boolean
  /** Repeat group of this run (`--repeat`): earlier compare runs of the group are pooled with it. */
  group?: string
  /** Re-measures suspect tests in fresh processes (see `confirmSuspects`); without it, one run decides. */
  confirm?: Confirmer
  /** Read the history through the store's index. @default true unless PERF_REGRESSION_NO_INDEX=1 */
  useIndex?: boolean
}

export interface RunOutcome {
  record: RunRecord
  verdicts: TestVerdict[]
  /** Verdicts that fail the run (`failingVerdicts`: at or above `failOn`, none in establish mode). */
  failing: TestVerdict[]
  /** Store lines skipped while reading the history. */
  warnings: StoreWarning[]
  storePath: string
  /** Whether the run was appended to the store. */
  recorded: boolean
  /** Earlier runs (any mode), cut down to this run's tests and to `historyLimits`, oldest first, without raw samples. */
  history: RunRecord[]
  config: ResolvedConfig
  /** What the confirmation of suspect tests did, when it ran. */
  confirmation?: Confirmation
}

/** How much history is kept per test while a run is judged: the whole baseline window, and 100 runs for charts. */
export function historyLimits(config: Pick<ResolvedConfig, 'baselineWindow'>): HistoryLimits {
  return { baseline: Math.max(config.baselineWindow.runs, 100), other: 100 }
}

/** Builds the run record from collected samples. Pure. */
export function buildRecord(input: Omit<FinishInput, 'root'> & { runId: string }): RunRecord {
  return {
    schema: SCHEMA_VERSION,
    kind: 'run',
    id: input.runId,
    time: input.now.toISOString(),
    mode: input.config.baselineMode === 'establish' ? 'baseline' : 'compare',
    ...(input.group ? { group: input.group } : {}),
    git: input.git,
    env: input.env,
    results: input.samples.map((s) => ({ test: s.test, runner: s.runner, env_key: envKey(input.env, s.runner), sample: s.sample })),
  }
}

/**
 * The reporter's whole job after the tests ran: read the history, judge the
 * run, append it to the store. Only results of this run's tests are kept in
 * memory while the store is streamed.
 */
export async function finishRun(input: FinishInput): Promise<RunOutcome> {
  const runId = input.runId ?? randomUUID()
  const record = buildRecord({ ...input, runId })
  const storePath = path.resolve(input.root, input.config.store)
  const keys = new Set(record.results.map((r) => testKey(r.test)))
  const { runs: history, events, warnings } = keys.size > 0 ? await readHistory(storePath, { keys, limits: historyLimits(input.config) }, input.useIndex) : { runs: [], events: [], warnings: [] }
  const first = detect({ current: record.results, history, events, config: input.config, now: input.now, runId, ...(record.group ? { group: record.group } : {}) })
  const { verdicts, confirmation } = input.confirm
    ? await confirmSuspects({ verdicts: first, record, history, events, config: input.config, now: input.now, confirm: input.confirm })
    : { verdicts: first, confirmation: undefined }
  const recorded = input.record !== false && record.results.length > 0
  if (recorded) await appendRecord(storePath, record)
  const failing = failingVerdicts(verdicts, input.config.baselineMode, input.config.failOn)
  return { record, verdicts, failing, warnings, storePath, recorded, history, config: input.config, ...(confirmation ? { confirmation } : {}) }
}
