/**
 * Seeded generator of history stores for fuzzing, with the truth of every line
 * known by construction: rich valid records (every optional field sometimes),
 * mutations that keep a record valid (odd strings, odd finite numbers, dropped
 * optional fields, unknown fields, invalid UTF-8 inside a string, BOMs) and
 * mutations that break it (wrong types in every field, nested arrays and objects,
 * huge numbers, NaN-ish strings, broken constraints, torn lines, invalid UTF-8
 * between tokens), joined as stores, sometimes several concatenated (`cat a b`).
 */
import { envKey } from '../../src/env/environment.js'
import { SCHEMA_VERSION, type StoreRecord, type TestResult } from '../../src/types.js'
import { ENV, RUNNER } from './helpers.js'

export class Gen {
  constructor(readonly rand: () => number) {}
  int(n: number): number {
    return Math.floor(this.rand() * n)
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }
  chance(p: number): boolean {
    return this.rand() < p
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Path = (string | number)[]

/** Test names shared across the records of a store, so that runs have histories. */
export const TEST_NAMES = ['parse', 'häßlich ✓ 😀', 'x', 'a\u0000b', '\u202eevil', 'sort > big']
const KEY = envKey(ENV, RUNNER)
const HEX = '0123456789abcdef'

function result(g: Gen, withOptional: boolean): TestResult {
  const median = 1 + g.int(1e6)
  const opt = () => withOptional && g.chance(0.5)
  const r: TestResult = {
    test: { file: 'test/bench.test.ts', name: g.pick(TEST_NAMES), project: g.pick(['', 'node']) },
    runner: g.chance(0.8) ? { ...RUNNER } : { name: g.pick(['jest', 'locust'] as const), version: '30.0.0', pool: 'jest-env-node' },
    env_key: g.chance(0.8) ? KEY : 'other-env',
    sample: {
      iterations: 1 + g.int(100),
      warmup: { iterations: g.int(10), time_ms: g.rand() * 20 },
      wall_ns: { n: 10, mean: median, median, p75: median * 1.1, p99: median * 1.5, min: median * 0.9, max: median * 2, sd: median / 10 },
      raw_wall_ns: Array.from({ length: 1 + g.int(5) }, () => median * (0.9 + g.rand() / 5)),
      duration_ms: g.rand() * 200,
    },
  }
  if (opt()) r.test.bench = g.pick(['small', ''])
  if (opt()) r.test.line = 1 + g.int(400)
  const s = r.sample
  if (opt()) s.name = r.test.bench ?? 'named'
  if (opt()) Object.assign(s, { cpu_ns: median, cpu_percent: 99.5, heap_used_bytes: 1e7, heap_delta_bytes: -4096, rss_bytes: 7e7 })
  if (opt()) s.heap_growth = { bytes_per_iteration: g.rand() * 100 - 50, interval: [-60, 60], p_value: g.rand(), iterations: 1 + g.int(1000), batches: 1 + g.int(8) }
  if (opt()) s.metrics = { 'requests/s': { value: g.rand() * 1e4, better: 'higher', unit: '/s' }, errors: { value: 0, better: 'lower', unit: '', absolute: true } }
  return r
}

/** A valid record with id `id`: a run (sometimes an A/B run) or a baseline event. */
export function validRecord(g: Gen, id: string, runIds: readonly string[]): StoreRecord {
  const time = new Date(Date.UTC(2025, 4, 1 + g.int(31), g.int(24), g.int(60))).toISOString()
  if (g.chance(0.15)) {
    const accept = g.chance(0.6)
    return {
      schema: SCHEMA_VERSION,
      kind: 'baseline-event',
      id,
      time,
      action: accept ? 'accept' : 'reset',
      ...(accept ? { run_id: runIds.length > 0 && g.chance(0.8) ? g.pick(runIds) : 'no-such-run' } : {}),
      reason: g.pick(['intended', '', 'x'.repeat(200)]),
      who: g.pick(['octocat', 'ci']),
    }
  }
  const rich = g.chance(0.6)
  const ab = rich && g.chance(0.15)
  return {
    schema: SCHEMA_VERSION,
    kind: 'run',
    id,
    time,
    mode: ab ? 'compare' : g.pick(['baseline', 'baseline', 'compare'] as const),
    ...(rich && g.chance(0.3) ? { group: 'group-1' } : {}),
    git: rich ? { commit: Array.from({ length: 40 }, () => g.pick([...HEX])).join(''), branch: g.pick(['main', 'feature/x']) } : {},
    env: rich && g.chance(0.5) ? { ...ENV, ci: 'github-actions' } : { ...ENV },
    results: Array.from({ length: 1 + g.int(3) }, () => result(g, rich)),
    ...(ab ? { ab: { base_commit: 'abc1234', base_ref: 'origin/main', design: g.pick(['paired', 'processes'] as const), base_results: [result(g, true)] } } : {}),
  }
}

/** Every path of a JSON value, with the value there. */
function paths(value: Json, at: Path = [], out: { path: Path; value: Json }[] = []): { path: Path; value: Json }[] {
  if (at.length > 0) out.push({ path: at, value })
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out))
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out)
  return out
}

