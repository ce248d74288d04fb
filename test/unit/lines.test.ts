import { describe, test, expect } from 'vitest'
import { LineSplitter, linesOf, MAX_LINE_BYTES, type RawLine } from '../../src/store/lines.js'

/** Splits `chunks` with a small cap, as a reader fed piece by piece would. */
function split(chunks: (string | Buffer)[], maxBytes = 10): RawLine[] {
  const splitter = new LineSplitter(maxBytes)
  const out: RawLine[] = []
  for (const chunk of chunks) out.push(...splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk))
  out.push(...splitter.end())
  // Where each line is (start, bytes) is checked on its own below.
  return out.map(({ start: _start, bytes: _bytes, ...rest }) => rest as RawLine)
}

describe('LineSplitter', () => {
  test('lines are numbered from 1; the last one without \\n is not terminated; empty input has none', () => {
    expect(split(['a\nbb\n\nc'])).toEqual([
      { number: 1, terminated: true, text: 'a' },
      { number: 2, terminated: true, text: 'bb' },
      { number: 3, terminated: true, text: '' },
      { number: 4, terminated: false, text: 'c' },
    ])
    expect(split(['a\n'])).toEqual([{ number: 1, terminated: true, text: 'a' }])
    expect(split([])).toEqual([])
  })

  test('a line split across chunks, even inside a multi-byte character, is joined', () => {
    const bytes = Buffer.from('é€😀\nx')
    const chunks = [...bytes].map((b) => Buffer.from([b]))
    expect(split(chunks, 100)).toEqual([
      { number: 1, terminated: true, text: 'é€😀' },
      { number: 2, terminated: false, text: 'x' },
    ])
  })

  test('byte-order marks are dropped at the start of any line, and only there', () => {
    expect(split(['\ufeff{}\n\ufeff\ufeff{}\na\ufeffb\n'], 100).map((l) => ('text' in l ? l.text : l))).toEqual(['{}', '{}', 'a\ufeffb'])
  })

  test('invalid UTF-8 becomes U+FFFD, and a cut sequence does not swallow the newline', () => {
    expect(split([Buffer.from([0x61, 0xe2, 0x82, 0x0a, 0x62, 0xff])], 100)).toEqual([
      { number: 1, terminated: true, text: 'a\ufffd' },
      { number: 2, terminated: false, text: 'b\ufffd' },
    ])
  })

  test('a line over the cap gives only its length, in one chunk or across many, and the next line is whole', () => {
    expect(split(['0123456789\n01234567890\nok'])).toEqual([
      { number: 1, terminated: true, text: '0123456789' },
      { number: 2, terminated: true, tooLong: 11 },
      { number: 3, terminated: false, text: 'ok' },
    ])
    expect(split(['012345', '67890123', '45\nok\n', 'x'.repeat(25)])).toEqual([
      { number: 1, terminated: true, tooLong: 16 },
      { number: 2, terminated: true, text: 'ok' },
      { number: 3, terminated: false, tooLong: 25 },
    ])
  })

  test('linesOf splits a whole buffer; the default cap is 64 MiB', () => {
    expect([...linesOf(Buffer.from('a\nb'))].map((l) => ('text' in l ? l.text : ''))).toEqual(['a', 'b'])
    expect(MAX_LINE_BYTES).toBe(64 * 1024 * 1024)
  })
})

describe('LineSplitter places', () => {
  test('each line has its byte offset and length, also across chunks, with multi-byte text and from a given start', () => {
    const splitter = new LineSplitter(10, { first: 5, offset: 100, hash: true })
    const lines = [...splitter.push(Buffer.from('ab\n\u00e9')), ...splitter.push(Buffer.from('x\n\n12345678901\nz')), ...splitter.end()]
    expect(lines.map((l) => [l.number, l.start, l.bytes, l.terminated])).toEqual([
      [5, 100, 2, true],
      [6, 103, 3, true],
      [7, 107, 0, true],
      [8, 108, 11, true],
      [9, 120, 1, false],
    ])
    expect(lines[0]!.hash).toMatch(/^[0-9a-f]{16}$/)
    expect(lines[0]!.hash).not.toBe(lines[1]!.hash)
    // A line over the cap is never kept, so it has no hash.
    expect(lines[3]!.hash).toBeUndefined()
  })
})
