/**
 * Seeded line-level fuzzing material for the store reader: valid records among
 * random bytes, random JSON values and byte-level mutations of records (truncated,
 * flipped bits, unbalanced braces, \r, NUL, invalid UTF-8, huge numbers, deep
 * nesting, very long lines).
 */
import { SCHEMA_VERSION, type BaselineEvent, type StoreRecord } from '../../src/types.js'
import type { Gen } from './fuzz-records.js'
import { noisy, run } from './helpers.js'

const NAMES = ['parse', 'häßlich ✓ 😀', 'ščř > 日本語', 'a\u0000b', 'tab\tand\nnewline', '\u202eevil', 'emoji 👩‍👩‍👧‍👦', 'x'.repeat(300)]

/** A valid record: a run with 1–4 results of 64 raw samples, or a baseline event. */
export function validRecord(g: Gen, id: string): StoreRecord {
  if (g.chance(0.2)) {
    const accept = g.chance(0.5)
    const e: BaselineEvent = {
      schema: SCHEMA_VERSION,
      kind: 'baseline-event',
      id,
      time: '2025-06-01T10:00:00.000Z',
      action: accept ? 'accept' : 'reset',
      reason: g.pick(NAMES),
      who: 'fuzz',
    }
    if (accept) e.run_id = 'some-run'
    return e
  }
  const medians: Record<string, number> = {}
  const n = 1 + g.int(4)
  for (let i = 0; i < n; i++) medians[`${g.pick(NAMES)} #${i}`] = 1 + g.int(1e7)
  const r = run({ id, mode: g.pick(['baseline', 'compare'] as const), medians })
  for (const res of r.results) res.sample.raw_wall_ns = noisy(res.sample.wall_ns.median, 64, 0.1, g.int(1e9))
  return r
}

function randomBytes(g: Gen, length: number): Buffer {
  const b = Buffer.alloc(length)
  for (let i = 0; i < length; i++) {
    const v = g.int(256)
    b[i] = v === 0x0a ? 0x20 : v
  }
  return b
}

function randomJson(g: Gen, depth = 0): unknown {
  const kind = g.int(depth > 3 ? 5 : 8)
  switch (kind) {
    case 0:
      return null
    case 1:
      return g.chance(0.5)
    case 2:
      return g.pick([0, -1, 1.5, 1e308, -1e-308, 2 ** 53 + 1, g.rand() * 1e6])
    case 3:
      return g.pick(['', 'run', 'baseline-event', '\n', '\u2028', '}{', '"', '\\', '\u0000', '😀'])
    case 4:
      return g.int(1e6).toString(36)
    case 5:
      return Array.from({ length: g.int(5) }, () => randomJson(g, depth + 1))
    case 6: {
      // Something shaped like a record, wrong somewhere.
      const o: Record<string, unknown> = {
        schema: g.pick([1, 1, 99, 0, '1', null, 1.5, -1]),
        kind: g.pick(['run', 'baseline-event', 'other', undefined]),
        id: g.pick(['x', '', 7, undefined]),
        time: g.pick(['2025-06-01T00:00:00Z', 'yesterday', undefined]),
        mode: g.pick(['baseline', 'compare', 'establish']),
        action: g.pick(['accept', 'reset', 'delete', undefined]),
        git: g.pick([{}, null, []]),
        results: g.pick([[], [{}], null, undefined]),
      }
      return o
    }
    default: {
      const o: Record<string, unknown> = {}
      for (let i = g.int(5); i > 0; i--) o[g.int(1e4).toString(36)] = randomJson(g, depth + 1)
      return o
    }
  }
}

const INVALID_UTF8 = [[0xff], [0xc3], [0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]]

function insertAt(b: Buffer, at: number, bytes: Buffer): Buffer {
  return Buffer.concat([b.subarray(0, at), bytes, b.subarray(at)])
}