const parentOf = (root: Json, path: Path): Record<string | number, Json> => path.slice(0, -1).reduce<Json>((o, k) => (o as Record<string | number, Json>)[k]!, root) as Record<string | number, Json>
const last = (path: Path) => path.at(-1)
const under = (path: Path, key: string) => path.at(-2) === key
const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)

const OPTIONAL = new Set(['group', 'ab', 'commit', 'branch', 'ci', 'bench', 'line', 'cpu_ns', 'cpu_percent', 'heap_used_bytes', 'heap_delta_bytes', 'rss_bytes', 'heap_growth', 'metrics', 'absolute'])
function optional(root: Json, path: Path): boolean {
  const key = last(path)
  if (typeof key !== 'string') return false
  if (under(path, 'metrics')) return true
  if (key === 'name') return under(path, 'sample')
  if (key === 'run_id') return (parentOf(root, path) as { action?: string }).action === 'reset'
  return OPTIONAL.has(key)
}
const FREE_STRINGS = new Set(['file', 'project', 'bench', 'version', 'pool', 'env_key', 'cpu_model', 'os', 'arch', 'node_version', 'ci', 'commit', 'branch', 'reason', 'who', 'unit', 'base_ref'])
const freeString = (path: Path, value: Json) => typeof value === 'string' && (FREE_STRINGS.has(String(last(path))) || (last(path) === 'name' && !under(path, 'runner')))
const FREE_NUMBERS = new Set(['n', 'mean', 'p75', 'p99', 'min', 'max', 'sd', 'time_ms', 'duration_ms', 'cpu_ns', 'cpu_percent', 'heap_used_bytes', 'heap_delta_bytes', 'rss_bytes', 'bytes_per_iteration', 'value', 'line', 'cpu_count'])
const freeNumber = (path: Path, value: Json) => typeof value === 'number' && (FREE_NUMBERS.has(String(last(path))) || under(path, 'raw_wall_ns') || (last(path) === 'iterations' && under(path, 'warmup')))

const ODD_STRINGS = ['', 'x', ' ', '\u0000', 'a\nb\r', '\u202e\u2066', '😀', '\ud800', 'x'.repeat(1000), 'NaN', '1e400', '0x10', '{}', '[]', '\u001b[2J']
const ODD_NUMBERS = [0, -1, 1e308, -1e308, 2 ** 53 + 1, Number.MIN_VALUE, 1e-300, 0.1]
const WRONG: Json[] = [1234567, -1, 1.5, 'NaN', 'Infinity', '-0', '', 'x', '1e400', true, false, null, [], [[[1]]], [1, '2'], {}, { a: { b: {} } }, ['x']]
const BAD_STRINGS: [string, Json][] = [['kind', 'note'], ['mode', 'establish'], ['action', 'delete'], ['better', 'up'], ['design', 'magic'], ['id', ''], ['time', 'yesterday'], ['time', 'x 2025'], ['time', '2025-13-45T99:99:99Z'], ['base_commit', 'xyz'], ['group', ''], ['run_id', '']]
const BAD_NUMBERS: [string, Json][] = [['median', 0], ['median', -5], ['iterations', 0], ['p_value', 1.5], ['batches', 2.5], ['schema', 0], ['schema', 2]]

const DEEP = 'QQDEEPQQ'
const NUMBER_MARK = 987654321.125
const TEXT_MARK = 'QQTEXTQQ'

export interface Line {
  bytes: Buffer
  /** The record the reader must return for this line, or undefined when the line must be skipped. */
  valid?: Json
  what: string
}

