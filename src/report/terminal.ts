import { formatInterval, formatNs, formatRatio } from '../util/format.js'
import { palette, type Colors } from './color.js'
import { printable } from './printable.js'
import { figureCells, LOAD_COLUMNS, loadNotes, modelText, ratioCells } from './load-format.js'
import { label, type LoadRow, type ReportFinding, type ReportModel, type ReportVerdict } from './model.js'
import { sparkline } from './sparkline.js'

export { printable, printableLines, UNPRINTABLE } from './printable.js'

export interface TerminalOptions {
  /** Colour the output (decided by the caller from the stream and NO_COLOR/FORCE_COLOR). */
  color: boolean
  /** Maximum width of the test-name column. @default 60 */
  nameWidth?: number
  /** The command that records a baseline, shown when there is none. */
  establishHint?: string
  /** Runs shown in each test's sparkline. @default 12 */
  sparkRuns?: number
}

/** Cuts `text` to `width` characters with an ellipsis in the middle, keeping both ends readable. */
export function cut(text: string, width: number): string {
  const chars = [...text]
  if (chars.length <= width) return text
  const keep = width - 1
  const head = Math.ceil(keep / 2)
  return chars.slice(0, head).join('') + '…' + chars.slice(chars.length - (keep - head)).join('')
}

/** `file > name [bench]`, safe to print. */
export function displayName(v: ReportVerdict): string {
  return printable(label(v.test))
}

function verdictCell(v: ReportVerdict, c: Colors, ab: boolean): string {
  switch (v.kind) {
    case 'regression': {
      const paint = v.severity === 'minor' ? c.yellow : c.red
      return paint(`✗ regression (${v.severity})`) + c.dim(` ${formatInterval(v.evidence.interval)}`)
    }
    case 'improvement':
      return c.green(`✓ improvement (${v.severity})`) + c.dim(` ${formatInterval(v.evidence.interval)}`)
    case 'unchanged':
      return c.green('✓ unchanged') + c.dim(` ${formatInterval(v.evidence.interval)}`)
    case 'inconclusive':
      return c.yellow('? inconclusive') + c.dim(` ${formatInterval(v.evidence.interval)}`)
    case 'insufficient-data':
      return c.dim(ab ? '· not judged' : `· ${v.baseline_runs}/${v.required} baseline runs`)
    case 'new':
      return c.dim(ab ? '· new (not in the base)' : '· new (no baseline)')
  }
}

function findingLine(f: ReportFinding, c: Colors): string {
  const mark = f.direction === 'better' ? c.green('✓') : f.failing ? c.red('✗') : c.yellow('!')
  return `${mark} ${printable(f.reason)}`
}

const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - [...s].length))
const padStart = (s: string, w: number) => ' '.repeat(Math.max(0, w - [...s].length)) + s
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

