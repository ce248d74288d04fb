import type { CommandContext } from '../../src/cli/context.js'
import { afterEach, beforeEach, describe, test, expect } from 'vitest'
import { open, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { compact } from '../../src/cli/maintenance-commands.js'
import { MAX_LINE_BYTES } from '../../src/store/lines.js'
import { appendRun, LINE_WARNINGS, readRuns, readStore, StoreError, type StoreWarning } from '../../src/store/store.js'
import { formatBytes } from '../../src/util/format.js'
import type { RunRecord } from '../../src/types.js'
import { outputCapture, run, tempDir } from './helpers.js'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(async () => {
  await cleanup()
})

const line = (r: RunRecord) => JSON.stringify(r) + '\n'

describe('readStore', () => {
  test('a missing file reads as empty', async () => {
    expect(await readStore(path.join(dir, 'nope.jsonl'))).toEqual({ runs: [], events: [], warnings: [] })
  })

  test('an empty file reads as empty', async () => {
    const file = path.join(dir, 'h.jsonl')
    await writeFile(file, '')
    expect(await readStore(file)).toEqual({ runs: [], events: [], warnings: [] })
  })

  test('a garbage line and a truncated last line are skipped with 1-based line numbers', async () => {
    const file = path.join(dir, 'h.jsonl')
    const a = run({ id: 'a', medians: { t: 1 } })
    const b = run({ id: 'b', medians: { t: 2 } })
    const torn = line(run({ id: 'c', medians: { t: 3 } })).slice(0, 40)
    await writeFile(file, line(a) + 'this is not json\n' + '\n' + line(b) + torn)
    const { runs, warnings } = await readStore(file)
    expect(runs.map((r) => r.id)).toEqual(['a', 'b'])
    expect(runs[0]).toEqual(a)
    expect(warnings).toEqual<StoreWarning[]>([
      { file, line: 2, message: 'not valid JSON; skipped' },
      {
        file,
        line: 5,
        message: 'the last line is cut short (an interrupted write?); skipped, and the next run is appended on a new line',
      },
    ])
  })

  test('an invalid record and a newer schema are reported and skipped', async () => {
    const file = path.join(dir, 'h.jsonl')
    const newer = { ...run({ id: 'n', medians: { t: 1 } }), schema: 2 }
    await writeFile(file, JSON.stringify(newer) + '\n' + JSON.stringify({ hello: 1 }) + '\n' + line(run({ id: 'ok', medians: { t: 1 } })))
    const { runs, warnings } = await readStore(file)
    expect(runs.map((r) => r.id)).toEqual(['ok'])
    expect(warnings).toHaveLength(2)
    expect(warnings[0]!.line).toBe(1)
    expect(warnings[0]!.message).toContain('newer perf-regression')
    expect(warnings[0]!.message.endsWith('; skipped')).toBe(true)
    expect(warnings[1]).toEqual({ file, line: 2, message: 'no schema version; skipped' })
  })

  test('CRLF line endings are read', async () => {
    const file = path.join(dir, 'h.jsonl')
    const records = [run({ id: 'x', medians: { t: 1 } }), run({ id: 'y', medians: { t: 2 } })]
    await writeFile(file, records.map((r) => JSON.stringify(r) + '\r\n').join(''))
    expect(await readStore(file)).toEqual({ runs: records, events: [], warnings: [] })
  })

  test('a file larger than one read chunk, with multi-byte names, streams whole', async () => {
    const file = path.join(dir, 'big.jsonl')
    const records = Array.from({ length: 150 }, (_, i) => {
      const r = run({ id: `big-${i}`, medians: { [`häßlich ✓ 😀 ${i}`]: i + 1 } })
      r.results[0]!.sample.raw_wall_ns = Array.from({ length: 64 }, (_, k) => 1_000_000 + k * 0.125)
      return r
    })
    const text = records.map(line).join('')
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * 65_536)
    await writeFile(file, text)
    const { runs, warnings } = await readStore(file)
    expect(warnings).toEqual([])
    expect(runs).toEqual(records)
  })

  test('reading never rewrites the file', async () => {
    const file = path.join(dir, 'h.jsonl')
    await writeFile(file, line(run({ id: 'a', medians: { t: 1 } })) + 'garbage\n' + '{"schema":1,"kind":"ru')
    const before = await readFile(file)
    const { warnings } = await readStore(file)
    expect(warnings).toHaveLength(2)
    expect((await readFile(file)).equals(before)).toBe(true)
  })

  test('a folder in place of the file is a StoreError', async () => {
    const error = await readStore(dir).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).message).toContain(`cannot read the history store ${dir}`)
    expect((error as StoreError).file).toBe(dir)
  })

  test('readRuns yields records one by one', async () => {
    const file = path.join(dir, 'h.jsonl')
    await writeFile(file, line(run({ id: 'a', medians: { t: 1 } })) + line(run({ id: 'b', medians: { t: 1 } })))
    const ids: string[] = []
    for await (const r of readRuns(file, () => expect.fail('no warning expected'))) ids.push(r.id)
    expect(ids).toEqual(['a', 'b'])
  })
})

