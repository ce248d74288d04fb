/**
 * Imports Locust's request statistics: the `<prefix>_stats.csv` written by
 * `locust --csv=<prefix>`. Columns (Locust 2):
 *
 *   Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,
 *   Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,
 *   50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
 *
 * Response times are in milliseconds; Locust's median and percentiles are
 * rounded (to about two significant digits). One row per request type and name,
 * then the `Aggregated` row (empty Type) over all of them. Percentiles read `N/A`
 * in rows without requests. Locust rewrites the file every second while it runs,
 * so a file that does not end with the Aggregated row is treated as incomplete.
 */
import type { RunRecord, TestResult } from '../types.js'
import {
  ImportError,
  dropDuplicates,
  importedRecord,
  importedResult,
  msToNs,
  type ImportContext,
  type ImportWarn,
  type ImportedMetrics,
  type ImportedSample,
} from './context.js'
import { CsvError, parseCsv, type CsvRecord } from './csv.js'
import { round3 } from '../util/format.js'
import { relativeFile } from '../util/paths.js'

export type { ImportContext, ImportWarn } from './context.js'

const COLUMNS = {
  type: 'Type',
  name: 'Name',
  count: 'Request Count',
  failures: 'Failure Count',
  median: 'Median Response Time',
  mean: 'Average Response Time',
  min: 'Min Response Time',
  max: 'Max Response Time',
  rps: 'Requests/s',
  p75: '75%',
  p99: '99%',
} as const

/** Percentile columns recorded as metrics when present (the others are in `wall_ns` or too close to them). */
const PERCENTILE_METRICS: Record<string, string> = { '90%': 'p90_ms', '95%': 'p95_ms', '99.9%': 'p99_9_ms' }

const AGGREGATED = 'Aggregated'

/**
 * Reads a Locust stats CSV into a run record: one result per row, named
 * `<Type> <Name>` (`Aggregated` for the total row), all in the test file `context.file`.
 * Rows without requests are skipped and reported to `warn`.
 * @throws ImportError when the text is not a complete Locust stats CSV, or has no row with requests.
 */
export function parseLocustStats(csv: string, context: ImportContext, warn?: ImportWarn): RunRecord {
  const fail = (problem: string): never => {
    throw new ImportError(context.file, `not a Locust stats CSV (the _stats.csv of locust --csv): ${problem}`)
  }
  let records: CsvRecord[]
  try {
    records = parseCsv(csv)
  } catch (error) {
    if (error instanceof CsvError) return fail(`malformed CSV, ${error.message}`)
    throw error
  }
  const [header, ...rows] = records
  if (!header) return fail('the file is empty')
  const col = columnsOf(header.fields, fail)
  const last = rows[rows.length - 1]
  if (!last || last.fields[col.name] !== AGGREGATED || last.fields[col.type] !== '') {
    fail(`no "${AGGREGATED}" row at the end; the file is incomplete (was Locust still writing it?)`)
  }
  const runner = { name: 'locust' as const, version: context.runnerVersion ?? 'unknown', pool: '' }
  const file = relativeFile(context.root, context.file)
  const results: TestResult[] = []
  for (const row of rows) {
    if (row.fields.length !== header.fields.length) {
      fail(`line ${row.line} has ${row.fields.length} fields, the header has ${header.fields.length}`)
    }
    const type = row.fields[col.type]!
    const name = type === '' ? row.fields[col.name]! : `${type} ${row.fields[col.name]!}`
    const num = (column: string, index: number): number => {
      const text = row.fields[index]!.trim()
      const value = text === '' ? NaN : Number(text)
      if (!Number.isFinite(value) || value < 0) {
        fail(`line ${row.line}, column "${column}": expected a number, found ${JSON.stringify(row.fields[index])}`)
      }
      return value
    }
    const count = num(COLUMNS.count, col.count)
    if (count === 0) {
      warn?.(`${context.file}: skipped ${JSON.stringify(name)} (line ${row.line}): no requests`)
      continue
    }
    const medianMs = num(COLUMNS.median, col.median)
    if (medianMs === 0) {
      warn?.(`${context.file}: skipped ${JSON.stringify(name)} (line ${row.line}): median response time 0 ms (below Locust's 1 ms resolution)`)
      continue
    }
    const failures = num(COLUMNS.failures, col.failures)
    const rps = num(COLUMNS.rps, col.rps)
    const metrics: ImportedMetrics = {
      requests_per_s: { value: rps, better: 'higher', unit: 'req/s' },
      failure_rate: { value: failures / count, better: 'lower', unit: 'ratio', absolute: true },
    }
    for (const [column, index] of col.percentiles) metrics[PERCENTILE_METRICS[column]!] = { value: num(column, index), better: 'lower', unit: 'ms' }
    const sample: ImportedSample = {
      iterations: count,
      warmup: { iterations: 0, time_ms: 0 },
      wall_ns: {
        n: count,
        mean: msToNs(num(COLUMNS.mean, col.mean)),
        median: msToNs(medianMs),
        p75: msToNs(num(COLUMNS.p75, col.p75)),
        p99: msToNs(num(COLUMNS.p99, col.p99)),
        min: msToNs(num(COLUMNS.min, col.min)),
        max: msToNs(num(COLUMNS.max, col.max)),
        // Locust reports no spread; 0 means unknown here.
        sd: 0,
      },
      raw_wall_ns: [],
      // Requests/s is the request count over the time between the first and the last request.
      duration_ms: rps > 0 ? round3((count / rps) * 1000) : 0,
      metrics,
    }
    results.push(importedResult(context, { file, name, project: '' }, runner, sample))
  }
  return importedRecord(context, dropDuplicates(results, warn, context.file), 'rows with requests')
}

type ColumnIndex = { [K in keyof typeof COLUMNS]: number } & { percentiles: [string, number][] }

/** Where each needed column is; fails naming the missing ones. */
function columnsOf(header: string[], fail: (problem: string) => never): ColumnIndex {
  const names = header.map((h) => h.trim())
  const missing = Object.values(COLUMNS).filter((c) => !names.includes(c))
  if (missing.length > 0) {
    const found = names.length > 12 ? `${names.slice(0, 12).join(',')},...` : names.join(',')
    const hint = names.includes('Timestamp')
      ? ' (this looks like _stats_history.csv; import _stats.csv)'
      : names.includes('Occurrences') || names.includes('Traceback')
        ? ' (this looks like _failures.csv or _exceptions.csv; import _stats.csv)'
        : ''
    fail(`missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => JSON.stringify(m)).join(', ')}; found header ${JSON.stringify(found)}${hint}`)
  }
  const at = Object.fromEntries(Object.entries(COLUMNS).map(([key, c]) => [key, names.indexOf(c)]))
  const percentiles = Object.keys(PERCENTILE_METRICS)
    .filter((c) => names.includes(c))
    .map((c): [string, number] => [c, names.indexOf(c)])
  return { ...(at as { [K in keyof typeof COLUMNS]: number }), percentiles }
}
