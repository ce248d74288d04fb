import type { Finding } from '../detect/verdict.js'
import type { Severity, TestRef } from '../types.js'
import { formatChange, formatInterval, formatNs, formatRatio } from '../util/format.js'
import { label, worstFirst, type ReportFinding, type ReportModel, type ReportVerdict } from './model.js'
import { nextStepsMarkdown, type ReportLinks } from './next-steps.js'
import { figureCells, LOAD_COLUMNS, loadNotes, modelText, ratioCells } from './load-format.js'
import { cut, printable, UNPRINTABLE } from './terminal.js'

export interface MarkdownOptions {
  /** Shown in the headline before the verdict, e.g. the project name when one workflow reports several. */
  title?: string
  /** Rows per table; the rest are counted, not listed. @default 50 */
  maxRows?: number
  /** Where the commit and the CI run can be linked (read from the CI variables where the model is built). */
  links?: ReportLinks
}

/** First line of every report: lets a bot find and update its own pull-request comment. */
export const MARKDOWN_MARKER = '<!-- perf-regression -->'
const DEFAULT_MAX_ROWS = 50
/** Inserted after `@`, `#` + digit, `://` and `www` so GitHub neither pings anyone nor links anything. */
const ZWJ = '\u200d'

/**
 * Makes untrusted text (test names, branch, CPU model, messages) safe inside a
 * Markdown table cell, a list item or a paragraph: it cannot break the table,
 * start a block, inject HTML, create a link or image, render math, or mention
 * anyone. Control characters become `⏎` (newline) or `�`; `&<>` become
 * entities; Markdown punctuation and `|` are backslash-escaped; a zero-width
 * joiner follows `@`, `#` before a digit, `://` and `www.`.
 */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(UNPRINTABLE, (c) => (c === '\n' ? '⏎' : '�'))
    .replace(/[\\`*_[\]|~#$]/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
    .replace(/^(\s*)([-+=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2')
    .replace(/@/g, `@${ZWJ}`)
    .replace(/#(?=\d)/g, `#${ZWJ}`)
    .replace(/:\/\//g, `:${ZWJ}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWJ}.`)
}

/** Untrusted text for a plain-text line (an issue title): printable, one line, no mention. */
function plain(text: string, width = 120): string {
  return cut(printable(text), width).replace(/@/g, `@${ZWJ}`)
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`
const SEVERITY_ICON: Record<Severity, string> = { critical: '🔴', moderate: '🟠', minor: '🟡' }

function testLabel(test: TestRef): string {
  return (test.project ? `${test.project} · ` : '') + label(test)
}

/** A commit as a short SHA in a code span, or escaped text when it is not hexadecimal. */
function sha(commit: string | undefined): string {
  if (commit === undefined || commit === '') return 'unknown'
  return /^[0-9a-f]{7,64}$/i.test(commit) ? `\`${commit.slice(0, 7)}\`` : escapeMarkdownCell(cut(commit, 16))
}

type Judged = Extract<ReportVerdict, { evidence: unknown }>
type Unjudged = Extract<ReportVerdict, { kind: 'new' | 'insufficient-data' }>
const of = <K extends ReportVerdict['kind']>(m: ReportModel, kind: K) =>
  m.verdicts.filter((v): v is Extract<ReportVerdict, { kind: K }> => v.kind === kind)

function table<T>(header: string[], align: string[], rows: readonly T[], cells: (row: T) => string[], maxRows: number): string[] {
  const line = (c: string[]) => `| ${c.join(' | ')} |`
  const out = [line(header), line(align), ...rows.slice(0, maxRows).map((r) => line(cells(r)))]
  if (rows.length > maxRows) out.push('', `_… and ${rows.length - maxRows} more not shown._`)
  return out
}

function judgedTable(rows: readonly Judged[], maxRows: number, withSeverity: boolean): string[] {
  const confidence = rows[0] ? `${Math.round(rows[0].evidence.confidence * 100)}% interval` : 'Interval'
  const header = ['Test', 'Baseline → Current', 'Ratio', confidence, ...(withSeverity ? ['Severity'] : [])]
  const align = [':--', '--:', '--:', '--:', ...(withSeverity ? [':--'] : [])]
  return table(header, align, rows, (v) => {
    const e = v.evidence
    const ratio = `${formatRatio(e.ratio)} (${formatChange(e.ratio)})`
    const cells = [
      escapeMarkdownCell(testLabel(v.test)),
      `${formatNs(e.baseline)} → ${formatNs(e.current)}`,
      v.kind === 'regression' ? `**${ratio}**` : ratio,
      formatInterval(e.interval),
    ]
    if (withSeverity && 'severity' in v) cells.push(`${SEVERITY_ICON[v.severity]} ${v.severity}`)
    return cells
  }, maxRows)
}

function unjudgedTable(rows: readonly Unjudged[], maxRows: number): string[] {
  return table(['Test', 'Current', 'Baseline', 'Status'], [':--', '--:', '--:', ':--'], rows, (v) => [
    escapeMarkdownCell(testLabel(v.test)),
    formatNs(v.current),
    v.kind === 'insufficient-data' ? formatNs(v.baseline) : '—',
    v.kind === 'insufficient-data'
      ? `${v.baseline_runs} of ${v.required} baseline runs`
      : v.foreign_baseline_runs > 0
        ? `new here (${plural(v.foreign_baseline_runs, 'baseline run')} from other environments, never compared)`
        : 'new: no baseline run yet',
  ], maxRows)
}

const FINDING_NAME: Record<Finding['kind'], string> = { metric: 'metric', limit: 'limit', leak: 'leak', step: 'step change', drift: 'drift' }

/** Every finding of the run (other metrics, limits, leaks, steps and drifts), failing ones first. */
function findingRows(model: ReportModel): { v: ReportVerdict; f: ReportFinding }[] {
  const rows = model.verdicts.flatMap((v) => (v.findings ?? []).map((f) => ({ v, f })))
  const rank = (r: (typeof rows)[number]) => (r.f.failing ? 0 : r.f.direction === 'worse' ? 1 : 2)
  return rows.sort((a, b) => rank(a) - rank(b))
}

function findingsTable(rows: ReturnType<typeof findingRows>, maxRows: number): string[] {
  return table(['Test', 'Finding', 'Severity', 'Details'], [':--', ':--', ':--', ':--'], rows, ({ v, f }) => [
    escapeMarkdownCell(testLabel(v.test)),
    `${f.failing ? '❌' : f.direction === 'better' ? '✅' : '⚠️'} ${FINDING_NAME[f.kind]}: ${escapeMarkdownCell(f.metric)}`,
    `${SEVERITY_ICON[f.severity]} ${f.severity}${f.gates ? '' : ' (reported only)'}`,
    escapeMarkdownCell(f.reason),
  ], maxRows)
}

/** Load tests: each figure as baseline → current (ratio), in bold when its metric has a failing finding; then levels, errors, calls cut off. */
function loadTable(model: ReportModel, maxRows: number): string[] {
  const rows = model.load ?? []
  if (rows.length === 0) return []
  const body = table(['Test', ...LOAD_COLUMNS.map((c) => c.title)], [':--', '--:', '--:', '--:', '--:', '--:'], rows, (row) => {
    const findings = model.verdicts.find((v) => v.key === row.key)?.findings ?? []
    const now = figureCells(row.current)
    const then = row.baseline ? figureCells(row.baseline) : undefined
    const ratio = ratioCells(row)
    const cells = LOAD_COLUMNS.map((col, i) => {
      const failing = findings.some((f) => f.metric === col.metric && f.failing)
      const current = failing ? `**${now[i]}**` : now[i]!
      if (!then) return current
      return `${then[i]} → ${current}${ratio[i] ? ` (${ratio[i]})` : ''}`
    })
    return [`${escapeMarkdownCell(testLabel(row.test))}<br>${escapeMarkdownCell(modelText(row))}`, ...cells]
  }, maxRows)
  const notes = rows.slice(0, maxRows).flatMap((row) => loadNotes(row).map((n) => `- ${escapeMarkdownCell(testLabel(row.test))}: ${escapeMarkdownCell(n)}`))
  const baseline = rows.some((r) => r.baseline) ? ' Baseline figures are medians over the baseline runs each verdict used.' : ''
  return ['### Load tests', '', `Throughput in calls per second, latency percentiles and errors of each load test's measured phase.${baseline}`, '', ...body, ...(notes.length > 0 ? ['', ...notes] : []), '']
}

function details(summary: string, body: string[]): string[] {
  return [`<details><summary>${summary}</summary>`, '', ...body, '', '</details>', '']
}

/** The headline verdict: icon and words, without Markdown. */
export function headline(model: ReportModel): { icon: string; text: string } {
  const regressions = of(model, 'regression').sort(worstFirst)
  const worst = regressions[0]
  if (model.verdicts.length === 0) return { icon: 'ℹ️', text: 'No performance tests ran' }
  if (model.run.mode === 'establish') return { icon: '📏', text: 'Baseline recorded' }
  if (model.verdicts.every((v) => v.kind === 'new') && !model.failed) return { icon: '🆕', text: 'No baseline yet' }
  if (worst === undefined) {
    const failing = findingRows(model).filter((r) => r.f.failing).length
    if (failing > 0) return { icon: '❌', text: `${plural(failing, 'failing finding')} (no wall-time regression)` }
    return { icon: '✅', text: 'No performance regressions' }
  }
  const text = `${plural(regressions.length, 'performance regression')} (worst: ${worst.severity} ${formatRatio(worst.evidence.ratio)})`
  return { icon: model.failed ? '❌' : '⚠️', text }
}

function countsLine(model: ReportModel): string {
  const n = (k: ReportVerdict['kind']) => model.verdicts.filter((v) => v.kind === k).length
  const parts = [
    [n('regression'), plural(n('regression'), 'regression')],
    [n('improvement'), plural(n('improvement'), 'improvement')],
    [n('unchanged'), `${n('unchanged')} unchanged`],
    [n('inconclusive'), `${n('inconclusive')} inconclusive`],
    [n('new') + n('insufficient-data'), `${n('new') + n('insufficient-data')} not judged yet`],
  ] as const
  return parts.filter(([count]) => count > 0).map(([, text]) => text).join(' · ')
}

function statusLine(model: ReportModel): string {
  const tests = plural(model.verdicts.length, 'test')
  if (model.run.mode === 'establish') {
    const judged = model.verdicts.filter((v) => 'evidence' in v).length
    const verb = model.recorded ? 'Recorded' : 'Measured (not recorded)'
    return `${verb} a baseline run of ${tests}; ${judged} already had the ${model.min_samples} baseline runs needed to be judged. Baseline runs never fail.`
  }
  if (model.verdicts.every((v) => v.kind === 'new') && !model.failed) {
    return `Nothing was judged for ${tests} and the run does not fail. Record a baseline on the main branch with \`--baseline-mode=establish\`.`
  }
  const gate =
    model.fail_on === 'never'
      ? 'reporting only (fail on: never)'
      : `fails on ${model.fail_on} and above: ${model.failed ? `**the run fails** (${plural(model.failing.length, 'test')})` : 'the run passes'}`
  return `${countsLine(model)} — ${gate}.`
}

function contextLines(model: ReportModel): string[] {
  const { env, git } = model.run
  const machine = `${env.cpu_model} (${plural(env.cpu_count, 'core')}), ${env.os}/${env.arch}, Node ${env.node_version}`
  const base = model.baseline_commits
  const shown = base.slice(0, 5).map(sha).join(', ') + (base.length > 5 ? `, … (${base.length} in all)` : '')
  const branch = git.branch ? ` (${escapeMarkdownCell(git.branch)})` : ''
  return [
    `- Machine: ${escapeMarkdownCell(machine)}${env.ci ? `, CI: ${escapeMarkdownCell(env.ci)}` : ''}`,
    model.ab
      ? `- Commit: ${sha(git.commit)}${branch} measured next to its base ${sha(model.ab.base_commit)} (${escapeMarkdownCell(model.ab.base_ref)}) in this job, ${model.ab.design === 'paired' ? 'in paired rounds inside one process' : 'in interleaved fresh processes'}`
      : `- Commit: ${sha(git.commit)}${branch} compared with ${base.length > 0 ? `baseline commit${base.length === 1 ? '' : 's'} ${shown}` : 'no baseline commit'}`,
    `- Run: ${escapeMarkdownCell(model.run.id.slice(0, 8))} at ${escapeMarkdownCell(model.run.time)}`,
  ]
}

function warningLines(model: ReportModel, maxRows: number): string[] {
  if (model.warnings.length === 0) return []
  const lines = model.warnings.slice(0, maxRows).map((w) => `- ${escapeMarkdownCell(`${w.file}:${w.line}: ${w.message}`)}`)
  if (model.warnings.length > maxRows) lines.push(`- … and ${model.warnings.length - maxRows} more`)
  return ['', `#### ⚠️ ${plural(model.warnings.length, 'store warning')}`, '', ...lines]
}

/**
 * Renders `.perf/report.md`, for a pull-request comment or $GITHUB_STEP_SUMMARY.
 * Pure: the same model and options give the same text.
 */
export function renderMarkdown(model: ReportModel, options: MarkdownOptions = {}): string {
  const maxRows = Math.max(1, options.maxRows ?? DEFAULT_MAX_ROWS)
  const { icon, text } = headline(model)
  const title = options.title ? `${escapeMarkdownCell(options.title)}: ` : ''
  const out = [MARKDOWN_MARKER, `## ${icon} ${title}${text}`, '', statusLine(model), '']

  const regressions = of(model, 'regression').sort(worstFirst)
  if (regressions.length > 0) out.push('### Regressions', '', ...judgedTable(regressions, maxRows, true), '')
  const findings = findingRows(model)
  if (findings.length > 0) out.push('### Other findings', '', ...findingsTable(findings, maxRows), '')
  out.push(...loadTable(model, maxRows))
  const improvements = of(model, 'improvement').sort((a, b) => a.evidence.ratio - b.evidence.ratio)
  if (improvements.length > 0) out.push(...details(`✅ ${plural(improvements.length, 'improvement')}`, judgedTable(improvements, maxRows, true)))
  const inconclusive = of(model, 'inconclusive')
  if (inconclusive.length > 0) out.push(...details(`❔ ${inconclusive.length} inconclusive (too noisy to tell)`, judgedTable(inconclusive, maxRows, false)))
  const unjudged = model.verdicts.filter((v): v is Unjudged => v.kind === 'new' || v.kind === 'insufficient-data')
  if (unjudged.length > 0) out.push(...details(`🆕 ${unjudged.length} not judged yet`, unjudgedTable(unjudged, maxRows)))
  const unchanged = of(model, 'unchanged')
  if (unchanged.length > 0) out.push(...details(`➖ ${unchanged.length} unchanged`, judgedTable(unchanged, maxRows, false)))

  out.push('#### Environment and commits', '', ...contextLines(model), ...warningLines(model, maxRows), '')
  return withNextSteps(out, model, options.links)
}

/** A GitHub issue for critical regressions. */
export interface RegressionIssue {
  /** Plain text, one line (issue titles are not Markdown). */
  title: string
  /** Markdown. */
  body: string
}

/** The lines of a report, then its next steps when something regressed, as one text. */
function withNextSteps(lines: string[], model: ReportModel, links: ReportLinks | undefined): string {
  const steps = nextStepsMarkdown(model, links)
  return [...lines, ...steps].join('\n')
}

/**
 * The issue to open for critical regressions, or undefined when there is none. Pure.
 * Each regression is one line with its reason, which gives every number once.
 */
export function renderRegressionIssue(model: ReportModel, links?: ReportLinks): RegressionIssue | undefined {
  const critical = of(model, 'regression').filter((v) => v.severity === 'critical').sort(worstFirst)
  const findings = model.verdicts.flatMap((v) =>
    (v.findings ?? []).filter((f) => f.direction === 'worse' && f.gates && f.severity === 'critical').map((f) => ({ v, f })),
  )
  const first = critical[0]
  if (first === undefined && findings.length === 0) return undefined
  const title =
    first === undefined
      ? findings.length === 1
        ? `Critical performance finding: ${plain(testLabel(findings[0]!.v.test), 80)}: ${plain(findings[0]!.f.reason, 100)}`
        : `${findings.length} critical performance findings`
      : critical.length === 1
        ? `Critical performance regression: ${plain(testLabel(first.test))} ${formatRatio(first.evidence.ratio)} slower`
        : `${critical.length} critical performance regressions`
  const others = of(model, 'regression').length - critical.length
  const listed = (items: readonly string[]) => [...items.slice(0, DEFAULT_MAX_ROWS), ...(items.length > DEFAULT_MAX_ROWS ? [`- … and ${items.length - DEFAULT_MAX_ROWS} more`] : [])]
  const body = [
    ...(critical.length > 0
      ? [
          `perf-regression found ${plural(critical.length, 'critical performance regression')} at commit ${sha(model.run.git.commit)}` +
            ' (slower than the baseline by at least its critical band):',
          '',
          ...listed(critical.map((v) => `- ${SEVERITY_ICON[v.severity]} ${escapeMarkdownCell(testLabel(v.test))}: ${escapeMarkdownCell(v.reason)}`)),
        ]
      : [`perf-regression found ${plural(findings.length, 'critical performance finding')} at commit ${sha(model.run.git.commit)}.`]),
    ...(findings.length > 0 ? ['', '#### Critical findings', '', ...listed(findings.map(({ v, f }) => `- ${escapeMarkdownCell(testLabel(v.test))}: ${escapeMarkdownCell(f.reason)}`))] : []),
    ...(others > 0 ? ['', `${plural(others, 'other regression')} below the critical band ${others === 1 ? 'is' : 'are'} in the run's report.`] : []),
    '',
    '#### Environment and commits',
    '',
    ...contextLines(model),
    '',
  ]
  return { title, body: withNextSteps(body, model, links) }
}

/**
 * The text of `.perf/regression-issue.md`: the first line is the plain title
 * (no `#`), then a blank line, then the Markdown body. A workflow can split it
 * with `head -n 1` and `tail -n +3`.
 */
export function renderIssueFile(issue: RegressionIssue): string {
  return `${issue.title}\n\n${issue.body.endsWith('\n') ? issue.body : `${issue.body}\n`}`
}
