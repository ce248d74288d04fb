import type { ResolvedConfig } from '../config/options.js'
import { ConfigError } from '../config/validate.js'
import { collectEnv, gitInfo } from '../env/environment.js'
import { buildReportModel } from '../report/model.js'
import { printable } from '../report/printable.js'
import { writeOutputs } from './outputs.js'
import { renderTerminal } from '../report/terminal.js'
import { StoreError } from '../store/store.js'
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
}

export interface CompleteResult {
  /** Regressions that fail the run (already explained in the printed summary). */
  regressions: number
  /** A store or configuration error that stopped the run from being judged or recorded. */
  error?: string
}

/**
 * What every runner's reporter does once the tests are done: judge and record
 * the run, print the summary, and say whether the run must fail and why.
 * Store and configuration errors are reported as a failure, never thrown.
 */
export async function completeRun(input: CompleteInput): Promise<CompleteResult> {
  try {
    const outcome = await finishRun({
      samples: input.samples,
      config: input.config,
      root: input.root,
      env: collectEnv(),
      git: gitInfo(process.env, input.root),
      now: new Date(),
      record: input.record,
      ...(process.env[REPEAT_GROUP_ENV] ? { group: process.env[REPEAT_GROUP_ENV] } : {}),
    })
    const model = buildReportModel(outcome)
    input.log(renderTerminal(model, { color: input.color, establishHint: input.establishHint }))
    const outputs = await writeOutputs(model, input.config, input.root, process.env)
    // Workflow commands go to stdout, where the Actions runner reads them.
    for (const line of outputs.annotations) process.stdout.write(line + '\n')
    for (const problem of outputs.problems) input.log(`perf-regression: warning: ${printable(problem)}`)
    return { regressions: outcome.failing.length }
  } catch (error) {
    if (error instanceof StoreError || error instanceof ConfigError) return { regressions: 0, error: error.message }
    throw error
  }
}
