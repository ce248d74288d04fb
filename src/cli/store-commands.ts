import { randomUUID } from 'node:crypto'
import os from 'node:os'
import { median } from 'simple-statistics'
import { git } from '../env/environment.js'
import { selectBaselines } from '../detect/baseline.js'
import { baselineSpread } from '../detect/compare.js'
import { testKey } from '../detect/identity.js'
import { buildReportModel, label } from '../report/model.js'
import { colors } from '../report/color.js'
import { sparkline } from '../report/sparkline.js'
import { printable, renderTerminal } from '../report/terminal.js'
import { appendRecord } from '../store/store.js'
import { SCHEMA_VERSION, type BaselineEvent, type RunRecord } from '../types.js'
import { formatNs, plural } from '../util/format.js'
import { findRun, readHistory } from '../core/history-read.js'
import { historyLimits } from '../core/run.js'
import { configFor, judgeStored, latest, matcher, warn, noSuchRun, parse, STORE_OPTIONS } from './common.js'
import type { CommandContext } from './context.js'

export const CHECK_HELP = `Usage: perf-regression check [--run <id>] [--fail-on <severity>] [--store <file>]

Judges the latest run (or --run) against its baseline again, with the current
configuration, and prints the summary. Exit codes: 0 no failing regression,
1 a regression at or above failOn, 2 usage or data error.
`

export async function check(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse('check', args, { ...STORE_OPTIONS, run: { type: 'string' }, 'fail-on': { type: 'string' } })
  if (values.help) return (ctx.stdout.write(CHECK_HELP), 0)
  const { config, storePath } = configFor(ctx, { store: values.store, failOn: values['fail-on'] })
  const outcome = await judgeStored(storePath, config, values.run)
  if (!outcome) return noSuchRun(storePath, values.run, ctx.stderr)
  ctx.stdout.write(renderTerminal(buildReportModel(outcome), { color: colors(ctx.stdout, ctx.env).isColorSupported }) + '\n')
  return outcome.failing.length > 0 ? 1 : 0
}

export const HISTORY_HELP = `Usage: perf-regression history [test glob] [--runs <n>] [--store <file>]

Lists the runs of the tests whose name (or "file > name") matches the glob
(* any characters, ? one), newest last, with a sparkline and the baseline band.
`

export async function history(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('history', args, { ...STORE_OPTIONS, runs: { type: 'string' } }, true)
  if (values.help) return (ctx.stdout.write(HISTORY_HELP), 0)
  const limit = values.runs === undefined ? 20 : Number(values.runs)
  if (!Number.isInteger(limit) || limit < 1) return (ctx.stderr.write(`perf-regression: --runs must be a positive integer (got ${printable(JSON.stringify(values.runs))})\n`), 2)
  const { config, storePath } = configFor(ctx, { store: values.store })
  const matches = matcher(positionals[0])
  const wanted = (await latest(storePath, ctx.stderr)).filter((r) => matches(r.test.file, r.test.name))
  if (wanted.length === 0) {
    ctx.stderr.write(`perf-regression: no test in ${printable(storePath)} matches ${printable(JSON.stringify(positionals[0] ?? '*'))}\n`)
    return 2
  }
  const limits = historyLimits(config)
  const { runs, events } = await readHistory(storePath, { keys: new Set(wanted.map((r) => testKey(r.test))), limits: { baseline: Math.max(limits.baseline, limit), other: Math.max(limits.other, limit) }, byEnv: true })
  const series = new Map<string, { label: string; points: { run: RunRecord; value: number }[]; latest: RunRecord['results'][number] }>()
  for (const r of wanted) series.set(`${testKey(r.test)}\u0000${r.env_key}`, { label: label(r.test), points: [], latest: r })
  for (const run of runs) {
    for (const r of run.results) {
      const entry = series.get(`${testKey(r.test)}\u0000${r.env_key}`)
      if (!entry) continue
      entry.points.push({ run, value: r.sample.wall_ns.median })
      entry.latest = r
    }
  }
  const now = new Date()
  for (const { label: name, points, latest } of series.values()) {
    const base = selectBaselines({ current: [latest], history: runs, events, config, now }).get(testKey(latest.test)) ?? []
    const band =
      base.length === 0
        ? 'no baseline yet'
        : `baseline ${formatNs(median(base))} over ${plural(base.length, 'run')} (band ÷/× ${config.thresholds.minor} = ${formatNs(median(base) / config.thresholds.minor)}–${formatNs(median(base) * config.thresholds.minor)})`
    const shown = points.slice(-limit)
    ctx.stdout.write(`\n${printable(name)}  [${printable(`${latest.runner.name} ${latest.runner.version}, ${latest.runner.pool}`)}]\n  ${sparkline(shown.map((p) => p.value))}  ${band}\n`)
    for (const p of shown) {
      const commit = p.run.git.commit ? printable(p.run.git.commit.slice(0, 7)) : '       '
      ctx.stdout.write(`  ${printable(p.run.time.slice(0, 19).replace('T', ' '))}  ${p.run.mode.padEnd(8)}  ${commit}  ${formatNs(p.value).padStart(9)}  ${printable(p.run.id.slice(0, 8))}\n`)
    }
  }
  return 0
}