function counts(verdicts: readonly ReportVerdict[], c: Colors): string {
  const parts: string[] = []
  const regressions = verdicts.filter((v) => v.kind === 'regression')
  if (regressions.length > 0) {
    const by = (['critical', 'moderate', 'minor'] as const)
      .map((s) => [s, regressions.filter((v) => v.kind === 'regression' && v.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
    parts.push(c.red(`${plural(regressions.length, 'regression')} (${by.join(', ')})`))
  }
  const n = (k: ReportVerdict['kind']) => verdicts.filter((v) => v.kind === k).length
  if (n('improvement')) parts.push(c.green(plural(n('improvement'), 'improvement')))
  if (n('unchanged')) parts.push(c.green(`${n('unchanged')} unchanged`))
  if (n('inconclusive')) parts.push(c.yellow(`${n('inconclusive')} inconclusive`))
  const unjudged = n('new') + n('insufficient-data')
  if (unjudged) parts.push(c.dim(`${unjudged} not judged yet`))
  return parts.join(c.dim(' · '))
}

/** The load tests' figures against their baseline, each test's metrics in columns. */
function loadSection(model: ReportModel, c: Colors, width: number): string[] {
  const rows: readonly LoadRow[] = model.load ?? []
  if (rows.length === 0) return []
  // A figure whose metric has a finding that is worse: red when it fails the run, yellow otherwise.
  const paint = (row: LoadRow, column: number, text: string) => {
    const metric = LOAD_COLUMNS[column]!.metric
    const f = model.verdicts.find((v) => v.key === row.key)?.findings?.find((x) => x.metric === metric && x.direction === 'worse')
    return f ? (f.failing ? c.red(text) : c.yellow(text)) : text
  }
  const table = rows.map((row) => ({
    row,
    now: figureCells(row.current),
    baseline: row.baseline ? figureCells(row.baseline) : undefined,
    ratio: ratioCells(row),
  }))
  const cols = LOAD_COLUMNS.map((col, i) => Math.max(col.title.length, ...table.flatMap((t) => [t.now[i]!, t.baseline?.[i] ?? '', t.ratio[i] ?? ''].map((x) => x.length))))
  const first = Math.max(20, ...table.map((t) => (t.baseline ? `baseline (${t.row.baseline!.runs} runs)`.length : 0)))
  const line = (head: string, cells: readonly string[], colour?: (i: number, text: string) => string) =>
    `    ${pad(head, first)}  ${cells.map((x, i) => (colour ? colour(i, padStart(x, cols[i]!)) : padStart(x, cols[i]!))).join('  ')}`.trimEnd()
  const out = [c.dim(line('Load tests', LOAD_COLUMNS.map((col) => col.title)).replace(/^ {4}/, '  '))]
  for (const t of table) {
    out.push(`  ${c.bold(cut(printable(label(t.row.test)), width))} ${c.dim(`(${modelText(t.row)})`)}`)
    out.push(line('now', t.now, (i, x) => paint(t.row, i, x)))
    if (t.baseline) {
      out.push(c.dim(line(`baseline (${t.row.baseline!.runs} run${t.row.baseline!.runs === 1 ? '' : 's'})`, t.baseline)))
      out.push(c.dim(line('ratio', t.ratio)))
    }
    for (const note of loadNotes(t.row)) out.push(`    ${c.dim(cut(printable(note), width + 40))}`)
  }
  out.push('')
  return out
}

/** Renders the reporter's summary, grouped by file. Pure: the same model gives the same text. */
export function renderTerminal(model: ReportModel, options: TerminalOptions): string {
  const c = palette(options.color)
  const { verdicts } = model
  if (verdicts.length === 0) return ''
  const establishing = model.run.mode === 'establish'
  const lines: string[] = []
  const title = establishing
    ? 'recording a baseline run'
    : model.ab
      ? `A/B: HEAD against base ${printable(model.ab.base_commit.slice(0, 10))} (${printable(model.ab.base_ref)}), ${model.ab.design === 'paired' ? 'paired rounds in one process' : 'interleaved fresh processes'} (fails on ${model.fail_on})`
      : `comparing with the baseline (fails on ${model.fail_on})`
  lines.push('', `${c.bold(c.cyan(' perf-regression '))} ${title}`, '')

  const files = new Map<string, ReportVerdict[]>()
  for (const v of verdicts) files.set(v.test.file, [...(files.get(v.test.file) ?? []), v])
  const testLabel = (v: ReportVerdict) => printable(`${v.test.name}${v.test.bench ? ` [${v.test.bench}]` : ''}`)
  const nameWidth = Math.min(options.nameWidth ?? 60, Math.max(4, ...verdicts.map((v) => [...testLabel(v)].length + 2)))
  const sparkRuns = options.sparkRuns ?? 12
  const rows = verdicts.map((v) => {
    const baseline = 'evidence' in v ? formatNs(v.evidence.baseline) : v.kind === 'insufficient-data' && v.baseline > 0 ? formatNs(v.baseline) : '—'
    const current = formatNs('evidence' in v ? v.evidence.current : v.current)
    const ratio = 'evidence' in v ? formatRatio(v.evidence.ratio) : v.kind === 'insufficient-data' && v.baseline > 0 ? formatRatio(v.current / v.baseline) : '—'
    const spark = sparkline((model.history[v.key] ?? []).slice(-sparkRuns).map((p) => p.wall_ns))
    return { v, baseline, current, ratio, spark }
  })
  const w = {
    baseline: Math.max(8, ...rows.map((r) => r.baseline.length)),
    current: Math.max(7, ...rows.map((r) => r.current.length)),
    ratio: Math.max(5, ...rows.map((r) => r.ratio.length)),
    spark: Math.max(7, ...rows.map((r) => [...r.spark].length)),
  }
  lines.push(
    c.dim(`  ${pad('Test', nameWidth)}  ${padStart('Baseline', w.baseline)}  ${padStart('Current', w.current)}  ${padStart('Ratio', w.ratio)}  ${pad('History', w.spark)}  Verdict`),
  )
  for (const [file, list] of files) {
    lines.push(`  ${c.bold(cut(printable(file), nameWidth + 40))}`)
    for (const r of rows.filter((row) => list.includes(row.v))) {
      const name = cut(testLabel(r.v), nameWidth - 2)
      lines.push(
        `    ${pad(name, nameWidth - 2)}  ${padStart(r.baseline, w.baseline)}  ${padStart(r.current, w.current)}  ${padStart(r.ratio, w.ratio)}  ${c.dim(pad(r.spark, w.spark))}  ${verdictCell(r.v, c, model.ab !== undefined)}`,
      )
      for (const f of r.v.findings ?? []) lines.push(`      ${findingLine(f, c)}`)
    }
  }
  lines.push('')
  lines.push(...loadSection(model, c, nameWidth + 40))

  const unjudged = verdicts.filter((v) => v.kind === 'new' || v.kind === 'insufficient-data').length
  if (establishing) {
    const n = model.verdicts.length
    lines.push(`  ${model.recorded ? 'Recorded' : 'Measured (not recorded)'} baseline run ${c.bold(printable(model.run.id.slice(0, 8)))} with ${plural(n, 'test')} in ${printable(model.store)}.`)
    if (unjudged > 0) {
      const have = Math.min(...verdicts.map((v) => (v.kind === 'new' ? 0 : v.kind === 'insufficient-data' ? v.baseline_runs : model.min_samples)))
      lines.push(`  Tests are judged once they have ${model.min_samples} baseline runs (the fewest so far: ${have + (model.recorded ? 1 : 0)}, counting this one).`)
    }
  } else {
    const allNew = verdicts.every((v) => v.kind === 'new')
    if (model.ab) {
      lines.push(`  ${counts(verdicts, c)}`)
      for (const v of verdicts) {
        if (v.kind === 'new' || v.kind === 'insufficient-data') lines.push(c.dim(`  · ${cut(displayName(v), 200)}: ${printable(v.reason)}`))
      }
    } else if (allNew) {
      const which = verdicts.length === 1 ? 'this test' : `these ${verdicts.length} tests`
      lines.push(
        c.yellow(
          model.failed
            ? `  No baseline yet for ${which}: times were not compared, but limits and leaks were checked.`
            : `  No baseline yet for ${which}: nothing was judged, and the run does not fail.`,
        ),
      )
      lines.push(`  Record one on your main branch with: ${c.bold(options.establishHint ?? 'npx perf-regression vitest run --baseline-mode=establish')}`)
      if (verdicts.some((v) => v.kind === 'new' && v.foreign_baseline_runs > 0)) {
        lines.push(c.dim('  (The history has baseline runs of these tests from another machine, Node or runner major, or pool: those are never compared.)'))
      }
    } else {
      lines.push(`  ${counts(verdicts, c)}`)
      if (unjudged > 0) lines.push(c.dim(`  ${model.min_samples} baseline runs are needed before a test is judged (record them with --baseline-mode=establish).`))
    }
    const failing = model.failing.map((key) => verdicts.find((v) => v.key === key)).filter((v) => v !== undefined)
    for (const v of failing) {
      for (const reason of v.failures) lines.push(c.red(`  ✗ ${cut(displayName(v), 200)}: ${printable(reason)}`))
    }
    if (failing.length > 0) {
      lines.push(c.red(c.bold(`  perf-regression: ${plural(failing.length, 'failing test')} at or above "${model.fail_on}": failing the run.`)))
    }
  }
  for (const warning of model.warnings) lines.push(c.yellow(`  warning: ${printable(`${warning.file}:${warning.line}: ${warning.message}`)}`))
  lines.push('')
  return lines.join('\n')
}
