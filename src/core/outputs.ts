import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { ResolvedConfig } from '../config/options.js'
import { renderAnnotations } from '../report/github.js'
import { renderHtml } from '../report/html.js'
import { renderJson } from '../report/json.js'
import { renderIssueFile, renderMarkdown, renderRegressionIssue } from '../report/markdown.js'
import type { ReportModel } from '../report/model.js'

export interface OutputResult {
  /** Files written, absolute. */
  written: string[]
  /** GitHub Actions workflow commands to print (empty outside GitHub Actions). */
  annotations: string[]
  /** Problems writing a report; the history is not affected by them. */
  problems: string[]
}

/** Writes through a temporary file and a rename, so a reader never sees half a report. */
async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, text)
  await rename(tmp, file)
}

/**
 * Writes the configured report files for a judged run and, inside GitHub
 * Actions, appends the Markdown to the job summary and returns the annotations.
 */
export async function writeOutputs(
  model: ReportModel,
  config: ResolvedConfig,
  root: string,
  env: Record<string, string | undefined>,
): Promise<OutputResult> {
  const result: OutputResult = { written: [], annotations: [], problems: [] }
  const github = config.github === true || (config.github === 'auto' && env.GITHUB_ACTIONS === 'true')
  // Rendered once, and only when something uses it.
  const markdown = config.reports.markdown || github ? renderMarkdown(model) : ''
  const attempt = async (what: string, file: string, action: () => Promise<void>) => {
    try {
      await action()
      result.written.push(file)
    } catch (error) {
      result.problems.push(`cannot write the ${what} ${file}: ${(error as Error).message}`)
    }
  }
  const { reports } = config
  if (reports.markdown) {
    const file = path.resolve(root, reports.markdown)
    await attempt('Markdown report', file, () => writeAtomic(file, markdown))
  }
  if (reports.json) {
    const file = path.resolve(root, reports.json)
    await attempt('JSON report', file, () => writeAtomic(file, renderJson(model)))
  }
  if (reports.html) {
    const file = path.resolve(root, reports.html)
    await attempt('HTML dashboard', file, () => writeAtomic(file, renderHtml(model)))
  }
  if (reports.issue) {
    const file = path.resolve(root, reports.issue)
    const issue = renderRegressionIssue(model)
    if (issue) await attempt('regression issue', file, () => writeAtomic(file, renderIssueFile(issue)))
    // A file left from an earlier run must not open an issue for this one.
    else await rm(file, { force: true })
  }
  if (github) {
    const summary = env.GITHUB_STEP_SUMMARY
    if (summary) {
      try {
        await appendFile(summary, markdown + '\n')
      } catch (error) {
        result.problems.push(`cannot append to $GITHUB_STEP_SUMMARY (${summary}): ${(error as Error).message}`)
      }
    }
    result.annotations = renderAnnotations(model)
  }
  return result
}
