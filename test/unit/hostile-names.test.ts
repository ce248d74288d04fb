/**
 * Hostile test names (very long, unicode tricks, control characters, paths,
 * Markdown/HTML, CI workflow commands) go through the store unchanged and render
 * safely: the terminal summary has no raw control or format characters, no line
 * a CI runner reads as a command, and one line per test, and every Markdown
 * table row keeps its column count.
 */
import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { appendFile, readFile } from 'node:fs/promises'
import path from 'node:path'
import { buildRecord, type RunOutcome } from '../../src/core/run.js'
import { detect } from '../../src/detect/detect.js'
import { fails } from '../../src/detect/verdict.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { buildReportModel, type ReportModel } from '../../src/report/model.js'
import { renderTerminal } from '../../src/report/terminal.js'
import { appendRecord, readStore } from '../../src/store/store.js'
import { SCHEMA_VERSION, type BaselineEvent, type TestRef } from '../../src/types.js'
import { COMMANDS, readsAsCommand, runnerLines } from './commands.js'
import { config, sample, tempDir } from './helpers.js'
import { FIXTURE_ENV, FIXTURE_NOW, FIXTURE_RUNNER, fixtureHistory, type FixtureTest } from './report-fixtures.js'

const HOSTILE: readonly string[] = [
  'n'.repeat(10_000),
  '😀'.repeat(10_000),
  'rtl \u200fmark \u202eevil override\u202c \u2067isolate\u2069 مرحبا עברית',
  'emoji 👩‍👩‍👧‍👦 🇺🇸 🏳️‍🌈 ✓',
  'combining e\u0301\u0301\u0301 Z̸̢̛͔a̴l̷g̶o̸',
  'zero\u200bwidth\u200c\u200djoiner\ufeffbom\u2060',
  'marks \u200e\u200f\u061c invisible \u2061\u2064\u206a\u206f\u180e\u00ad tag \u{e0041}',
  ...COMMANDS,
  COMMANDS.join('\n'),
  '\u001b[31mred\u001b[0m \u001b]0;title\u0007 \u001b[2J',
  'carriage\rreturn',
  'new\nline',
  'crlf\r\nrow',
  'bell\u0007',
  'nul\u0000byte',
  'del\u007f c1\u0085\u009b',
  'tab\tvtab\u000bff\u000c',
  '../../etc/passwd',
  'C:\\x',
  '\\\\server\\share\\',
  '</script><script>alert(1)</script>',
  'a | b | c',
  '`code` ``` fence',
  '@here @channel',
  '<!-- unclosed',
  '&amp; &lt;',
  '[link](javascript:alert(1))',
  'lone \ud800 surrogate',
  'trailing backslash \\',
  '',
]

/** Names that Unicode calls line breaks without being C0/C1 controls. */
const UNICODE_BREAKS = ['para\u2028sep', 'para\u2029sep']

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/
const LINE_BREAKS = /\r|\u000b|\u000c|\u0085|\u2028|\u2029/

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterAll(async () => {
  await cleanup()
})

const QUIET = [1.0e6, 1.01e6, 0.99e6, 1.02e6, 0.98e6, 1.0e6, 1.01e6, 0.99e6]

/** Test i: a regression, an unchanged test, a new test or one with too few baseline runs, by i % 4. */
function fixtureTests(names: readonly string[]): FixtureTest[] {
  return names.map((name, i) => {
    const test: TestRef = {
      file: i % 3 === 0 ? 'test/evil.test.ts' : `test/${names[(i + 7) % names.length]!.slice(0, 200)}.test.ts`,
      name,
      project: i % 5 === 0 ? names[(i + 3) % names.length]!.slice(0, 100) : '',
      ...(i % 2 === 0 ? { bench: names[(i + 1) % names.length]!.slice(0, 100) } : {}),
    }
    switch (i % 4) {
      case 0:
        return { test, baseline: QUIET, current: 2.31e6 }
      case 1:
        return { test, baseline: QUIET, current: 1.0e6 }
      case 2:
        return { test, baseline: [], current: 3e6 }
      default:
        return { test, baseline: [1e6, 1e6], current: 1.5e6 }
    }
  })
}

