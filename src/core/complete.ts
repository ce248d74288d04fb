import type { ResolvedConfig } from '../config/options.js'
import { ConfigError } from '../config/validate.js'
import { collectEnv, gitInfo } from '../env/environment.js'
import { buildReportModel } from '../report/model.js'
import { printable } from '../report/printable.js'
import { writeOutputs } from './outputs.js'
import { renderTerminal } from '../report/terminal.js'
import { StoreError } from '../store/store.js'
import type { EnvInfo, GitInfo } from '../types.js'
import type { TextOutput } from '../util/output.js'
import type { Confirmation, Confirmer } from './confirm.js'
import { notifyRun, type Notifier } from './notify.js'
import { finishRun, REPEAT_GROUP_ENV, type CollectedSample } from './run.js'

export interface CompleteInput {
  samples: readonly CollectedSample[]
  config: ResolvedConfig
  root: string
  /** Append the run to the store (false in watch mode). */
  record: boolean
  color: boolean
  /** The command that records a baseline, for the "no baseline yet" hint. */
  establishHint: string
  log: (text: string) => void
  /** Re-measures suspect tests in fresh processes (not in watch mode); without it, one run decides. */
  confirm?: Confirmer
}

/** What `completeRun` takes from the process, each replaceable (in tests); the process's own by default. */
export interface CompleteDeps {
  /** Environment variables: GitHub Actions, the job summary, the repeat group, CI git variables. @default process.env */
  env: Record<string, string | undefined>
  /** The time the run is recorded at and judged by. @default () => new Date() */
  now: () => Date
  /** Where workflow commands (annotations) go: the Actions runner reads them on stdout. @default process.stdout */
  stdout: TextOutput
  /** Where the report writer's notes (temporary files it swept) go. @default process.stderr */
  stderr: TextOutput
  /** The machine the run was measured on. @default collectEnv(env) */
  machine: (env: Record<string, string | undefined>) => EnvInfo
  /** The commit and branch of the run. @default gitInfo(env, root) */
  git: (env: Record<string, string | undefined>, root: string) => GitInfo
  /** Announces the judged run to the `notify` webhook; returns a problem to warn about. @default notifyRun */
  notify: Notifier
}

export interface CompleteResult {
  /** Regressions that fail the run (already explained in the printed summary). */
  regressions: number
  /** A store or configuration error that stopped the run from being judged or recorded. */
  error?: string
}

const processDeps = (): CompleteDeps => ({
  env: process.env,
  now: () => new Date(),
  stdout: process.stdout,
  stderr: process.stderr,
  machine: collectEnv,
  git: gitInfo,
  notify: notifyRun,
})

/**
 * What every runner's reporter does once the tests are done: judge and record
 * the run, print the summary, and say whether the run must fail and why.
 * Store and configuration errors are reported as a failure, never thrown.
 */
export async function completeRun(input: CompleteInput, deps: Partial<CompleteDeps> = {}): Promise<CompleteResult> {
  const { env, now, stdout, stderr, machine, git, notify } = { ...processDeps(), ...deps }
  try {
    const group = env[REPEAT_GROUP_ENV]
    const outcome = await finishRun({
      samples: input.samples,
      config: input.config,
      root: input.root,
      env: machine(env),
      git: git(env, input.root),
      now: now(),
      record: input.record,
      ...(group ? { group } : {}),
      ...(input.confirm ? { confirm: input.confirm } : {}),
    })
    if (outcome.confirmation) input.log(confirmationLine(outcome.confirmation))
    const model = buildReportModel(outcome)
    input.log(renderTerminal(model, { color: input.color, establishHint: input.establishHint }))
    const outputs = await writeOutputs(model, input.config, input.root, env, stderr)
    // Workflow commands go to stdout, where the Actions runner reads them.
    for (const line of outputs.annotations) stdout.write(line + '\n')
    for (const problem of outputs.problems) input.log(`perf-regression: warning: ${printable(problem)}`)
    const undelivered = await notify(model, input.config.notify, env)
    if (undelivered) input.log(`perf-regression: warning: ${printable(undelivered)}`)
    return { regressions: outcome.failing.length }
  } catch (error) {
    if (error instanceof StoreError || error instanceof ConfigError) return { regressions: 0, error: error.message }
    throw error
  }
}

/** One line on what confirmation did, and why it stopped early if it did. */
export function confirmationLine(c: Confirmation): string {
  const tests = c.tests === 1 ? '1 suspect test' : `${c.tests} suspect tests`
  const runs = c.runs === 1 ? '1 fresh process' : `${c.runs} fresh processes`
  const why =
    c.stopped === 'budget' ? '; stopped at the time budget (confirm.budget)' : c.stopped === 'failed' ? '; stopped after a run that failed' : c.stopped === 'decided' ? '; stopped once decided' : ''
  const changed = c.changed === 0 ? 'no verdict changed' : c.changed === 1 ? '1 verdict changed' : `${c.changed} verdicts changed`
  const notes = c.notes.map((n) => `\n  perf-regression: ${printable(n)}`).join('')
  return `  perf-regression: re-measured ${tests} (a regression or an inconclusive verdict) in ${runs} (${c.seconds.toFixed(1)} s${why}): ${changed}.${notes}`
}