describe('appendRun', () => {
  test('append then read round-trips, one line per run', async () => {
    const file = path.join(dir, 'h.jsonl')
    const a = run({ id: 'a', medians: { parse: 100, render: 200 } })
    const b = run({ id: 'b', mode: 'compare', medians: { parse: 110 } })
    await appendRun(file, a)
    await appendRun(file, b)
    expect(await readStore(file)).toEqual({ runs: [a, b], events: [], warnings: [] })
    expect(await readFile(file, 'utf8')).toBe(line(a) + line(b))
  })

  test('after a torn last line the next run starts on a new line', async () => {
    const file = path.join(dir, 'h.jsonl')
    const a = run({ id: 'a', medians: { t: 1 } })
    const c = run({ id: 'c', medians: { t: 3 } })
    await writeFile(file, line(a) + line(run({ id: 'b', medians: { t: 2 } })).slice(0, 30))
    await appendRun(file, c)
    const { runs, warnings } = await readStore(file)
    expect(runs).toEqual([a, c])
    expect(warnings).toEqual([{ file, line: 2, message: 'not valid JSON; skipped' }])
    expect((await readFile(file, 'utf8')).endsWith('\n' + line(c))).toBe(true)
  })

  test('creates a missing nested folder', async () => {
    const file = path.join(dir, 'a', 'b', 'c', 'history.jsonl')
    const r = run({ id: 'nested', medians: { t: 1 } })
    await appendRun(file, r)
    expect((await readStore(file)).runs).toEqual([r])
  })

  test('a parent that is a file rejects with a StoreError naming the path', async () => {
    const blocker = path.join(dir, 'blocker')
    await writeFile(blocker, 'x')
    const file = path.join(blocker, 'history.jsonl')
    const error = await appendRun(file, run({ medians: { t: 1 } })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).message).toContain(file)
    expect((error as StoreError).message.startsWith('perf-regression: cannot ')).toBe(true)
    expect((error as StoreError).file).toBe(file)
    expect((error as StoreError).cause).toBeInstanceOf(Error)
    expect(await readFile(blocker, 'utf8')).toBe('x')
  })

  test('20 concurrent appends all land whole', async () => {
    const file = path.join(dir, 'h.jsonl')
    const records = Array.from({ length: 20 }, (_, i) => run({ id: `c${i}`, medians: { [`t${i}`]: i + 1, shared: 5 } }))
    await Promise.all(records.map((r) => appendRun(file, r)))
    const { runs, warnings } = await readStore(file)
    expect(warnings).toEqual([])
    expect(runs).toHaveLength(20)
    expect(new Set(runs.map((r) => r.id))).toEqual(new Set(records.map((r) => r.id)))
    for (const r of runs) expect(r).toEqual(records.find((x) => x.id === r.id))
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(21)
  })
})

