import { describe, expect, test } from 'vitest'
import { mergeContents, parseContent } from '../../src/cli/data-branch-content.js'
import { commitMessage } from '../../src/cli/data-branch.js'
import { redactCredentials } from '../../src/util/git.js'
import { run } from './helpers.js'

const line = (record: unknown) => JSON.stringify(record) + '\n'
const a = run({ id: 'a', time: '2025-01-01T00:00:00.000Z', medians: { parse: 1e6 } })
const b = run({ id: 'b', time: '2025-01-02T00:00:00.000Z', medians: { parse: 1e6 } })
const c = run({ id: 'c', time: '2025-01-03T00:00:00.000Z', medians: { parse: 1e6 } })
const event = { schema: 1, kind: 'baseline-event', id: 'e', time: '2025-01-04T00:00:00.000Z', action: 'reset', reason: 'new runners', who: 'ci' }

describe('the history file on the data branch', () => {
  test('parse keeps records and the bytes of every other line, with why; blank lines go', () => {
    const bad = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) // "{", invalid UTF-8, "}"
    const data = Buffer.concat([Buffer.from(`\ufeff${line(a)}\n  \n`), bad, Buffer.from(`\n${line({ schema: 7, kind: 'run', id: 'x' })}${line(b)}{"cut`)])
    const { records, invalid } = parseContent(data)
    expect(records.map((r) => r.id)).toEqual(['a', 'b'])
    expect(invalid.map((l) => [l.line, l.message.slice(0, 30)])).toEqual([
      [4, 'not valid JSON'],
      [5, 'written by a newer perf-regres'],
      [7, 'the last line is cut short (an'],
    ])
    expect(invalid[0]!.bytes.equals(bad)).toBe(true)
    expect(invalid[2]!.bytes.toString()).toBe('{"cut')
  })

  test('merge: base first, the records it lacks added by id, counted by kind; conflicts keep the base copy', () => {
    const base = parseContent(Buffer.from(line(b) + line(a)))
    const changed = { ...a, mode: 'compare' }
    const incoming = parseContent(Buffer.from(line(changed) + line(c) + line(event) + line(c)))
    const merged = mergeContents(base, incoming, { keepIncomingInvalid: false })
    expect(merged.added).toEqual({ runs: 1, events: 1 })
    expect(merged.onlyInBase).toBe(1)
    expect(merged.conflicts).toEqual(['a'])
    expect(merged.records).toBe(4)
    // In time order, the base's copy of a.
    const out = parseContent(merged.data).records
    expect(out.map((r) => r.id)).toEqual(['a', 'b', 'c', 'e'])
    expect(out[0]).toEqual(a)
  })

  test("invalid lines: the base's always kept, each distinct line once; the incoming side's only when asked", () => {
    const base = parseContent(Buffer.from(`${line(a)}junk 1\njunk 1\n{"torn`))
    const incoming = parseContent(Buffer.from(`junk 1\njunk 2\n${line(b)}`))
    const pushed = mergeContents(base, incoming, { keepIncomingInvalid: false })
    expect(pushed.data.toString()).toBe(`${line(a)}${line(b)}junk 1\n{"torn\n`)
    expect(pushed.leftOut.map((l) => [l.line, l.bytes.toString()])).toEqual([[2, 'junk 2']])
    const pulled = mergeContents(base, incoming, { keepIncomingInvalid: true })
    expect(pulled.data.toString()).toBe(`${line(a)}${line(b)}junk 1\n{"torn\njunk 2\n`)
    expect(pulled.invalid).toBe(3)
    expect(pulled.leftOut).toEqual([])
  })

  test('an empty side merges to the other one', () => {
    const empty = parseContent(Buffer.alloc(0))
    expect(empty).toEqual({ records: [], invalid: [] })
    const merged = mergeContents(empty, parseContent(Buffer.from(line(a))), { keepIncomingInvalid: false })
    expect(merged.data.toString()).toBe(line(a))
    expect(merged.added).toEqual({ runs: 1, events: 0 })
    expect(mergeContents(empty, empty, { keepIncomingInvalid: true }).data.length).toBe(0)
  })
})

describe('commit messages and git output', () => {
  test('the commit says what was added, from which commit and branch, printable', () => {
    expect(commitMessage({ runs: 3, events: 0 }, { commit: '0123456789abcdef', branch: 'main' })).toBe('perf: 3 runs from 0123456 (main)')
    expect(commitMessage({ runs: 1, events: 2 }, { commit: '0123456789abcdef' })).toBe('perf: 1 run and 2 baseline events from 0123456')
    expect(commitMessage({ runs: 0, events: 1 }, { branch: 'x' })).toBe('perf: 1 baseline event from x')
    expect(commitMessage({ runs: 2, events: 0 }, { branch: 'evil\n::error::x' })).not.toContain('\n')
  })

  test('credentials in URLs are blanked out of what git says', () => {
    expect(redactCredentials("fatal: unable to access 'https://x-access-token:ghs_secret@github.com/o/r.git/': 403")).toBe(
      "fatal: unable to access 'https://***@github.com/o/r.git/': 403",
    )
    expect(redactCredentials('ssh://git@host/r and https://host/r')).toBe('ssh://***@host/r and https://host/r')
  })
})
