import type { VerdictKind } from '../detect/verdict.js'
import type { Severity } from '../types.js'
import { formatRatio, plural } from '../util/format.js'
import { label, type ReportModel, type ReportVerdict } from './model.js'
import { printable } from './printable.js'

/** Version of the notification's structured fields. */
export const NOTIFY_SCHEMA_VERSION = 1

/** Tests listed at most in a notification. */
export const NOTIFY_MAX_TESTS = 20

/** One regressed test in a notification. */
export interface NotifyTest {
  /** `file > name [bench]`. */
  test: string
  file: string
  name: string
  severity: Severity
  /** The metric that regressed worst: `wall`, or a finding's metric. */
  metric: string
  /** current / baseline of that metric, when it has one (a crossed limit has none). */
  ratio?: number
  /** Whether this test fails the run. */
  failing: boolean
  reason: string
}

/** What is posted to the webhook: Slack's `text`, and the same in fields for other receivers. */
export interface NotifyPayload {
  /** One short paragraph, escaped for Slack (`&`, `<`, `>`), printable. */
  text: string
  source: 'perf-regression'
  schema: typeof NOTIFY_SCHEMA_VERSION
  /** Whether the run fails. */
  failed: boolean
  fail_on: Severity | 'never'
  run: { id: string; time: string; mode: string; commit?: string; branch?: string; url?: string }
  /** Verdicts of the run, by kind. */
  counts: Record<VerdictKind, number>
  /** Regressed tests (a wall-time regression or a worse metric, limit or leak finding), worst first, at most NOTIFY_MAX_TESTS. */
  regressions: NotifyTest[]
  /** Regressed tests in all, listed or not. */
  regressions_total: number
}

const RANK: Record<Severity, number> = { minor: 1, moderate: 2, critical: 3 }

/** The test's worst regression, wall time or a gating finding that got worse; undefined when it has none. */
function regressionOf(v: ReportVerdict): NotifyTest | undefined {
  let worst: { severity: Severity; metric: string; ratio?: number; reason: string } | undefined
  if (v.kind === 'regression') worst = { severity: v.severity, metric: 'wall', ratio: v.evidence.ratio, reason: v.reason }
  for (const f of v.findings ?? []) {
    if (!f.gates || f.direction !== 'worse') continue
    if (worst && RANK[f.severity] <= RANK[worst.severity]) continue
    worst = { severity: f.severity, metric: f.metric, ...(f.ratio !== undefined ? { ratio: f.ratio } : {}), reason: f.reason }
  }
  return worst && { test: label(v.test), file: v.test.file, name: v.test.name, failing: v.failing, ...worst }
}

function regressions(model: ReportModel): NotifyTest[] {
  return model.verdicts
    .map(regressionOf)
    .filter((t): t is NotifyTest => t !== undefined)
    .sort((a, b) => Number(b.failing) - Number(a.failing) || RANK[b.severity] - RANK[a.severity] || (b.ratio ?? 0) - (a.ratio ?? 0))
}

/**
 * Whether the run is announced: `failure`, when it fails; `critical`, when a compare run
 * has a critical regression (failing or not, so that `failOn: 'never'` can still alert).
 */
export function shouldNotify(model: ReportModel, on: 'failure' | 'critical'): boolean {
  if (on === 'failure') return model.failed
  return model.run.mode === 'compare' && regressions(model).some((t) => t.severity === 'critical')
}

/** Slack reads `&`, `<` and `>` as markup (`<!channel>` pings everyone): escaped as Slack asks. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const short = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`)

/**
 * The notification of a judged run. Pure. `runUrl` is the CI run's page, when known.
 * Names from the run are made printable and escaped for Slack in `text`; the structured
 * fields keep them as they are (JSON carries them safely).
 */
export function buildNotification(model: ReportModel, runUrl?: string): NotifyPayload {
  const all = regressions(model)
  const counts: Record<VerdictKind, number> = { regression: 0, improvement: 0, unchanged: 0, inconclusive: 0, 'insufficient-data': 0, new: 0 }
  for (const v of model.verdicts) counts[v.kind]++
  const { commit, branch } = model.run.git
  const where = [branch ? `on ${branch}` : '', commit ? `at ${commit.slice(0, 7)}` : ''].filter(Boolean).join(' ')
  const bands = (['critical', 'moderate', 'minor'] as const).map((s) => [s, all.filter((t) => t.severity === s).length] as const).filter(([, k]) => k > 0)
  let summary = all.length === 0 ? 'no regression' : `${plural(all.length, 'regression')} (${bands.map(([s, k]) => `${k} ${s}`).join(', ')})`
  if (model.failed) summary += `, ${plural(model.failing.length, 'failing test')}`
  const worst = all[0]
  const worstText = worst ? `; worst: ${short(worst.test, 120)}${worst.metric === 'wall' ? '' : ` (${worst.metric})`} ${worst.ratio !== undefined ? `${formatRatio(worst.ratio)} ` : ''}(${worst.severity})` : ''
  const head = `perf-regression: ${model.failed ? 'run failed' : 'run passed'}${where ? ` ${where}` : ''}: ${summary}${worstText}.`
  const text = slackEscape(printable(head)) + (runUrl ? ` ${runUrl}` : '')
  return {
    text,
    source: 'perf-regression',
    schema: NOTIFY_SCHEMA_VERSION,
    failed: model.failed,
    fail_on: model.fail_on,
    run: {
      id: model.run.id,
      time: model.run.time,
      mode: model.run.mode,
      ...(commit ? { commit } : {}),
      ...(branch ? { branch } : {}),
      ...(runUrl ? { url: runUrl } : {}),
    },
    counts,
    regressions: all.slice(0, NOTIFY_MAX_TESTS),
    regressions_total: all.length,
  }
}
