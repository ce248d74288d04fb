import { describe, test, expect } from 'vitest'
import { checkRecord, checkSample } from '../../src/store/record.js'
import { run, sample } from './helpers.js'

/** A JSON copy of a valid record, for breaking one field at a time. */
const valid = () => JSON.parse(JSON.stringify(run({ id: 'r1', medians: { a: 100, b: 200 } }))) as Record<string, any>

function reasonOf(value: unknown): string {
  const checked = checkRecord(value)
  if (checked.ok) throw new Error('expected the record to be rejected')
  return checked.reason
}

describe('checkRecord', () => {
  test('accepts a valid record and returns it', () => {
    const value = valid()
    const checked = checkRecord(value)
    expect(checked).toEqual({ ok: true, record: value })
  })

  test('accepts optional fields: bench, ci, git, optional metrics', () => {
    const value = valid()
    value.results[0].test.bench = 'small'
    value.env.ci = 'github-actions'
    value.git = { commit: 'abc', branch: 'main' }
    value.results[0].sample.cpu_ns = 12
    value.results[0].sample.name = 'small'
    expect(checkRecord(value).ok).toBe(true)
    const empty = valid()
    empty.results = []
    expect(checkRecord(empty).ok).toBe(true)
  })

  test.each<[string, (r: Record<string, any>) => unknown, string]>([
    ['not an object', () => [1, 2], 'not a JSON object (got [1, 2])'],
    ['null', () => null, 'not a JSON object (got null)'],
    ['no schema', (r) => ({ ...r, schema: undefined }), 'no schema version'],
    ['schema as a string', (r) => ({ ...r, schema: '1' }), 'no schema version'],
    ['old schema', (r) => ({ ...r, schema: 0 }), 'unknown schema version 0'],
    ['fractional schema', (r) => ({ ...r, schema: 0.5 }), 'unknown schema version 0.5'],
    ['other kind', (r) => ({ ...r, kind: 'note' }), 'kind: expected "run" or "baseline-event", got "note"'],
    ['no id', (r) => ({ ...r, id: '' }), 'id: expected a non-empty string, got ""'],
    ['bad time', (r) => ({ ...r, time: 'yesterday' }), 'time: expected an ISO 8601 date and time like "2025-06-01T12:00:00.000Z", got "yesterday"'],
    ['bad mode', (r) => ({ ...r, mode: 'establish' }), 'mode: expected "baseline" or "compare", got "establish"'],
    ['git not an object', (r) => ({ ...r, git: 'abc' }), 'git: expected an object, got "abc"'],
    ['env incomplete', (r) => ({ ...r, env: { ...r.env, cpu_count: '8' } }), 'env.cpu_count: expected a number, got "8"'],
    ['results not an array', (r) => ({ ...r, results: {} }), 'results: expected an array of results, got an object'],
    ['result not an object', (r) => ({ ...r, results: [r.results[0], 5] }), 'results[1]: expected an object, got 5'],
  ])('rejects: %s', (_label, mutate, reason) => {
    expect(reasonOf(mutate(valid()))).toBe(reason)
  })

  test('a newer schema asks to upgrade', () => {
    const reason = reasonOf({ ...valid(), schema: 2 })
    expect(reason).toContain('written by a newer perf-regression (schema 2; this version reads 1)')
    expect(reason).toContain('upgrade perf-regression')
  })

  test.each<[string, (r: Record<string, any>) => void, string]>([
    ['test without name', (r) => delete r.results[1].test.name, 'results[1].test.name is missing'],
    ['bench not a string', (r) => (r.results[0].test.bench = 3), 'results[0].test.bench: expected a string, got 3'],
    ['unknown runner', (r) => (r.results[0].runner.name = 'mocha'), 'results[0].runner.name: expected one of "vitest", "jest", "locust" or "k6", got "mocha"'],
    ['runner without pool', (r) => delete r.results[0].runner.pool, 'results[0].runner.pool is missing'],
    ['env_key missing', (r) => delete r.results[0].env_key, 'results[0].env_key is missing'],
    ['bad sample', (r) => (r.results[1].sample.wall_ns.median = 0), 'results[1].sample.wall_ns.median: expected a number above 0, got 0'],
  ])('rejects a result: %s', (_label, mutate, reason) => {
    const value = valid()
    mutate(value)
    expect(reasonOf(value)).toBe(reason)
  })
})