/** A mutation of a valid line; returns the bytes (no \n) and what was done. */
function mutate(g: Gen, base: Buffer): { bytes: Buffer; what: string } {
  const at = () => g.int(base.length + 1)
  const text = base.toString('utf8')
  const replaceNumber = (by: string) => {
    const m = [...text.matchAll(/(?<=[:,[])-?\d+(\.\d+)?(e[+-]?\d+)?(?=[,\]}])/g)]
    if (m.length === 0) return Buffer.from(text)
    const hit = g.pick(m)
    return Buffer.from(text.slice(0, hit.index) + by + text.slice(hit.index! + hit[0].length))
  }
  switch (g.int(12)) {
    case 0:
      return { bytes: base.subarray(0, g.int(base.length)), what: 'truncated' }
    case 1: {
      const b = Buffer.from(base)
      for (let i = 1 + g.int(5); i > 0; i--) {
        const k = g.int(b.length)
        b[k] = b[k]! ^ (1 << g.int(8))
        if (b[k] === 0x0a) b[k] = 0x0b
      }
      return { bytes: b, what: 'flipped bits' }
    }
    case 2:
      return { bytes: insertAt(base, at(), Buffer.from(g.pick(['{', '}', '[', ']', '}}', '{{']))), what: 'extra brace' }
    case 3: {
      const braces = [...text.matchAll(/[{}[\]]/g)]
      const hit = g.pick(braces)
      return { bytes: Buffer.from(text.slice(0, hit.index) + text.slice(hit.index! + 1)), what: 'dropped brace' }
    }
    case 4: {
      let b: Buffer = base
      for (let i = 1 + g.int(3); i > 0; i--) b = insertAt(b, g.int(b.length + 1), Buffer.from('\r'))
      return { bytes: b, what: 'inserted \\r' }
    }
    case 5:
      return { bytes: insertAt(base, at(), Buffer.alloc(1 + g.int(4))), what: 'inserted NUL' }
    case 6:
      return { bytes: insertAt(base, at(), Buffer.from(g.pick(INVALID_UTF8))), what: 'invalid UTF-8' }
    case 7:
      return {
        bytes: replaceNumber(g.pick(['1e400', '-1e400', '123456789012345678901234567890', '0.' + '1'.repeat(5000), '1e-400', 'NaN', '-0'])),
        what: 'huge number',
      }
    case 8: {
      const depth = g.pick([100, 10_000, 100_000])
      const nest = g.chance(0.5) ? '['.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth)
      const mode = g.int(3)
      if (mode === 0) return { bytes: Buffer.from(nest), what: `deep nesting ${depth} alone` }
      if (mode === 1) return { bytes: Buffer.from(text.replace('"git":{}', `"git":${nest}`)), what: `deep nesting ${depth} as git` }
      return { bytes: Buffer.from(text.replace(/"raw_wall_ns":\[/, `"raw_wall_ns":[${nest},`)), what: `deep nesting ${depth} in samples` }
    }
    case 9: {
      // A very long line: valid (a long string inside) or not (long garbage), 100 KB – 2 MB.
      const long = 'é🙂x'.repeat(Math.floor((100_000 + g.int(1_900_000)) / 7))
      if (g.chance(0.5)) return { bytes: Buffer.from(text.replace('"who":"', `"who":"${long}`).replace('"file":"', `"file":"${long}`)), what: 'very long valid' }
      return { bytes: Buffer.from(long + text), what: 'very long garbage' }
    }
    case 10:
      return { bytes: Buffer.concat([randomBytes(g, 1 + g.int(20)), base]), what: 'junk before a record' }
    default:
      return { bytes: Buffer.concat([base, Buffer.from(g.pick([',', '}', ' x', '\u0000', '{}']))]), what: 'junk after a record' }
  }
}

export interface Case {
  bytes: Buffer
  /** Ids of the valid records planted among the garbage. */
  planted: StoreRecord[]
  kinds: string[]
}

export function makeCase(g: Gen, iteration: number): Case {
  const lines: Buffer[] = []
  const planted: StoreRecord[] = []
  const kinds: string[] = []
  const crlf = g.chance(0.15)
  const count = 3 + g.int(10)
  for (let k = 0; k < count; k++) {
    const roll = g.int(10)
    if (roll < 4) {
      const r = validRecord(g, `it${iteration}-v${k}`)
      planted.push(r)
      // Sometimes after a byte-order mark, as `cat` of files that start with one leaves it.
      lines.push(Buffer.from((g.chance(0.1) ? '\ufeff' : '') + JSON.stringify(r)))
      kinds.push('valid')
    } else if (roll < 5) {
      lines.push(randomBytes(g, 1 + g.int(g.chance(0.1) ? 200_000 : 300)))
      kinds.push('random bytes')
    } else if (roll < 6) {
      lines.push(Buffer.from(JSON.stringify(randomJson(g)) ?? 'undefined'))
      kinds.push('random JSON')
    } else if (roll < 7) {
      lines.push(Buffer.from(g.pick(['', ' ', '\t', '\r', '   \r'])))
      kinds.push('blank')
    } else {
      const m = mutate(g, Buffer.from(JSON.stringify(validRecord(g, `it${iteration}-m${k}`))))
      lines.push(m.bytes)
      kinds.push(m.what)
    }
  }
  const eol = Buffer.from(crlf ? '\r\n' : '\n')
  const body = Buffer.concat(lines.flatMap((l) => [l, eol]))
  // Sometimes the last line is torn (cut anywhere in its last line) or simply not terminated.
  const end = g.int(4)
  if (end === 0 && lines.length > 0) {
    const lastStart = body.length - lines.at(-1)!.length - eol.length
    const cut = lastStart + g.int(lines.at(-1)!.length + 1)
    const bytes = body.subarray(0, cut)
    // A planted record whose line was cut is no longer expected.
    if (kinds.at(-1) === 'valid' && cut < body.length - eol.length) planted.pop()
    return { bytes, planted, kinds: [...kinds, 'torn end'] }
  }
  if (end === 1) return { bytes: body.subarray(0, body.length - eol.length), planted, kinds: [...kinds, 'no final newline'] }
  return { bytes: body, planted, kinds }
}
