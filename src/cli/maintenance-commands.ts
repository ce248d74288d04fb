import path from 'node:path'
import { printable } from '../report/printable.js'
import { compactStore, mergeRecords, planPrune } from '../store/maintenance.js'
import { readStore } from '../store/store.js'
import type { StoreRecord } from '../types.js'
import { configFor, parse, STORE_OPTIONS } from './common.js'
import type { CliContext } from './context.js'

export const PRUNE_HELP = `Usage: perf-regression prune (--keep-days <n> | --keep-runs <n>) [--store <file>]

Removes old runs from the history, rewriting it atomically. Runs that are still
part of a test's current baseline are kept, so no verdict changes. Lines that
are not valid records are dropped too (and listed).
`

export const COMPACT_HELP = `Usage: perf-regression compact [--store <file>]

Rewrites the history atomically without the lines that are not valid records
(garbage, torn lines), listing what it drops. Reading never removes them.
`

export const MERGE_HELP = `Usage: perf-regression merge <store>... [--store <file>]

Adds the records of other stores (for example one per CI job) to the history,
without duplicates (same record id), in time order, rewriting it atomically.
`

function reportDropped(dropped: { line: number; message: string }[], file: string): void {
  for (const d of dropped) process.stderr.write(`perf-regression: dropped ${printable(`${file}:${d.line}: ${d.message}`)}\n`)
}

export async function prune(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parse('prune', args, { ...STORE_OPTIONS, 'keep-days': { type: 'string' }, 'keep-runs': { type: 'string' } })
  if (values.help) return (process.stdout.write(PRUNE_HELP), 0)
  const keepDays = values['keep-days'] === undefined ? undefined : Number(values['keep-days'])
  const keepRuns = values['keep-runs'] === undefined ? undefined : Number(values['keep-runs'])
  if (keepDays === undefined && keepRuns === undefined) {
    process.stderr.write(`perf-regression: prune needs --keep-days <n> or --keep-runs <n>\n\n${PRUNE_HELP}`)
    return 2
  }
  if ((keepDays !== undefined && !(keepDays >= 0)) || (keepRuns !== undefined && !(Number.isInteger(keepRuns) && keepRuns >= 0))) {
    process.stderr.write(`perf-regression: --keep-days must be a number >= 0 and --keep-runs an integer >= 0 (got ${printable(`${values['keep-days'] ?? '-'} and ${values['keep-runs'] ?? '-'}`)})\n`)
    return 2
  }
  const { config, storePath } = configFor(ctx, { store: values.store })
  let plan: ReturnType<typeof planPrune> | undefined
  const result = await compactStore(storePath, (records) => {
    plan = planPrune(records, { ...(keepDays !== undefined ? { keepDays } : {}), ...(keepRuns !== undefined ? { keepRuns } : {}), now: new Date(), config })
    return plan.keep
  })
  reportDropped(result.droppedLines, storePath)
  process.stdout.write(
    `Pruned ${printable(storePath)}: ${result.before} → ${result.after} records (${plan?.dropped ?? 0} removed; ${plan?.keptForBaseline ?? 0} older runs kept because a baseline still uses them).\n`,
  )
  return 0
}

export async function compact(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parse('compact', args, STORE_OPTIONS)
  if (values.help) return (process.stdout.write(COMPACT_HELP), 0)
  const { storePath } = configFor(ctx, { store: values.store })
  const result = await compactStore(storePath, (records) => records)
  reportDropped(result.droppedLines, storePath)
  process.stdout.write(`Compacted ${printable(storePath)}: ${result.after} records kept, ${result.droppedLines.length} invalid line${result.droppedLines.length === 1 ? '' : 's'} dropped.\n`)
  return 0
}

export async function merge(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse('merge', args, STORE_OPTIONS, true)
  if (values.help) return (process.stdout.write(MERGE_HELP), 0)
  if (positionals.length === 0) {
    process.stderr.write(`perf-regression: merge needs at least one store to merge in\n\n${MERGE_HELP}`)
    return 2
  }
  const { storePath } = configFor(ctx, { store: values.store })
  const sources: StoreRecord[][] = []
  for (const source of positionals) {
    const file = path.resolve(ctx.cwd, source)
    if (file === storePath) continue
    const { runs, events, warnings } = await readStore(file)
    for (const w of warnings) process.stderr.write(`perf-regression: warning: ${printable(`${w.file}:${w.line}: ${w.message}`)}\n`)
    if (runs.length === 0 && events.length === 0 && warnings.length === 0) {
      process.stderr.write(`perf-regression: ${printable(file)} has no records (is the path right?)\n`)
      return 2
    }
    sources.push([...runs, ...events])
  }
  let stats: ReturnType<typeof mergeRecords> | undefined
  const result = await compactStore(storePath, (records) => {
    stats = mergeRecords([records, ...sources])
    return stats.records
  })
  reportDropped(result.droppedLines, storePath)
  if (stats && stats.conflicts > 0) {
    process.stderr.write(`perf-regression: warning: ${stats.conflicts} record(s) share an id with different content; the copy already in ${printable(storePath)} was kept: ${printable(stats.conflictIds.slice(0, 5).join(', '))}\n`)
  }
  process.stdout.write(`Merged ${positionals.length} store${positionals.length === 1 ? '' : 's'} into ${printable(storePath)}: ${result.before} → ${result.after} records (${stats?.duplicates ?? 0} duplicates skipped).\n`)
  return 0
}
