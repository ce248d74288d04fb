import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { collectEnv, gitInfo } from '../env/environment.js'
import { ImportError, type ImportContext } from '../import/context.js'
import { parseK6Summary } from '../import/k6.js'
import { parseLocustStats } from '../import/locust.js'
import { parseVitestBench } from '../import/vitest-bench.js'
import { printable } from '../report/printable.js'
import { plural } from '../util/format.js'
import { appendRecord } from '../store/store.js'
import { configFor, parse, STORE_OPTIONS } from './common.js'
import type { CommandContext } from './context.js'

export const IMPORT_HELP = `Usage: perf-regression import <vitest-bench|locust|k6> <file> [--mode compare|baseline] [--store <file>]

Adds another tool's results to the history as one run, so the same detector
judges them (run perf-regression check afterwards):

  vitest-bench <file>   the JSON written by vitest bench --outputJson <file>
                        (Vitest 4), or by Vitest 5's JSON reporter
                        (--reporter=json --outputFile <file>)
  locust <file>         Locust's --csv=<prefix> statistics, <prefix>_stats.csv:
                        average and percentile latencies, requests per second
                        and failure rate
  k6 <file>             k6's end-of-test summary, k6 run --summary-export <file>:
                        throughput, latency percentiles and error rate, as
                        perf.load() records them

  --mode baseline       record it as a baseline run (default: compare)
`

const PARSERS = { 'vitest-bench': parseVitestBench, locust: parseLocustStats, k6: parseK6Summary } as const

export async function importCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('import', args, { ...STORE_OPTIONS, mode: { type: 'string' } }, true)
  if (values.help) return (ctx.stdout.write(IMPORT_HELP), 0)
  const [format, file, ...extra] = positionals
  if (format === undefined || file === undefined || extra.length > 0 || !(format in PARSERS)) {
    ctx.stderr.write(`perf-regression: import needs a format (vitest-bench, locust or k6) and one file\n\n${IMPORT_HELP}`)
    return 2
  }
  const mode = values.mode ?? 'compare'
  if (mode !== 'compare' && mode !== 'baseline') {
    ctx.stderr.write(`perf-regression: --mode must be "compare" or "baseline" (got ${printable(JSON.stringify(mode))})\n`)
    return 2
  }
  const { storePath } = configFor(ctx, { store: values.store })
  const absolute = path.resolve(ctx.cwd, file)
  let text: string
  try {
    text = await readFile(absolute, 'utf8')
  } catch (error) {
    ctx.stderr.write(`perf-regression: cannot read ${printable(`${absolute}: ${(error as Error).message}`)}\n`)
    return 2
  }
  const context: ImportContext = {
    root: ctx.cwd,
    file: absolute,
    env: collectEnv(ctx.env),
    git: gitInfo(ctx.env, ctx.cwd),
    now: new Date(),
    mode,
    runId: randomUUID(),
  }
  let record
  try {
    record = PARSERS[format as keyof typeof PARSERS](text, context, (m) => ctx.stderr.write(`perf-regression: warning: ${printable(m)}\n`))
  } catch (error) {
    if (error instanceof ImportError) {
      ctx.stderr.write(`perf-regression: ${printable(error.message)}\n`)
      return 2
    }
    throw error
  }
  await appendRecord(storePath, record)
  ctx.stdout.write(`Imported ${plural(record.results.length, 'result')} from ${printable(file)} as ${mode} run ${printable(record.id.slice(0, 8))} into ${printable(storePath)}.\n`)
  return 0
}