describe('checkSample', () => {
  test('a valid sample has no problem', () => {
    expect(checkSample(sample(100))).toBeUndefined()
    expect(checkSample(sample(100, { cpu_ns: 1, cpu_percent: 50, heap_used_bytes: 1, heap_delta_bytes: -5, rss_bytes: 9, name: 'x' }))).toBeUndefined()
    expect(checkSample(sample(100, { raw_wall_ns: [] }))).toBeUndefined()
  })

  const broken = (patch: Record<string, unknown>) => ({ ...sample(100), ...patch })
  const wall = (patch: Record<string, unknown>) => broken({ wall_ns: { ...sample(100).wall_ns, ...patch } })

  test.each<[string, unknown, string]>([
    ['not an object', 'fast', 'sample: expected an object, got "fast"'],
    ['zero iterations', broken({ iterations: 0 }), 'sample.iterations: expected a number of 1 or more, got 0'],
    ['iterations as a string', broken({ iterations: '10' }), 'sample.iterations: expected a number, got "10"'],
    ['no duration', broken({ duration_ms: undefined }), 'sample.duration_ms: expected a number, got nothing'],
    ['no warm-up', broken({ warmup: null }), 'sample.warmup: expected an object, got null'],
    ['warm-up without time', broken({ warmup: { iterations: 1 } }), 'sample.warmup.time_ms is missing'],
    ['wall_ns missing', broken({ wall_ns: [] }), 'sample.wall_ns: expected an object, got []'],
    ['wall_ns.p99 NaN', wall({ p99: Number.NaN }), 'sample.wall_ns.p99: expected a number, got NaN'],
    ['wall_ns.sd missing', wall({ sd: undefined }), 'sample.wall_ns.sd: expected a number, got nothing'],
    ['median zero', wall({ median: 0 }), 'sample.wall_ns.median: expected a number above 0, got 0'],
    ['median negative', wall({ median: -1 }), 'sample.wall_ns.median: expected a number above 0, got -1'],
    ['raw not an array', broken({ raw_wall_ns: 5 }), 'sample.raw_wall_ns: expected an array of finite numbers, got 5'],
    ['raw with a string', broken({ raw_wall_ns: [1, '2'] }), 'sample.raw_wall_ns: expected an array of finite numbers (item 1 is not), got [1, "2"]'],
    ['cpu_ns a string', broken({ cpu_ns: '5' }), 'sample.cpu_ns: expected a number, got "5"'],
    ['rss_bytes infinite', broken({ rss_bytes: Infinity }), 'sample.rss_bytes: expected a finite number, got Infinity'],
    ['name a number', broken({ name: 7 }), 'sample.name: expected a string, got 7'],
  ])('%s', (_label, value, problem) => {
    expect(checkSample(value)).toBe(problem)
  })

  test('the location prefix is used', () => {
    expect(checkSample(null, 'results[3].sample')).toBe('results[3].sample: expected an object, got null')
  })
})