const INVALID_UTF8 = [[0xff], [0xc3], [0x80], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98]]
/** A line holding `value`; `valid` says whether the reader must return it (as `value`: it is plain JSON). */
const lineOf = (value: Json, valid: boolean, what: string): Line => ({ bytes: Buffer.from(JSON.stringify(value)), what, ...(valid ? { valid: value } : {}) })

/** A record, mutated so that it stays valid or so that it breaks. */
export function mutated(g: Gen, record: StoreRecord, keepValid: boolean): Line {
  const root = JSON.parse(JSON.stringify(record)) as Json
  const all = paths(root)
  const set = (path: Path, v: Json) => (parentOf(root, path)[last(path)!] = v)
  const drop = (path: Path) => void delete parentOf(root, path)[last(path)!]
  const text = () => JSON.stringify(root)
  const objects = [{ path: [] as Path, value: root }, ...all.filter((p) => typeOf(p.value) === 'object' && !under([...p.path, 'x'], 'metrics'))]
  const freeStrings = all.filter((q) => freeString(q.path, q.value))
  const freeNumbers = all.filter((q) => freeNumber(q.path, q.value))
  const optionals = all.filter((q) => optional(root, q.path))
  if (keepValid) {
    let kind = g.int(5)
    if ((kind === 0 || kind === 4) && freeStrings.length === 0) kind = 3
    if ((kind === 1 && freeNumbers.length === 0) || (kind === 2 && optionals.length === 0)) kind = 3
    switch (kind) {
      case 0: {
        const p = g.pick(freeStrings)
        set(p.path, g.pick(ODD_STRINGS))
        return lineOf(root, true, `odd string at ${p.path.join('.')}`)
      }
      case 1: {
        const p = g.pick(freeNumbers)
        set(p.path, g.pick(ODD_NUMBERS))
        return lineOf(root, true, `odd number at ${p.path.join('.')}`)
      }
      case 2: {
        const p = g.pick(optionals)
        drop(p.path)
        return lineOf(root, true, `without ${p.path.join('.')}`)
      }
      case 3: {
        const o = g.pick(objects)
        ;(o.value as Record<string, Json>)[g.pick(['future_field', 'x-extra', 'ünïcode', ''])] = g.pick<Json>([1, 'new', null, [1, [2, [3]]], { a: { b: { c: { d: [] } } } }])
        return lineOf(root, true, `unknown field in ${o.path.join('.') || 'the record'}`)
      }
      default: {
        const p = g.pick(freeStrings)
        set(p.path, `a${TEXT_MARK}b`)
        const [head, tail] = text().split(TEXT_MARK) as [string, string]
        const bytes = Buffer.concat([Buffer.from(head), Buffer.from(g.pick(INVALID_UTF8)), Buffer.from(tail)])
        return { bytes, valid: JSON.parse(bytes.toString('utf8')) as Json, what: `invalid UTF-8 inside ${p.path.join('.')}` }
      }
    }
  }
  switch (g.int(7)) {
    case 0:
    case 1: {
      const p = g.pick(all)
      const wrong = WRONG.filter((w) => typeOf(w) !== typeOf(p.value))
      set(p.path, g.pick(wrong))
      return lineOf(root, false, `wrong type at ${p.path.join('.')}`)
    }
    case 2: {
      const required = all.filter((q) => typeof last(q.path) === 'string' && !optional(root, q.path))
      const p = g.pick(required)
      drop(p.path)
      return lineOf(root, false, `without ${p.path.join('.')}`)
    }
    case 3: {
      // warmup.iterations has no lower bound; the other fields of these names have one.
      const target = (q: { path: Path; value: Json }, key: string) => last(q.path) === key && typeof q.value !== 'object' && !under(q.path, 'warmup')
      const bad = [...BAD_STRINGS, ...BAD_NUMBERS].filter(([key]) => all.some((q) => target(q, key)))
      const [key, value] = g.pick(bad)
      const p = g.pick(all.filter((q) => target(q, key)))
      set(p.path, value)
      return lineOf(root, false, `${key} set to ${JSON.stringify(value)}`)
    }
    case 4: {
      const p = g.pick(all.filter((q) => typeof q.value === 'number'))
      set(p.path, NUMBER_MARK)
      return { bytes: Buffer.from(text().replace(String(NUMBER_MARK), g.pick(['1e400', '-1e400']))), what: `infinite ${p.path.join('.')}` }
    }
    case 5: {
      // Deeper than the schema allows: in a known field, or in an unknown one.
      const p = g.chance(0.5) ? g.pick(all) : { path: [...g.pick(objects).path, 'future'] }
      set(p.path, DEEP)
      // 5,000 levels overflow the stack of recursive code (JSON.stringify, structuredClone); they cost ~1 ms to parse.
      const depth = g.chance(0.05) ? 5000 : 40
      const nest = g.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
      return { bytes: Buffer.from(text().replace(`"${DEEP}"`, nest)), what: `nested ${depth} deep at ${p.path.join('.')}` }
    }
    default: {
      // A rule across fields: an accept names its run, an A/B run is never a baseline.
      if (record.kind === 'baseline-event') {
        set(['action'], 'accept')
        drop(['run_id'])
        return lineOf(root, false, 'accept without its run')
      }
      if (record.ab) set(['mode'], 'baseline')
      else set(['results'], { 0: null })
      return lineOf(root, false, record.ab ? 'an A/B run as baseline' : 'results as an object')
    }
  }
}

