import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { DEFAULTS } from '../config/options.js'
import { ConfigError } from '../config/validate.js'
import { loadChartLibrary, readReportLinks } from '../core/report-context.js'
import { renderHtml } from '../report/html.js'
import { renderJson } from '../report/json.js'
import { renderMarkdown } from '../report/markdown.js'
import type { ReportLinks } from '../report/next-steps.js'
import { buildReportModel, type ReportModel } from '../report/model.js'
import { renderTerminal } from '../report/terminal.js'
import { StoreError } from '../store/store.js'
import { colors } from '../report/color.js'
import { printable } from '../report/printable.js'
import { htmlForTerminal, jsonForTerminal } from './documents.js'
import type { CommandContext } from './context.js'
import { configFor, judgeStored, noSuchRun, parse, STORE_OPTIONS } from './common.js'

export const REPORT_HELP = `Usage: perf-regression report [options]

Renders a stored run (the latest by default), judged again against the runs
stored before it.

Options:
  --format <terminal|md|json|html>  Output format (default: terminal)
  --html                            Same as --format html --out .perf/dashboard.html
  --out <file>                      Write to a file instead of standard output
  --run <id>                        The run to render (an id or its first characters)
  --store <file>                    History store (default: ${DEFAULTS.store})
  --fail-on <severity>              minor, moderate, critical or never (default: minor)
  -h, --help                        Show this help

Exit codes: 0 rendered, 2 usage or data error.
`

const FORMATS = ['terminal', 'md', 'json', 'html'] as const
type Format = (typeof FORMATS)[number]

function render(format: Format, model: ReportModel, color: boolean, links: ReportLinks): string {
  switch (format) {
    case 'terminal':
      return renderTerminal(model, { color })
    case 'md':
      return renderMarkdown(model, { links })
    case 'json':
      return renderJson(model)
    case 'html':
      return renderHtml(model, { chartLibrary: loadChartLibrary(), links })
  }
}

/** `perf-regression report`: returns the exit code. */
export async function report(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse('report', args, {
    ...STORE_OPTIONS,
    format: { type: 'string' },
    html: { type: 'boolean' },
    out: { type: 'string' },
    run: { type: 'string' },
    'fail-on': { type: 'string' },
  })
  if (values.help) {
    ctx.stdout.write(REPORT_HELP)
    return 0
  }
  const format = (values.html ? 'html' : (values.format ?? 'terminal')) as Format
  if (!FORMATS.includes(format)) {
    throw new ConfigError([`--format must be one of ${FORMATS.map((f) => `"${f}"`).join(', ')} (got ${JSON.stringify(values.format)})`])
  }
  const { config, storePath } = configFor(ctx, { store: values.store, failOn: values['fail-on'] })
  const outcome = await judgeStored(storePath, config, values.run)
  if (!outcome) return noSuchRun(storePath, values.run, ctx.stderr)
  const model = buildReportModel(outcome)
  const out = values.out ?? (values.html ? path.join(path.dirname(storePath), 'dashboard.html') : undefined)
  const links = format === 'md' || format === 'html' ? readReportLinks(ctx.env, ctx.cwd) : {}
  const text = render(format, model, out === undefined && colors(ctx.stdout, ctx.env).isColorSupported, links)
  if (out === undefined) {
    // Markdown escapes every name already (no line starts with one, no `#` or `[` unescaped).
    const shown = format === 'json' ? jsonForTerminal(text) : format === 'html' ? htmlForTerminal(text) : text
    ctx.stdout.write(shown.endsWith('\n') ? shown : shown + '\n')
  } else {
    const file = path.resolve(ctx.cwd, out)
    try {
      await mkdir(path.dirname(file), { recursive: true })
      await writeFile(file, text)
    } catch (error) {
      throw new StoreError(`perf-regression: cannot write ${file}: ${(error as Error).message}`, file, { cause: error })
    }
    ctx.stderr.write(`${colors(ctx.stderr, ctx.env).dim('perf-regression:')} wrote ${printable(file)}\n`)
  }
  return 0
}