/** Appends the history and the current run to a store, reads it back, judges and builds the model from what was read. */
async function roundTrip(names: readonly string[], mode: 'establish' | 'compare', store: string) {
  const tests = fixtureTests(names)
  const cfg = config({ baselineMode: mode })
  const current = buildRecord({
    samples: tests.map((x) => ({ test: x.test, runner: FIXTURE_RUNNER, sample: sample(x.current) })),
    config: cfg,
    env: FIXTURE_ENV,
    git: { commit: names[2 % names.length]!, branch: names[6 % names.length]! },
    now: FIXTURE_NOW,
    runId: 'hostile-run',
  })
  const history = fixtureHistory(tests)
  const event: BaselineEvent = {
    schema: SCHEMA_VERSION,
    kind: 'baseline-event',
    id: 'ev',
    time: new Date(FIXTURE_NOW.getTime() - 30 * 86_400_000).toISOString(),
    action: 'reset',
    reason: names.join(' / ').slice(0, 5_000),
    who: names[6 % names.length]!,
  }
  await appendRecord(store, event)
  for (const r of [...history, current]) await appendRecord(store, r)
  const read = await readStore(store)
  const readCurrent = read.runs.at(-1)!
  const outcome: RunOutcome = (() => {
    const readHistory = read.runs.slice(0, -1)
    const verdicts = detect({ current: readCurrent.results, history: readHistory, events: read.events, config: cfg, now: FIXTURE_NOW, runId: readCurrent.id })
    const failing = mode === 'establish' ? [] : verdicts.filter((v) => fails(v, cfg.failOn))
    return { record: readCurrent, verdicts, failing, warnings: read.warnings, storePath: store, recorded: true, history: readHistory, config: cfg }
  })()
  return { written: { history, current, event }, read, model: buildReportModel(outcome) }
}

/** Cells of a Markdown table row, split on pipes not escaped by a backslash. */
function cells(row: string): string[] {
  return row.split(/(?<=(?:^|[^\\])(?:\\\\)*)\|/).slice(1, -1)
}

/** Every table of a Markdown text: its rows, header and delimiter first. */
function tables(md: string): string[][] {
  const out: string[][] = []
  let current: string[] | undefined
  for (const l of md.split('\n')) {
    if (l.startsWith('|')) (current ??= []).push(l)
    else if (current) {
      out.push(current)
      current = undefined
    }
  }
  if (current) out.push(current)
  return out
}

/** The rows of the terminal summary that belong to tests: indented by four spaces. */
const testRows = (text: string) => text.split('\n').filter((l) => l.startsWith('    '))

function checkTerminal(model: ReportModel, text: string) {
  expect(text).not.toMatch(CONTROL)
  expect(text).not.toMatch(/\u001b/)
  expect(text).not.toMatch(/[\p{Cf}\p{Cs}]/u)
  for (const line of runnerLines(text)) expect(readsAsCommand(line), line.slice(0, 200)).toBe(false)
  // One row per test, each on one line of bounded width (long names are cut).
  const rows = testRows(text)
  expect(rows).toHaveLength(model.verdicts.length)
  for (const row of rows) expect([...row].length).toBeLessThan(200)
  // Every row ends with its verdict cell: nothing of a name spilled onto a line of its own.
  for (const row of rows) expect(row).toMatch(/(✗ regression|✓ improvement|✓ unchanged|\? inconclusive|· \d+\/\d+ baseline runs|· new \(no baseline\))/)
}