/** A line that is not a record at all. */
export function garbage(g: Gen, record: StoreRecord): Line {
  const text = JSON.stringify(record)
  switch (g.int(4)) {
    case 0:
      return { bytes: Buffer.from(text.slice(0, g.int(text.length))), what: 'torn record' }
    case 1: {
      const commas = [...text.matchAll(/,/g)]
      const at = g.pick(commas).index! + 1
      return { bytes: Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(g.pick(INVALID_UTF8)), Buffer.from(text.slice(at))]), what: 'invalid UTF-8 between tokens' }
    }
    case 2:
      return { bytes: Buffer.from(g.pick(['5', '"run"', 'null', '[]', '{}', '{"schema":1}', '{"schema":1,"kind":"run"}', 'NaN', '}{'])), what: 'a JSON value that is no record' }
    default:
      return { bytes: Buffer.from(Array.from({ length: 1 + g.int(40) }, () => 33 + g.int(90))), what: 'random text' }
  }
}

export interface Store {
  bytes: Buffer
  /** What the reader must return, in order. */
  records: Json[]
  /** 1-based numbers of the lines that must be reported and skipped. */
  bad: number[]
  lines: string[]
}

/** A store of 1–3 concatenated parts; `valid` ids are `${prefix}-…`. */
export function store(g: Gen, prefix: string): Store {
  const parts: Buffer[] = []
  const records: Json[] = []
  const bad: number[] = []
  const lines: string[] = []
  const ids: string[] = []
  const partCount = g.chance(0.2) ? 2 + g.int(2) : 1
  for (let part = 0; part < partCount; part++) {
    const eol = g.chance(0.15) ? '\r\n' : '\n'
    const count = 1 + g.int(6)
    for (let k = 0; k < count; k++) {
      const id = `${prefix}-${part}-${k}`
      const base = validRecord(g, id, ids)
      const roll = g.int(100)
      let line: Line
      if (roll < 40) line = lineOf(base as Json, true, 'valid')
      else if (roll < 55) line = mutated(g, base, true)
      else if (roll < 85) line = mutated(g, base, false)
      else if (roll < 93) line = garbage(g, base)
      else line = { bytes: Buffer.from(g.pick(['', ' ', '\t', '\r', '\ufeff'])), what: 'blank' }
      // A byte-order mark: at the start of each part (a `cat` of files that have one), or anywhere.
      const bom = (k === 0 && g.chance(0.3)) || g.chance(0.05)
      let bytes = bom ? Buffer.concat([Buffer.from('\ufeff'.repeat(1 + g.int(2))), line.bytes]) : line.bytes
      const isLast = part === partCount - 1 && k === count - 1
      let valid = line.valid
      let end = eol
      if (isLast && g.chance(0.25)) {
        // The file ends without a newline: complete, or torn somewhere in the line.
        end = ''
        if (g.chance(0.5) && bytes.length > 1) {
          bytes = bytes.subarray(0, g.int(bytes.length))
          valid = undefined
        }
      }
      parts.push(bytes, Buffer.from(end))
      const number = lines.length + 1
      lines.push(line.what)
      if (valid !== undefined) {
        records.push(valid)
        if (base.kind === 'run') ids.push(id)
      } else if (bytes.toString('utf8').replace(/^\ufeff+/, '').trim() !== '') bad.push(number)
    }
  }
  return { bytes: Buffer.concat(parts), records, bad, lines }
}
