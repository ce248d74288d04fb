import { appendFile, mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import type { ResolvedConfig } from '../config/options.js'
import { renderAnnotations } from '../report/github.js'
import { renderHtml } from '../report/html.js'
import { renderJson } from '../report/json.js'
import { renderIssueFile, renderMarkdown, renderRegressionIssue } from '../report/markdown.js'
import type { ReportModel } from '../report/model.js'
import { loadChartLibrary, readReportLinks } from './report-context.js'
import { describeSweep, sweepStaleTemps, writeFileAtomic } from '../util/atomic.js'
import type { TextOutput } from '../util/output.js'

export interface OutputResult {
  /** Files written, absolute. */
  written: string[]
  /** GitHub Actions workflow commands to print (empty outside GitHub Actions). */
  annotations: string[]
  /** Problems writing a report; the history is not affected by them. */
  problems: string[]
}

/**
 * Writes through a synced temporary file and a rename (`writeFileAtomic`), so a
 * reader never sees half a report and a failed write leaves nothing behind.
 * Temporary files of earlier writes that died are swept first: a lot of freed
 * space is said on `stderr`, a leftover that cannot be removed is a problem.
 */
async function writeAtomic(file: string, text: string, problems: string[], stderr: TextOutput): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const { freed, failures } = describeSweep(await sweepStaleTemps(file))
  if (freed) stderr.write(`perf-regression: ${freed}\n`)
  problems.push(...failures)
  await writeFileAtomic(file, text)
}

/**
 * Writes the configured report files for a judged run and, inside GitHub
 * Actions, appends the Markdown to the job summary and returns the annotations.
 * Notes of swept temporary files go to `stderr`.
 */
export async function writeOutputs(
  model: ReportModel,
  config: ResolvedConfig,
  root: string,
  env: Record<string, string | undefined>,
  stderr: TextOutput = process.stderr,
): Promise<OutputResult> {
  const result: OutputResult = { written: [], annotations: [], problems: [] }
  const github = config.github === true || (config.github === 'auto' && env.GITHUB_ACTIONS === 'true')
  const { reports } = config
  // Links to the commit and the CI run: read here, handed to the renderers as data.
  const links = reports.markdown || reports.html || reports.issue || github ? readReportLinks(env, root, reports.html || undefined) : {}
  // Rendered once, and only when something uses it.
  const markdown = reports.markdown || github ? renderMarkdown(model, { links }) : ''
  const attempt = async (what: string, file: string, action: () => Promise<void>) => {
    try {
      await action()
      result.written.push(file)
    } catch (error) {
      result.problems.push(`cannot write the ${what} ${file}: ${(error as Error).message}`)
    }
  }
  if (reports.markdown) {
    const file = path.resolve(root, reports.markdown)
    await attempt('Markdown report', file, () => writeAtomic(file, markdown, result.problems, stderr))
  }
  if (reports.json) {
    const file = path.resolve(root, reports.json)
    await attempt('JSON report', file, () => writeAtomic(file, renderJson(model), result.problems, stderr))
  }
  if (reports.html) {
    const file = path.resolve(root, reports.html)
    await attempt('HTML dashboard', file, () => writeAtomic(file, renderHtml(model, { links, chartLibrary: loadChartLibrary() }), result.problems, stderr))
  }
  if (reports.issue) {
    const file = path.resolve(root, reports.issue)
    const issue = renderRegressionIssue(model, links)
    if (issue) await attempt('regression issue', file, () => writeAtomic(file, renderIssueFile(issue), result.problems, stderr))
    else {
      // A file left from an earlier run must not open an issue for this one.
      try {
        await rm(file, { force: true })
      } catch (error) {
        result.problems.push(`cannot remove the regression issue ${file} left by an earlier run: ${(error as Error).message}`)
      }
    }
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