describe('hostile names', () => {
  let compare: Awaited<ReturnType<typeof roundTrip>>
  let establish: Awaited<ReturnType<typeof roundTrip>>
  beforeAll(async () => {
    compare = await roundTrip(HOSTILE, 'compare', path.join(dir, 'compare', 'benchmarks.jsonl'))
    establish = await roundTrip(HOSTILE, 'establish', path.join(dir, 'establish', 'benchmarks.jsonl'))
  }, 60_000)

  test('go through appendRecord/readStore unchanged', () => {
    const { written, read } = compare
    expect(read.warnings).toEqual([])
    expect(read.events).toEqual([written.event])
    expect(read.runs).toEqual([...written.history, written.current])
    const names = read.runs.at(-1)!.results.map((r) => r.test.name)
    expect(names).toEqual(HOSTILE)
    expect(names[0]).toHaveLength(10_000)
  })

  test('the verdicts cover every kind of row', () => {
    const kinds = new Set(compare.model.verdicts.map((v) => v.kind))
    for (const k of ['regression', 'unchanged', 'new', 'insufficient-data']) expect(kinds).toContain(k)
  })

  test('renderTerminal without colour: no raw ESC or control characters, one line per test', () => {
    for (const { model } of [compare, establish]) {
      const text = renderTerminal(model, { color: false })
      checkTerminal(model, text)
      expect(text).not.toMatch(LINE_BREAKS)
    }
  })

  test('renderTerminal with colour: the only escapes are its own SGR colours', () => {
    const text = renderTerminal(compare.model, { color: true })
    const stripped = text.replace(/\u001b\[\d+(;\d+)*m/g, '')
    expect(stripped).toBe(renderTerminal(compare.model, { color: false }))
  })

  test('renderMarkdown: every table row keeps its column count, one line per row', () => {
    for (const { model } of [compare, establish]) {
      const md = renderMarkdown(model)
      const found = tables(md)
      expect(found.length).toBeGreaterThan(0)
      let rows = 0
      for (const t of found) {
        const width = cells(t[0]!).length
        expect(width).toBeGreaterThanOrEqual(4)
        for (const row of t) expect(cells(row), row.slice(0, 200)).toHaveLength(width)
        rows += t.length - 2
      }
      // Every test is one row of one table (fewer than the 50-row cap here).
      expect(rows).toBe(model.verdicts.length)
      expect(md).not.toMatch(CONTROL)
      expect(md).not.toMatch(LINE_BREAKS)
      expect(md).not.toContain('</script>')
      for (const line of runnerLines(md)) expect(readsAsCommand(line), line.slice(0, 200)).toBe(false)
      expect(md).not.toMatch(/@(here|channel)/)
    }
  })

  test('store warnings quoting hostile record kinds render safely', async () => {
    const store = path.join(dir, 'warn', 'benchmarks.jsonl')
    const { model } = await roundTrip(HOSTILE.slice(0, 4), 'compare', store)
    const lines = (await readFile(store, 'utf8')).split('\n').length - 1
    await appendFile(store, JSON.stringify({ schema: 1, kind: '\u001b[31m\n\u2028evil' }) + '\n' + 'x\u001b[2J\r\n')
    const { warnings } = await readStore(store)
    expect(warnings.map((w) => w.line)).toEqual([lines + 1, lines + 2])
    const withWarnings = { ...model, warnings }
    const text = renderTerminal(withWarnings, { color: false })
    expect(text).not.toMatch(CONTROL)
    expect(text).toContain('warning: ')
    const md = renderMarkdown(withWarnings)
    expect(md).not.toMatch(CONTROL)
  })

  test('renderTerminal turns Unicode line/paragraph separators (U+2028, U+2029) in names into something printable', async () => {
    // Regression: printable() used to replace C0/C1 controls only (escapeMarkdownCell also
    // replaced U+2028/U+2029), so a name with U+2028 reached the terminal and CI logs raw.
    const { model } = await roundTrip([...UNICODE_BREAKS, 'plain', 'other'], 'compare', path.join(dir, 'seps', 'benchmarks.jsonl'))
    const text = renderTerminal(model, { color: false })
    checkTerminal(model, text)
    expect(renderMarkdown(model)).not.toMatch(LINE_BREAKS)
    expect(text).not.toMatch(/\u2028|\u2029/)
  })
})
