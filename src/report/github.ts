import type { TestVerdict } from '../detect/verdict.js'
import { label, type ReportModel } from './model.js'

/** Escapes the message of a GitHub Actions workflow command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Escapes a property (file, title) of a GitHub Actions workflow command. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function annotation(level: 'error' | 'warning', v: TestVerdict, title: string): string {
  const props = [`file=${escapeProperty(v.test.file)}`]
  if (v.test.line !== undefined) props.push(`line=${v.test.line}`)
  props.push(`title=${escapeProperty(title)}`)
  return `::${level} ${props.join(',')}::${escapeData(`${label(v.test)}: ${v.reason}`)}`
}

/**
 * GitHub Actions annotations for a run: `::error` for regressions that fail the
 * run, `::warning` for regressions below `failOn`. Pure; one command per line.
 */
export function renderAnnotations(model: ReportModel): string[] {
  const failing = new Set(model.failing)
  const out: string[] = []
  for (const v of model.verdicts) {
    if (v.kind !== 'regression') continue
    const title = `Performance regression (${v.severity}, ${v.evidence.ratio.toFixed(2)}×)`
    out.push(annotation(failing.has(v.key) ? 'error' : 'warning', v, title))
  }
  return out
}
