import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readHandOver } from '../ab/collect.js'
import type { AbOutput } from '../ab/settings.js'
import { checkSample } from '../store/record.js'
import type { PerfSample } from '../types.js'
import { confirmationArgs, type RunnerName, type Suspect } from './args.js'
import { CONFIRM_ENV } from './settings.js'

/** How to start the runner again: the command line this process was started with. */
export interface RunnerCommand {
  runner: RunnerName
  /** The Node executable and the runner's script (`process.execPath`, `process.argv[1]`). */
  execPath: string
  script: string
  /** Arguments kept in front (`vitest` or `jest` after perf-regression's own command). */
  prefix?: readonly string[]
  /** The runner's arguments. */
  args: readonly string[]
  cwd: string
  env: Record<string, string | undefined>
}

export interface ConfirmPlan {
  suspects: readonly Suspect[]
  /** Fresh processes at most. */
  runs: number
  /** Wall-clock budget for all of them, in milliseconds. */
  budgetMs: number
  /** Called after each run with everything measured so far: true stops (the suspects are decided). */
  decided?: (samples: ReadonlyMap<string, PerfSample[]>) => boolean
}

export interface ConfirmResult {
  /** Samples per `suspectKey`, one per confirmation run that measured the test, in run order. */
  samples: Map<string, PerfSample[]>
  /** Confirmation runs that handed over measurements. */
  runs: number
  seconds: number
  /** Why confirmation stopped before `runs`, if it did. */
  stopped?: 'decided' | 'budget' | 'failed'
  notes: string[]
}

/**
 * The command line this process was started with, as a runner command: the runner
 * itself (`vitest run …`, `jest …`), or perf-regression's wrapper (`perf-regression vitest run …`).
 */
export function thisCommand(runner: RunnerName, argv: readonly string[] = process.argv, env: Record<string, string | undefined> = process.env, cwd = process.cwd()): RunnerCommand {
  const args = argv.slice(2)
  const wrapped = args[0] === runner
  return { runner, execPath: process.execPath, script: argv[1] ?? '', ...(wrapped ? { prefix: [runner] } : {}), args: wrapped ? args.slice(1) : args, cwd, env }
}

/** Identity of a re-measured test within one project: file, name and bench. */
export const suspectKey = (file: string, name: string, bench: string | undefined) => JSON.stringify([file, name, bench ?? null])

/**
 * Re-measures the suspect tests in fresh runner processes, one after another,
 * until `decided` says so, `runs` have run, or the budget is spent (a run that
 * would outlast it is stopped and its measurements dropped). Never throws for a
 * failed run: it is a note, and confirmation stops there.
 */
export async function runConfirmations(command: RunnerCommand, plan: ConfirmPlan): Promise<ConfirmResult> {
  const started = Date.now()
  const result: ConfirmResult = { samples: new Map(), runs: 0, seconds: 0, notes: [] }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perf-regression-confirm-'))
  const args = confirmationArgs(command.runner, command.args, plan.suspects)
  try {
    for (let i = 0; i < plan.runs; i++) {
      const left = plan.budgetMs - (Date.now() - started)
      if (left <= 0) {
        result.stopped = 'budget'
        break
      }
      const out = path.join(dir, `${randomUUID()}.json`)
      const run = await runOnce(command, args, out, left)
      if (run.kind === 'timeout') {
        result.stopped = 'budget'
        break
      }
      if (run.kind === 'failed') {
        result.notes.push(run.reason)
        result.stopped = 'failed'
        break
      }
      result.runs++
      for (const s of run.output.samples) {
        if (checkSample(s.sample) !== undefined) continue
        const key = suspectKey(s.file, s.name, s.bench)
        const list = result.samples.get(key) ?? []
        list.push(s.sample)
        result.samples.set(key, list)
      }
      if (plan.decided?.(result.samples)) {
        if (i + 1 < plan.runs) result.stopped = 'decided'
        break
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    result.seconds = (Date.now() - started) / 1000
  }
  return result
}

type RunOutcome = { kind: 'ok'; output: AbOutput } | { kind: 'timeout' } | { kind: 'failed'; reason: string }

function runOnce(command: RunnerCommand, args: readonly string[], out: string, timeoutMs: number): Promise<RunOutcome> {
  const env = { ...command.env, [CONFIRM_ENV]: JSON.stringify({ out }) }
  return new Promise((resolve) => {
    let child: ChildProcess
    try {
      child = spawn(command.execPath, [command.script, ...(command.prefix ?? []), ...args], { cwd: command.cwd, env, stdio: ['ignore', 'ignore', 'pipe'] })
    } catch (error) {
      resolve({ kind: 'failed', reason: `could not start ${command.runner} again: ${(error as Error).message}` })
      return
    }
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve({ kind: 'failed', reason: `could not start ${command.runner} again: ${error.message}` })
    })
    child.on('close', (status, signal) => {
      clearTimeout(timer)
      if (timedOut) return resolve({ kind: 'timeout' })
      const { output, problem } = readHandOver(out)
      if (problem !== undefined) return resolve({ kind: 'failed', reason: `a confirmation run handed over unreadable measurements (${problem})` })
      if (output) return resolve({ kind: 'ok', output })
      const last = stderr.trim().split('\n').slice(-3).join(' / ')
      resolve({ kind: 'failed', reason: `a confirmation run of ${command.runner} ended (${signal ? `signal ${signal}` : `exit code ${status}`}) without handing over measurements${last ? `: ${last}` : ''}` })
    })
  })
}
