/** `perf-regression ab`: the whole command, from the base's worktree to the verdicts. */
import type { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ResolvedConfig } from '../config/options.js'
import { resolveConfig } from '../config/resolve.js'
import { writeOutputs } from '../core/outputs.js'
import type { RunOutcome } from '../core/run.js'
import { testKey } from '../detect/identity.js'
import { failingVerdicts, type TestVerdict } from '../detect/verdict.js'
import { collectEnv, envKey, gitInfo } from '../env/environment.js'
import { colors } from '../report/color.js'
import { buildReportModel } from '../report/model.js'
import { printable, printableLines } from '../report/printable.js'
import { plural } from '../util/format.js'
import { renderTerminal } from '../report/terminal.js'
import { appendRecord } from '../store/store.js'
import { SCHEMA_VERSION, type RunRecord, type RunnerInfo, type TestResult } from '../types.js'
import { resolveRunnerBin, type CommandContext } from '../cli/context.js'
import { abOptionsFromFlags, AB_HELP, parseAbFlags, runnerFrom } from './args.js'
import { AbCollector, sampleFromRounds } from './collect.js'
import { installCommand, linkDependencies, runLogged, sameDependencies } from './deps.js'
import { AbError, addWorktree, assertNotShallow, mergeBase, repoRoot, resolveBaseRef, shortCommit, type Worktree } from './git.js'
import { jestPairedArgs } from './jest-args.js'
import { judgeAb } from './judge.js'
import { nextStep, plan } from './plan.js'
import { filesOf, jestShowConfig, runProcess, shuffledOrder, type Trees } from './processes.js'
import type { AbDesign, AbOutput } from './settings.js'

function resultsOf(collector: AbCollector, keys: ReadonlySet<string>, side: 'base' | 'head', runner: RunnerInfo, rawSamples: number): TestResult[] {
  const env = envKey(collectEnv(), runner)
  const out: TestResult[] = []
  for (const t of collector.tests.values()) {
    if (!keys.has(t.key)) continue
    const sample = t.lastPair
      ? sampleFromRounds(side === 'base' ? t.lastPair.base_rounds_ns : t.lastPair.head_rounds_ns, t.lastPair.calls, t.test.bench, rawSamples)
      : side === 'base'
        ? t.lastBase
        : t.lastHead
    if (!sample) continue
    const { ab: _ab, ...clean } = sample as typeof sample & { ab?: unknown }
    void _ab
    const { line: _line, ...test } = t.test
    void _line
    out.push({ test: side === 'head' ? t.test : test, runner, env_key: env, sample: clean })
  }
  return out
}

