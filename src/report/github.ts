import type { Finding } from '../detect/verdict.js'
import { label, type ReportModel, type ReportVerdict } from './model.js'
import { printable } from './printable.js'

/**
 * Escapes the message of a GitHub Actions workflow command, as the runner unescapes it
 * (`ActionCommand.UnescapeData`): `%` → `%25`, CR → `%0D`, LF → `%0A`.
 */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/**
 * Escapes a property (file, title) of a GitHub Actions workflow command: as data, and
 * `:` → `%3A`, `,` → `%2C`, so a value cannot end the properties (`::`) or start another (`,`).
 */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/**
 * `::error file=…,line=…,title=…::message`. Every untrusted part is made printable first
 * (one line, no control characters, no command of its own) and then escaped, so the
 * runner reads exactly one annotation from the line, ours, whatever the names hold.
 */
function annotation(level: 'error' | 'warning', v: ReportVerdict, title: string, reason = v.reason): string {
  const props = [`file=${escapeProperty(printable(v.test.file))}`]
  if (v.test.line !== undefined) props.push(`line=${v.test.line}`)
  props.push(`title=${escapeProperty(printable(title))}`)
  return `::${level} ${props.join(',')}::${escapeData(printable(`${label(v.test)}: ${reason}`))}`
}

const FINDING_TITLE: Record<Finding['kind'], string> = {
  metric: 'Performance regression',
  limit: 'Performance limit crossed',
  leak: 'Memory leak',
  step: 'Performance step change',
  drift: 'Performance drift',
}

/**
 * GitHub Actions annotations for a run: `::error` for regressions and findings that
 * fail the run, `::warning` for those below `failOn` and for steps and drifts. Pure; one command per line.
 */
export function renderAnnotations(model: ReportModel): string[] {
  const out: string[] = []
  for (const v of model.verdicts) {
    if (v.kind !== 'regression') continue
    const title = `Performance regression (${v.severity}, ${v.evidence.ratio.toFixed(2)}×)`
    out.push(annotation(v.failing ? 'error' : 'warning', v, title))
  }
  for (const v of model.verdicts) {
    for (const f of v.findings ?? []) {
      if (f.direction !== 'worse') continue
      const level = f.failing ? 'error' : 'warning'
      out.push(annotation(level, v, `${FINDING_TITLE[f.kind]} (${f.metric}, ${f.severity})`, f.reason))
    }
  }
  return out
}