describe('a byte-order mark', () => {
  test('at the start of any line (`cat` of stores that each start with one) is not part of the record', async () => {
    const file = path.join(dir, 'cat.jsonl')
    const a = run({ id: 'a', medians: { t: 1 } })
    const b = run({ id: 'b', medians: { t: 2 } })
    const c = run({ id: 'c', medians: { t: 3 } })
    await writeFile(file, '\ufeff' + line(a) + '\ufeff' + line(b) + line(c).replace('{', '\ufeff\ufeff{'))
    expect(await readStore(file)).toEqual({ runs: [a, b, c], events: [], warnings: [] })
  })

  test('at the start of the file is not part of the first record', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const file = path.join(dir, 'bom.jsonl')
      const r = run({ id: 'with-bom', medians: { t: 1 } })
      await writeFile(file, '\ufeff' + JSON.stringify(r) + '\n')
      expect(await readStore(file)).toEqual({ runs: [r], events: [], warnings: [] })
    } finally {
      await cleanup()
    }
  })
})

describe('many bad lines', () => {
  test('the first five are reported one by one, the rest in one warning that counts them', async () => {
    const file = path.join(dir, 'bad.jsonl')
    const good = run({ id: 'good', medians: { t: 1 } })
    const bad = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ ...good, id: `b${i}`, git: { commit: i } }) + '\n')
    await writeFile(file, line(good) + bad.join('') + line({ ...good, id: 'last' }))
    const { runs, warnings } = await readStore(file)
    expect(runs.map((r) => r.id)).toEqual(['good', 'last'])
    expect(warnings.slice(0, LINE_WARNINGS)).toEqual([2, 3, 4, 5, 6].map((n) => ({ file, line: n, message: `git.commit: expected a string, got ${n - 2}; skipped` })))
    expect(warnings.slice(LINE_WARNINGS)).toEqual([
      { file, line: 7, count: 1995, message: '1995 more lines that are not valid records either, from this one to line 2001; skipped (perf-regression compact removes them)' },
    ])
  })

  test('six bad lines are six warnings: a summary would not be shorter', async () => {
    const file = path.join(dir, 'six.jsonl')
    await writeFile(file, 'x\n'.repeat(6))
    const { warnings } = await readStore(file)
    expect(warnings.map((w) => [w.line, w.count])).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, undefined]))
  })
})

/** What a command returned and printed. */
async function captured(command: (ctx: CommandContext) => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const output = outputCapture()
  const code = await command({ cwd: dir, env: {}, ...output.outputs })
  return { code, out: output.out.join(''), err: output.err.join('') }
}

describe('a line over MAX_LINE_BYTES', () => {
  test('600 MB on one line: skipped unread with a warning, the records around it read, and compact drops only it', async () => {
    // A sparse file: the 600 MB of NUL bytes take no disk space, and are never made a string.
    const file = path.join(dir, 'huge.jsonl')
    const a = run({ id: 'a', medians: { t: 1 } })
    const b = run({ id: 'b', medians: { t: 2 } })
    const handle = await open(file, 'w')
    await handle.write(line(a), 0)
    const hole = Buffer.byteLength(line(a)) + 600_000_000
    await handle.write('\n' + line(b), hole)
    await handle.close()
    const message = `longer than ${formatBytes(MAX_LINE_BYTES)} (572 MiB), far more than any record; skipped without reading it`
    expect(await readStore(file)).toEqual({ runs: [a, b], events: [], warnings: [{ file, line: 2, message }] })

    const { code, out, err } = await captured((ctx) => compact(['--store', file], ctx))
    expect(code).toBe(0)
    expect(err).toBe(`perf-regression: dropped ${file}:2: ${message}\n`)
    expect(out).toBe(`Compacted ${file}: 2 records kept, 1 invalid line dropped.\n`)
    expect(await readFile(file, 'utf8')).toBe(line(a) + line(b))
  }, 60_000)

  test('compact counts the lines a summed-up warning stands for', async () => {
    const file = path.join(dir, 'many.jsonl')
    await writeFile(file, line(run({ id: 'a', medians: { t: 1 } })) + 'garbage\n'.repeat(100))
    const { code, out, err } = await captured((ctx) => compact(['--store', file], ctx))
    expect(code).toBe(0)
    expect(err.split('\n').filter(Boolean)).toHaveLength(LINE_WARNINGS + 1)
    expect(out).toBe(`Compacted ${file}: 1 records kept, 100 invalid lines dropped.\n`)
  })
})