export const BASELINE_HELP = `Usage: perf-regression baseline <show|accept|reset> [options]

  show                                  Each test's current baseline: runs used, median, noise,
                                        and the accept/reset events in the store
  accept [--run <id>] --reason "..."    An intended slowdown: the run (default: the latest)
                                        becomes the start of the baseline of every test it
                                        measured; recorded in the store with who, when and why
  reset --reason "..."                  Start every baseline afresh from now (recorded likewise)

Options: --store <file>
`

/** Who is changing the baseline: the CI actor, the git user, or the login name. */
export function whoAmI(env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.GITHUB_ACTOR) return env.GITHUB_ACTOR
  if (env.GITLAB_USER_LOGIN) return env.GITLAB_USER_LOGIN
  return git(['config', 'user.name'], cwd) ?? os.userInfo().username
}

export async function baseline(args: string[], ctx: CommandContext): Promise<number> {
  const [action, ...rest] = args
  const { values } = parse(`baseline ${action ?? ''}`.trim(), rest, { ...STORE_OPTIONS, run: { type: 'string' }, reason: { type: 'string' } })
  if (values.help || action === undefined || action === '--help' || action === '-h') {
    ctx.stdout.write(BASELINE_HELP)
    return action === undefined ? 2 : 0
  }
  const { config, storePath } = configFor(ctx, { store: values.store })
  if (action === 'show') {
    const results = await latest(storePath, ctx.stderr)
    const { runs, events } = await readHistory(storePath, { keys: new Set(results.map((r) => testKey(r.test))), limits: historyLimits(config), byEnv: true })
    const now = new Date()
    for (const r of results) {
      const base = selectBaselines({ current: [r], history: runs, events, config, now }).get(testKey(r.test)) ?? []
      const noise = base.length > 1 ? baselineSpread(base).noise : undefined
      const what = base.length === 0 ? 'no baseline' : `${base.length}/${config.minSamples} runs, median ${formatNs(median(base))}${noise ? `, noise ±${(noise * 100).toFixed(1)}%` : ''}`
      ctx.stdout.write(`${printable(label(r.test))}  [${printable(`${r.runner.name} ${r.runner.pool}`)}]: ${what}\n`)
    }
    for (const e of events) {
      ctx.stdout.write(`event ${printable(e.time)}  ${e.action}${e.run_id ? ` run ${printable(e.run_id.slice(0, 8))}` : ''} by ${printable(e.who)}: ${printable(e.reason)}\n`)
    }
    return 0
  }
  if (action !== 'accept' && action !== 'reset') {
    ctx.stderr.write(`perf-regression: unknown baseline action ${printable(JSON.stringify(action))}\n\n${BASELINE_HELP}`)
    return 2
  }
  if (!values.reason || values.reason.trim() === '') {
    ctx.stderr.write(`perf-regression: baseline ${action} needs --reason "why", which is kept in the store for whoever looks later\n`)
    return 2
  }
  const event: BaselineEvent = {
    schema: SCHEMA_VERSION,
    kind: 'baseline-event',
    id: randomUUID(),
    time: new Date().toISOString(),
    action,
    reason: values.reason.trim(),
    who: whoAmI(ctx.env, ctx.cwd),
  }
  let tests = 0
  if (action === 'accept') {
    // A/B runs are measured in paired rounds next to their base, not like history runs: never a baseline.
    const found = await findRun(storePath, values.run)
    if (found) warn(found.warnings, ctx.stderr)
    const run = found?.record
    if (!run) return noSuchRun(storePath, values.run, ctx.stderr)
    tests = run.results.length
    if (run.ab) {
      ctx.stderr.write(
        `perf-regression: run ${printable(run.id.slice(0, 8))} is an A/B run (perf-regression ab), which never becomes a baseline. Accept a run recorded with perf-regression vitest or jest on the new code instead.\n`,
      )
      return 2
    }
    event.run_id = run.id
  }
  await appendRecord(storePath, event)
  ctx.stdout.write(
    action === 'accept'
      ? `Accepted run ${printable(event.run_id!.slice(0, 8))} as the new baseline of its ${tests} tests (by ${printable(event.who)}).\n`
      : `Reset every baseline (by ${printable(event.who)}); tests are judged again after ${config.minSamples} new baseline runs.\n`,
  )
  return 0
}
