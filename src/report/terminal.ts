import { createColors } from 'picocolors'
import type { TestVerdict } from '../detect/verdict.js'
import type { RunOutcome } from '../core/run.js'
import { formatInterval, formatNs, formatRatio } from '../util/format.js'

type Colors = ReturnType<typeof createColors>

export interface TerminalOptions {
  /** Colour the output (decided by the caller from the stream and NO_COLOR/FORCE_COLOR). */
  color: boolean
  /** Maximum width of the test-name column. @default 60 */
  nameWidth?: number
  /** The command that records a baseline, shown when there is none. */
  establishHint?: string
}

/** Cuts `text` to `width` characters with an ellipsis in the middle, keeping both ends readable. */
export function cut(text: string, width: number): string {
  const chars = [...text]
  if (chars.length <= width) return text
  const keep = width - 1
  const head = Math.ceil(keep / 2)
  return chars.slice(0, head).join('') + '…' + chars.slice(chars.length - (keep - head)).join('')
}

/** Replaces control characters so a test name cannot move the cursor or break a line. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' ? '⏎' : '�'))
}

export function displayName(v: TestVerdict): string {
  const t = v.test
  return printable(`${t.file} > ${t.name}${t.bench ? ` [${t.bench}]` : ''}`)
}

function verdictCell(v: TestVerdict, c: Colors): string {
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
      return c.dim(`· ${v.baseline_runs}/${v.required} baseline runs`)
    case 'new':
      return c.dim('· new (no baseline)')
  }
}

const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - [...s].length))
const padStart = (s: string, w: number) => ' '.repeat(Math.max(0, w - [...s].length)) + s

/** Renders the reporter's summary. Pure: the same outcome gives the same text. */
export function renderTerminal(outcome: RunOutcome, options: TerminalOptions): string {
  const c = createColors(options.color)
  const { verdicts, record, config } = outcome
  if (verdicts.length === 0) return ''
  const establishing = config.baselineMode === 'establish'
  const lines: string[] = []
  const title = establishing ? 'recording a baseline run' : `comparing with the baseline (fails on ${config.failOn})`
  lines.push('', `${c.bold(c.cyan(' perf-regression '))} ${title}`, '')

  const nameWidth = Math.min(options.nameWidth ?? 60, Math.max(4, ...verdicts.map((v) => [...displayName(v)].length)))
  const rows = verdicts.map((v) => {
    const baseline = 'evidence' in v ? formatNs(v.evidence.baseline) : v.kind === 'insufficient-data' ? formatNs(v.baseline) : '—'
    const current = formatNs('evidence' in v ? v.evidence.current : v.current)
    const ratio = 'evidence' in v ? formatRatio(v.evidence.ratio) : v.kind === 'insufficient-data' ? formatRatio(v.current / v.baseline) : '—'
    return { name: cut(displayName(v), nameWidth), baseline, current, ratio, verdict: verdictCell(v, c) }
  })
  const w = {
    baseline: Math.max(8, ...rows.map((r) => r.baseline.length)),
    current: Math.max(7, ...rows.map((r) => r.current.length)),
    ratio: Math.max(5, ...rows.map((r) => r.ratio.length)),
  }
  lines.push(
    c.dim(`  ${pad('Test', nameWidth)}  ${padStart('Baseline', w.baseline)}  ${padStart('Current', w.current)}  ${padStart('Ratio', w.ratio)}  Verdict`),
  )
  for (const r of rows) {
    lines.push(`  ${pad(r.name, nameWidth)}  ${padStart(r.baseline, w.baseline)}  ${padStart(r.current, w.current)}  ${padStart(r.ratio, w.ratio)}  ${r.verdict}`)
  }
  lines.push('')

  const count = (k: TestVerdict['kind']) => verdicts.filter((v) => v.kind === k).length
  const unjudged = count('new') + count('insufficient-data')
  if (establishing) {
    const verb = outcome.recorded ? 'Recorded' : 'Measured (not recorded)'
    lines.push(`  ${verb} baseline run ${c.bold(record.id.slice(0, 8))} with ${record.results.length} test${record.results.length === 1 ? '' : 's'} in ${outcome.storePath}.`)
    if (unjudged > 0) {
      const have = Math.min(...verdicts.map((v) => (v.kind === 'new' ? 0 : v.kind === 'insufficient-data' ? v.baseline_runs : config.minSamples)))
      lines.push(`  Tests are judged once they have ${config.minSamples} baseline runs (the fewest so far: ${have + 1}, counting this one).`)
    }
  } else {
    if (count('new') === verdicts.length) {
      lines.push(c.yellow(`  No baseline yet for ${verdicts.length === 1 ? 'this test' : `these ${verdicts.length} tests`}: nothing was judged, and the run does not fail.`))
      lines.push(`  Record one on your main branch with: ${c.bold(options.establishHint ?? 'npx perf-regression vitest run --baseline-mode=establish')}`)
      if (verdicts.some((v) => v.kind === 'new' && v.foreign_baseline_runs > 0)) {
        lines.push(c.dim('  (The history has baseline runs of these tests from another machine, Node or runner major, or pool: those are never compared.)'))
      }
    } else if (unjudged > 0) {
      lines.push(c.dim(`  ${unjudged} test${unjudged === 1 ? '' : 's'} not judged yet: ${config.minSamples} baseline runs are needed (record them with --baseline-mode=establish).`))
    }
    const counts = [
      [count('regression'), 'regression', c.red],
      [count('improvement'), 'improvement', c.green],
      [count('unchanged'), 'unchanged', c.green],
      [count('inconclusive'), 'inconclusive', c.yellow],
    ] as const
    const judged = counts.filter(([n]) => n > 0)
    if (judged.length > 0) {
      lines.push(`  ${judged.map(([n, label, paint]) => paint(`${n} ${label}${n === 1 || label === 'unchanged' || label === 'inconclusive' ? '' : 's'}`)).join(c.dim(' · '))}`)
    }
    for (const v of outcome.failing) {
      if (v.kind === 'regression') lines.push(c.red(`  ✗ ${displayName(v)}: ${v.reason}`))
    }
    if (outcome.failing.length > 0) {
      lines.push(c.red(c.bold(`  perf-regression: ${outcome.failing.length} regression${outcome.failing.length === 1 ? '' : 's'} at or above "${config.failOn}": failing the run.`)))
    }
  }
  for (const w of outcome.warnings) {
    lines.push(c.yellow(`  warning: ${w.file}:${w.line}: ${w.message}`))
  }
  lines.push('')
  return lines.join('\n')
}