/** `perf-regression ab`: judge HEAD against its base commit, measured in this job. */
export async function abCommand(args: string[], ctx: CommandContext): Promise<number> {
  const split = args.indexOf('--')
  const own = split === -1 ? args : args.slice(0, split)
  const after = split === -1 ? [] : args.slice(split + 1)
  const values = parseAbFlags(own)
  if (values.help) {
    ctx.stdout.write(AB_HELP)
    return 0
  }
  const log = (text: string) => ctx.stdout.write(text + '\n')
  const c = colors(ctx.stdout, ctx.env)
  const color = c.isColorSupported
  let worktree: Worktree | undefined
  let outDir: string | undefined
  const children = new Set<ReturnType<typeof spawn>>()
  const cleanup = () => {
    for (const child of children) child.kill('SIGTERM')
    worktree?.remove()
    if (outDir) rmSync(outDir, { recursive: true, force: true })
  }
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup()
    process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  process.once('SIGHUP', onSignal)
  process.once('exit', cleanup)
  try {
    const fromFlags = abOptionsFromFlags(values)
    // The flags over the config file's `ab` (merged one level deep, like every nested option).
    const config = resolveConfig({
      root: ctx.cwd,
      options: {
        ...(values.store !== undefined ? { store: values.store } : {}),
        ...(values['fail-on'] !== undefined ? { failOn: values['fail-on'] as ResolvedConfig['failOn'] } : {}),
        ab: fromFlags as never,
      },
    })
    const ab = config.ab
    const { runner, args: runnerArgs } = runnerFrom(after, ctx.cwd)

    const root = repoRoot(ctx.cwd)
    assertNotShallow(root)
    const baseRef = resolveBaseRef(ab.base, ctx.env, root)
    const baseCommit = mergeBase(baseRef, root)
    const short = shortCommit(baseCommit, root)
    const headProject = realpathSync(ctx.cwd)
    const rel = path.relative(root, headProject)
    const headCommit = gitInfo(ctx.env, root).commit
    log(c.bold(' perf-regression ab ') + ` HEAD${headCommit ? ` ${printable(headCommit.slice(0, 7))}` : ''} against ${printable(baseRef)} (merge-base ${printable(short)})`)

    worktree = addWorktree(root, baseCommit)
    // What the reporters hand over, one file per process; removed with the worktree.
    outDir = mkdtempSync(path.join(os.tmpdir(), 'perf-regression-ab-out-'))
    const handover = outDir
    // The worktree's folder is a real path already.
    const baseProject = path.join(worktree.dir, rel)
    if (!existsSync(baseProject)) throw new AbError(`perf-regression ab: the project folder ${printable(rel)} does not exist in the base ${short}; nothing to compare with`)

    const same = sameDependencies(headProject, baseProject, root)
    if (same) linkDependencies(headProject, baseProject, root)
    else {
      const install = installCommand(baseProject, worktree.dir)
      log(c.dim(`  dependencies differ from the base: ${install.command} ${install.args.join(' ')} in the base tree`))
      await runLogged(`installing the base's dependencies (${install.command} ${install.args.join(' ')})`, install.command, install.args, install.cwd, ctx.env, false, children)
    }
    if (ab.setup) {
      for (const [side, dir] of [['base', baseProject], ['head', headProject]] as const) {
        log(c.dim(`  setup in the ${side}: ${printable(ab.setup)}`))
        await runLogged(`the setup command ${JSON.stringify(ab.setup)} in the ${side === 'base' ? 'base tree' : 'head'}`, ab.setup, [], dir, ctx.env, true, children)
      }
    }

    let design: AbDesign = ab.design === 'auto' ? (runner === 'vitest' && !same ? 'processes' : 'paired') : ab.design
    if (ab.design === 'auto' && design === 'processes') log(c.dim('  the base has other dependencies: Vitest cannot load both trees in one process, so fresh processes are used'))
    if (design === 'paired' && runner === 'vitest' && !same) {
      throw new AbError('perf-regression ab: --design paired needs the same dependencies in both trees under Vitest (one Vitest loads both); use --design processes')
    }
    const baseReal = realpathSync(baseProject)
    const headBin = await resolveRunnerBin(runner, headProject)
    const baseBin = same ? headBin : await resolveRunnerBin(runner, baseProject)
    const trees: Trees = { headProject, baseProject, runner, runnerArgs, userFilters: runnerArgs.length > (runner === 'vitest' ? 1 : 0) }
    if (runner === 'jest' && design === 'paired') {
      const jestArgs = jestPairedArgs(await jestShowConfig(headBin, runnerArgs, headProject, ctx.env, children), headProject, baseReal)
      if (jestArgs) trees.jestPaired = jestArgs
      else if (ab.design === 'paired') throw new AbError('perf-regression ab: --design paired works with one Jest project; this configuration has several: use --design processes')
      else {
        log(c.dim('  several Jest projects: measuring fresh processes of each tree'))
        design = 'processes'
      }
    }
    const settings = { base: baseReal, head: headProject, paired: { warmupTime: 20, roundTime: ab.roundTime, cycles: ab.cycles } }
    const started = Date.now()
    let collector = new AbCollector(headProject, settings.base)
    let p = plan(design, ab)
    let done = 0
    let testsFailed = false
    let perProcess = 0

    const pass = async (n: number, only?: ReadonlySet<string>) => {
      const selected = only ? [...collector.tests.values()].filter((t) => only.has(t.key)) : []
      const files = filesOf(selected)
      const names = selected.map((t) => t.test.name)
      for (let i = 0; i < n; i++) {
        // Extensions stop at the budget process by process, not only between passes.
        if (only && i > 0 && (Date.now() - started) / 1000 + perProcess > ab.budget) break
        const t0 = Date.now()
        if (design === 'paired') {
          const r = await runProcess(trees, design, 'head', settings, headBin, files, names, handover, ctx, children)
          // Tests that fail only in the base tree (fixed by this change) do not fail the run.
          if (r.code !== 0 && (collector.headFailures(r.output).length > 0 || r.output.failed === undefined)) testsFailed = true
          collector.addPaired(r.output, only)
        } else {
          const got: Partial<Record<'base' | 'head', AbOutput>> = {}
          for (const side of shuffledOrder()) {
            const r = await runProcess(trees, design, side, settings, side === 'base' ? baseBin : headBin, files, names, handover, ctx, children)
            if (r.code !== 0 && side === 'head') testsFailed = true
            got[side] = r.output
          }
          collector.addRunPair(got.base!, got.head!, only)
        }
        done++
        perProcess = (Date.now() - started) / 1000 / done
        log(c.dim(`  ${design === 'paired' ? 'process' : 'pair'} ${done} of up to ${p.max}${only ? ` (${only.size} undecided)` : ''}: ${((Date.now() - t0) / 1000).toFixed(1)} s`))
      }
    }

    await pass(p.first)
    // Vitest without the plugin runs only the head's files: no pairs, so measure in fresh processes instead.
    if (design === 'paired' && [...collector.tests.values()].every((t) => !t.inBase) && collector.tests.size > 0 && ab.design === 'auto') {
      log(c.yellow('  paired rounds need the perfRegression() plugin in vitest.config (the base tree\'s tests did not run): measuring fresh processes instead'))
      design = 'processes'
      collector = new AbCollector(headProject, settings.base)
      p = plan(design, ab)
      done = 0
      await pass(p.first)
    }
    const common = collector.observations(design)
    if (common.length === 0) {
      const head = [...collector.tests.values()].filter((t) => t.inHead).length
      const base = [...collector.tests.values()].filter((t) => t.inBase).length
      throw new AbError(
        `perf-regression ab: no marked tests in common between HEAD (${plural(head, 'marked test')}) and base ${short} (${base}): nothing to compare. Tests are matched by file, name and perf() name.`,
      )
    }
    let stopped = ''
    const gaveUp = new Set<string>()
    for (;;) {
      const step = nextStep(collector.observations(design), p, { done, elapsedSeconds: (Date.now() - started) / 1000, secondsPerProcess: perProcess, budgetSeconds: ab.budget }, ab.thresholds, config.confidence)
      for (const key of step.hopeless) {
        if (gaveUp.has(key)) continue
        gaveUp.add(key)
        const t = collector.tests.get(key)
        if (t) log(c.dim(`  ${printable(t.test.name)}: its processes disagree too much to decide even in ${p.max} (see its verdict); not measured further`))
      }
      if (step.kind === 'done') break
      if (step.kind === 'stop') {
        stopped = step.reason
        break
      }
      await pass(step.processes, step.keys)
    }
    if (stopped) log(c.dim(`  ${stopped}`))

    const verdicts: TestVerdict[] = judgeAb(collector.observations(design), { thresholds: ab.thresholds, confidence: config.confidence, looks: p.looks, base: short })
    for (const t of collector.tests.values()) {
      if (t.inHead && !t.inBase) {
        const current = t.lastPair?.head_ns ?? t.lastHead?.wall_ns.median ?? 0
        verdicts.push({ kind: 'new', test: t.test, key: t.key, current, foreign_baseline_runs: 0, reason: `only in HEAD: base ${short} has no such passing test` })
      }
    }
    const removed = [...collector.tests.values()].filter((t) => t.inBase && !t.inHead)
    const runnerInfo: RunnerInfo = collector.runner ?? { name: runner, version: 'unknown', pool: 'forks' }
    const judgedKeys = new Set(verdicts.map((v) => v.key))
    const baseKeys = new Set(collector.observations(design).map((o) => testKey(o.test)))
    const record: RunRecord = {
      schema: SCHEMA_VERSION,
      kind: 'run',
      id: randomUUID(),
      time: new Date().toISOString(),
      mode: 'compare',
      git: gitInfo(ctx.env, root),
      env: collectEnv(),
      results: resultsOf(collector, judgedKeys, 'head', runnerInfo, config.rawSamples),
      ab: { base_commit: baseCommit, base_ref: baseRef, design, base_results: resultsOf(collector, baseKeys, 'base', runnerInfo, config.rawSamples) },
    }
    const storePath = path.resolve(ctx.cwd, config.store)
    const recorded = !values['no-record'] && record.results.length > 0
    if (recorded) await appendRecord(storePath, record)
    // An A/B run is a compare run, whatever the baseline mode.
    const failing = failingVerdicts(verdicts, 'compare', config.failOn)
    const outcome: RunOutcome = { record, verdicts, failing, warnings: [], storePath, recorded, history: [], config }
    const model = buildReportModel(outcome)
    log(renderTerminal(model, { color, establishHint: 'npx perf-regression ab' }))
    for (const t of removed) log(c.dim(`  not in HEAD (removed, renamed or not passing): ${printable(`${t.test.file} > ${t.test.name}${t.test.bench ? ` [${t.test.bench}]` : ''}`)}`))
    for (const note of collector.notes) log(c.yellow(`  perf-regression: ${printable(note)}`))
    const outputs = await writeOutputs(model, config, ctx.cwd, ctx.env, ctx.stderr)
    for (const line of outputs.annotations) ctx.stdout.write(line + '\n')
    for (const problem of outputs.problems) log(`perf-regression: warning: ${printable(problem)}`)
    log(c.dim(`  ${((Date.now() - started) / 1000).toFixed(1)} s of measuring in ${done} ${design === 'paired' ? 'processes' : 'process pairs'}`))
    if (testsFailed) log(c.red(`perf-regression ab: some tests failed in HEAD; see the ${runner} output (run ${runner} on its own)`))
    return failing.length > 0 || testsFailed ? 1 : 0
  } catch (error) {
    if (error instanceof AbError) {
      ctx.stderr.write(`${printableLines(error.message)}\n`)
      return 2
    }
    // A system error (a file that cannot be linked, a command that cannot start): a setup problem, not a regression.
    if (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && (error as NodeJS.ErrnoException).syscall) {
      ctx.stderr.write(`perf-regression ab: ${printable(error.message)}\n`)
      return 2
    }
    throw error
  } finally {
    cleanup()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('SIGHUP', onSignal)
    process.off('exit', cleanup)
  }
}
