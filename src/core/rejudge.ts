import type { ResolvedConfig } from '../config/options.js'
import { detect } from '../detect/detect.js'
import { failingVerdicts } from '../detect/verdict.js'
import type { StoreWarning } from '../store/store.js'
import type { BaselineEvent, RunRecord } from '../types.js'
import type { RunOutcome } from './run.js'

/**
 * Judges a stored run again, with the given configuration, against the runs
 * stored before it: what `perf-regression report` and `check` show. Pure.
 * Returns undefined when the store has no such run.
 */
export function rejudge(
  runs: readonly RunRecord[],
  config: ResolvedConfig,
  storePath: string,
  warnings: StoreWarning[],
  runId?: string,
  events: readonly BaselineEvent[] = [],
  /** Baseline events up to this time count (the real now, so that an accepted run passes). */
  eventsUntil?: Date,
): RunOutcome | undefined {
  const record = runId === undefined ? runs.at(-1) : runs.find((r) => r.id === runId || r.id.startsWith(runId))
  if (!record) return undefined
  const time = Date.parse(record.time)
  const history = runs.filter((r) => r.id !== record.id && Date.parse(r.time) <= time)
  const verdicts = detect({
    current: record.results,
    history,
    events,
    config,
    now: new Date(record.time),
    runId: record.id,
    ...(eventsUntil ? { eventsUntil } : {}),
    ...(record.group ? { group: record.group } : {}),
  })
  const mode = record.mode === 'baseline' ? 'establish' : 'compare'
  const failing = failingVerdicts(verdicts, mode, config.failOn)
  return { record, verdicts, failing, warnings, storePath, recorded: true, history, config: { ...config, baselineMode: mode } }
}