describe('checkSample: heap_growth and custom metrics', () => {
  const growth = { bytes_per_iteration: 10240.5, interval: [10100, 10381] as [number, number], p_value: 1e-12, iterations: 1600, batches: 8 }

  test('accepts a sample with heap_growth and metrics, and a stored record holding them', () => {
    const withBoth = sample(100, { heap_growth: growth, metrics: { 'bytes out': { value: 6, better: 'lower', unit: 'B' }, hits: { value: 0, better: 'higher', unit: '', absolute: true } } })
    expect(checkSample(withBoth)).toBeUndefined()
    expect(checkSample(sample(100, { heap_growth: { ...growth, bytes_per_iteration: -3, interval: [-20, 14], p_value: 0.7 } }))).toBeUndefined()
    const value = valid()
    value.results[0].sample = JSON.parse(JSON.stringify(withBoth))
    const checked = checkRecord(value)
    expect(checked.ok).toBe(true)
    if (checked.ok && checked.record.kind === 'run') expect(checked.record.results[0]!.sample.heap_growth).toEqual(growth)
  })

  const withGrowth = (patch: Record<string, unknown>) => ({ ...sample(100), heap_growth: { ...growth, ...patch } })
  test.each<[string, unknown, string]>([
    ['heap_growth not an object', { ...sample(100), heap_growth: 5 }, 'sample.heap_growth: expected an object, got 5'],
    ['slope missing', withGrowth({ bytes_per_iteration: undefined }), 'sample.heap_growth.bytes_per_iteration: expected a number, got nothing'],
    ['slope as a string', withGrowth({ bytes_per_iteration: '12' }), 'sample.heap_growth.bytes_per_iteration: expected a number, got "12"'],
    ['interval of one number', withGrowth({ interval: [1] }), 'sample.heap_growth.interval[1]: expected a number, got nothing'],
    ['interval of three numbers', withGrowth({ interval: [1, 2, 3] }), 'sample.heap_growth.interval[2]: expected two numbers, low to high, got 3'],
    ['interval reversed', withGrowth({ interval: [5, 1] }), 'sample.heap_growth.interval: expected two numbers, low to high, got [5, 1]'],
    ['interval with null', withGrowth({ interval: [null, 1] }), 'sample.heap_growth.interval[0]: expected a number, got null'],
    ['p-value above 1', withGrowth({ p_value: 1.5 }), 'sample.heap_growth.p_value: expected a number from 0 to 1, got 1.5'],
    ['p-value missing', withGrowth({ p_value: undefined }), 'sample.heap_growth.p_value: expected a number, got nothing'],
    ['zero iterations', withGrowth({ iterations: 0 }), 'sample.heap_growth.iterations: expected a whole number of 1 or more, got 0'],
    ['fractional batches', withGrowth({ batches: 2.5 }), 'sample.heap_growth.batches: expected a whole number, got 2.5'],
    ['metric without a unit', { ...sample(100), metrics: { size: { value: 1, better: 'lower' } } }, 'sample.metrics.size.unit is missing'],
    ['metric with a bad direction', { ...sample(100), metrics: { size: { value: 1, better: 'up', unit: '' } } }, 'sample.metrics.size.better: expected "lower" or "higher", got "up"'],
    ['metric given as a bare number', { ...sample(100), metrics: { size: 3 } }, 'sample.metrics.size: expected an object, got 3'],
  ])('rejects %s', (_label, value, problem) => {
    expect(checkSample(value)).toBe(problem)
  })

  test('a bad heap_growth makes the stored line a bad line, with its location', () => {
    const value = valid()
    value.results[1].sample.heap_growth = { ...growth, p_value: -0.1 }
    expect(reasonOf(value)).toBe('results[1].sample.heap_growth.p_value: expected a number from 0 to 1, got -0.1')
  })
})

