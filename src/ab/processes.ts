/** The test processes of `perf-regression ab`: which runner, with which arguments, in which tree, and what it hands over. */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import type { CliContext, Runner } from '../cli/context.js'
import { printable } from '../report/printable.js'
import { readHandOver, type TestAccumulator } from './collect.js'
import { escapeRegExp, testNamePattern } from '../util/pattern.js'
import { outputTail } from './deps.js'
import { AbError } from './git.js'
import { AB_ENV, type AbDesign, type AbOutput, type AbWorkerSettings } from './settings.js'

/** The two trees and how their runner is started. */
export interface Trees {
  headProject: string
  baseProject: string
  runner: Runner
  runnerArgs: string[]
  userFilters: boolean
  /** Jest, paired design: the arguments that add the base's test files. */
  jestPaired?: string[]
}

/** `jest --showConfig` of the head, parsed. */
export function jestShowConfig(bin: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, children: Set<ReturnType<typeof spawn>>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args, '--showConfig'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    children.add(child)
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)))
    child.on('error', reject)
    child.on('close', (code) => {
      children.delete(child)
      try {
        resolve(JSON.parse(out))
      } catch {
        reject(new AbError(`perf-regression ab: jest --showConfig failed (exit code ${code}) in ${cwd}:\n${printable(err.trim())}`))
      }
    })
  })
}


/** One test process; resolves with its output, or rejects when it wrote none. */
export function runProcess(trees: Trees, design: AbDesign, side: 'base' | 'head', settings: Omit<AbWorkerSettings, 'out' | 'design'>, bin: string, files: readonly string[], names: readonly string[], outDir: string, ctx: CliContext, children: Set<ReturnType<typeof spawn>>): Promise<{ output: AbOutput; code: number; seconds: number }> {
  const out = path.join(outDir, `${randomUUID()}.json`)
  const env = { ...ctx.env, [AB_ENV]: JSON.stringify({ ...settings, design, out }) }
  const cwd = side === 'base' ? trees.baseProject : trees.headProject
  const args = [...trees.runnerArgs]
  if (trees.runner === 'jest' && design === 'paired') args.push(...(trees.jestPaired ?? []))
  if (trees.runner === 'jest' && design === 'processes') args.push('--runInBand')
  if (!trees.userFilters) args.push(...files.map((f) => (trees.runner === 'jest' ? escapeRegExp(f) : f)))
  if (names.length > 0 && !trees.runnerArgs.some((a) => a === '-t' || a.startsWith('--testNamePattern') || a.startsWith('-t='))) {
    args.push('--testNamePattern', testNamePattern(names))
  }
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    children.add(child)
    let log = ''
    const keep = (d: Buffer) => {
      log = (log + d.toString()).slice(-20_000)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.on('error', reject)
    child.on('close', (status, signal) => {
      children.delete(child)
      const code = status ?? (signal ? 1 : 0)
      const { output, problem } = readHandOver(out)
      if (problem) return reject(new AbError(`perf-regression ab: the measurements the ${trees.runner} run in the ${side === 'base' ? 'base tree' : 'head'} handed over are unreadable (${problem}); is the same perf-regression installed in both trees?`))
      const seconds = (Date.now() - started) / 1000
      if (output) return resolve({ output, code, seconds })
      const tail = outputTail(log, 25)
      reject(
        new AbError(
          `perf-regression ab: the ${trees.runner} run in the ${side === 'base' ? 'base tree' : 'head'} ended (${signal ? `signal ${signal}` : `exit code ${code}`}) without perf-regression's reporter handing over its measurements. Is the reporter configured (plugins: [perfRegression()] in vitest.config, or reporters: ['default', 'perf-regression'] for Jest)? Last lines of its output:\n${tail}`,
        ),
      )
    })
  })
}

export const shuffledOrder = (): ['base', 'head'] | ['head', 'base'] => (Math.random() < 0.5 ? ['base', 'head'] : ['head', 'base'])

/** Files holding the given tests, relative to the head project folder. */
export function filesOf(tests: readonly TestAccumulator[]): string[] {
  return [...new Set(tests.map((t) => t.test.file))]
}