describe('checkRecord: every field has its type', () => {
  const event = (patch: Record<string, unknown>) => ({ schema: 1, kind: 'baseline-event', id: 'e1', time: '2025-06-01T10:00:00.000Z', action: 'accept', run_id: 'r1', reason: 'why', who: 'me', ...patch })

  test.each<[string, (r: Record<string, any>) => unknown, string]>([
    ['a numeric commit', (r) => ({ ...r, git: { commit: 1234567 } }), 'git.commit: expected a string, got 1234567'],
    ['a branch of nested arrays', (r) => ({ ...r, git: { branch: [[['main']]] } }), 'git.branch: expected a string, got an array of 1 item'],
    ['a CI name that is an object', (r) => ({ ...r, env: { ...r.env, ci: { name: 'gh' } } }), 'env.ci: expected a string, got an object'],
    ['a null commit', (r) => ({ ...r, git: { commit: null } }), 'git.commit: expected a string, got null'],
    ['a group of another type', (r) => ({ ...r, group: 7 }), 'group: expected a string, got 7'],
    ['a time Date.parse takes but that is not ISO 8601', (r) => ({ ...r, time: 'x 2025' }), 'time: expected an ISO 8601 date and time like "2025-06-01T12:00:00.000Z", got "x 2025"'],
    ['a raw time of another type', (r) => ({ ...r, results: [{ ...r.results[0], sample: { ...r.results[0].sample, raw_wall_ns: [1, [2]] } }] }), 'results[0].sample.raw_wall_ns: expected an array of finite numbers (item 1 is not), got an array of 2 items'],
    ['results that are an object with indices', (r) => ({ ...r, results: { 0: r.results[0] } }), 'results: expected an array of results, got an object'],
    ['a sample that is an array', (r) => ({ ...r, results: [{ ...r.results[0], sample: [] }] }), 'results[0].sample: expected an object, got []'],
  ])('rejects %s', (_label, mutate, reason) => {
    expect(reasonOf(mutate(valid()))).toBe(reason)
  })

  test.each<[string, Record<string, unknown>, string]>([
    ['a numeric run_id', { run_id: 5 }, 'run_id: expected a string, got 5'],
    ['an accept without its run', { run_id: undefined }, 'run_id: expected the id of the accepted run, got nothing'],
    ['an accept with an empty run id', { run_id: '' }, 'run_id: expected the id of the accepted run, got ""'],
    ['a reason that is not text', { reason: ['a'] }, 'reason: expected a string, got ["a"]'],
    ['an unknown action', { action: 'delete' }, 'action: expected "accept" or "reset", got "delete"'],
  ])('rejects a baseline event with %s', (_label, patch, reason) => {
    expect(reasonOf(JSON.parse(JSON.stringify(event(patch))))).toBe(reason)
  })

  test('a reset needs no run; odd but well-typed values pass', () => {
    expect(checkRecord(event({ action: 'reset', run_id: undefined })).ok).toBe(true)
    const odd = valid()
    odd.git = { commit: '', branch: 'x' }
    odd.env.ci = ''
    odd.results[0].test.name = ''
    odd.results[0].sample.raw_wall_ns = [-1, 0, 1e308]
    expect(checkRecord(odd)).toEqual({ ok: true, record: odd })
  })

  test('fields it does not know are kept, at every level, except prototype keys', () => {
    const value = valid()
    value.future = { nested: [1, { deep: true }] }
    value.git.tag = 'v1'
    value.results[0].sample.wall_ns.p90 = 5
    const withProto = JSON.parse(JSON.stringify(value).replace('{"schema"', '{"__proto__":{"polluted":1},"schema"'))
    const checked = checkRecord(withProto)
    expect(checked).toEqual({ ok: true, record: value })
    if (!checked.ok) return
    expect(Object.getPrototypeOf(checked.record)).toBe(Object.prototype)
    expect(Object.hasOwn(checked.record, '__proto__')).toBe(false)
  })

  test('nesting is bounded, also in fields it does not know', () => {
    const value = valid()
    let deep: unknown = 1
    for (let i = 0; i < 40; i++) deep = [deep]
    value.future = deep
    expect(reasonOf(value)).toBe('nested deeper than 32 levels of objects and arrays')
    const nested = JSON.parse(`{"schema":1,"kind":"run","git":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)
    expect(reasonOf(nested)).toBe('nested deeper than 32 levels of objects and arrays')
  })

  test('values in a problem are cut short and printable', () => {
    const reason = reasonOf({ ...valid(), kind: '\u001b[2J\u202e' + 'x'.repeat(100) })
    expect(reason).toBe(`kind: expected "run" or "baseline-event", got "\\u001b[2J\\u202e${'x'.repeat(35)}…"`)
    const metric = { ...sample(100), metrics: { 'bytes\nout': { value: 1, better: 'lower' } } }
    expect(checkSample(metric)).toBe('sample.metrics["bytes\\u000aout"].unit is missing')
  })

  test('a sample that refers to itself is refused, not walked forever', () => {
    const cyclic: Record<string, unknown> = { ...sample(100) }
    cyclic.self = cyclic
    expect(checkSample(cyclic)).toBe('sample: nested deeper than 32 levels of objects and arrays')
  })
})

describe('checkSample: values handed over in memory', () => {
  test('a hole in the raw samples is not a number', () => {
    expect(checkSample(sample(100, { raw_wall_ns: [1, , 3] as number[] }))).toBe('sample.raw_wall_ns: expected an array of finite numbers (item 1 is not), got [1, , 3]')
  })
})
