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
    ['not an object', () => [1, 2], 'not a JSON object'],
    ['null', () => null, 'not a JSON object'],
    ['no schema', (r) => ({ ...r, schema: undefined }), 'no schema version'],
    ['schema as a string', (r) => ({ ...r, schema: '1' }), 'no schema version'],
    ['old schema', (r) => ({ ...r, schema: 0 }), 'unknown schema version 0'],
    ['fractional schema', (r) => ({ ...r, schema: 0.5 }), 'unknown schema version 0.5'],
    ['other kind', (r) => ({ ...r, kind: 'note' }), 'unknown record kind "note"'],
    ['no id', (r) => ({ ...r, id: '' }), 'run without an id'],
    ['bad time', (r) => ({ ...r, time: 'yesterday' }), 'run without a valid time'],
    ['bad mode', (r) => ({ ...r, mode: 'establish' }), 'unknown mode "establish"'],
    ['git not an object', (r) => ({ ...r, git: 'abc' }), 'git must be an object'],
    ['env incomplete', (r) => ({ ...r, env: { ...r.env, cpu_count: '8' } }), 'env must describe cpu_model, cpu_count, os, arch and node_version'],
    ['results not an array', (r) => ({ ...r, results: {} }), 'results must be an array'],
    ['result not an object', (r) => ({ ...r, results: [r.results[0], 5] }), 'results[1] is not an object'],
  ])('rejects: %s', (_label, mutate, reason) => {
    expect(reasonOf(mutate(valid()))).toBe(reason)
  })

  test('a newer schema asks to upgrade', () => {
    const reason = reasonOf({ ...valid(), schema: 2 })
    expect(reason).toContain('written by a newer perf-regression (schema 2; this version reads 1)')
    expect(reason).toContain('upgrade perf-regression')
  })

  test.each<[string, (r: Record<string, any>) => void, string]>([
    ['test without name', (r) => delete r.results[1].test.name, 'results[1].test must have string file, name and project'],
    ['bench not a string', (r) => (r.results[0].test.bench = 3), 'results[0].test.bench must be a string'],
    ['unknown runner', (r) => (r.results[0].runner.name = 'mocha'), 'results[0].runner must have name (vitest, jest, locust), version and pool'],
    ['runner without pool', (r) => delete r.results[0].runner.pool, 'results[0].runner must have name (vitest, jest, locust), version and pool'],
    ['env_key missing', (r) => delete r.results[0].env_key, 'results[0].env_key must be a string'],
    ['bad sample', (r) => (r.results[1].sample.wall_ns.median = 0), 'results[1].sample.wall_ns.median must be positive'],
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
    ['not an object', 'fast', 'sample is not an object'],
    ['zero iterations', broken({ iterations: 0 }), 'sample.iterations must be a positive number'],
    ['iterations as a string', broken({ iterations: '10' }), 'sample.iterations must be a positive number'],
    ['no duration', broken({ duration_ms: undefined }), 'sample.duration_ms must be a number'],
    ['no warm-up', broken({ warmup: null }), 'sample.warmup must have numeric iterations and time_ms'],
    ['warm-up without time', broken({ warmup: { iterations: 1 } }), 'sample.warmup must have numeric iterations and time_ms'],
    ['wall_ns missing', broken({ wall_ns: [] }), 'sample.wall_ns is not an object'],
    ['wall_ns.p99 NaN', wall({ p99: Number.NaN }), 'sample.wall_ns.p99 must be a finite number'],
    ['wall_ns.sd missing', wall({ sd: undefined }), 'sample.wall_ns.sd must be a finite number'],
    ['median zero', wall({ median: 0 }), 'sample.wall_ns.median must be positive'],
    ['median negative', wall({ median: -1 }), 'sample.wall_ns.median must be positive'],
    ['raw not an array', broken({ raw_wall_ns: 5 }), 'sample.raw_wall_ns must be an array of numbers'],
    ['raw with a string', broken({ raw_wall_ns: [1, '2'] }), 'sample.raw_wall_ns must be an array of numbers'],
    ['cpu_ns a string', broken({ cpu_ns: '5' }), 'sample.cpu_ns must be a number'],
    ['rss_bytes infinite', broken({ rss_bytes: Infinity }), 'sample.rss_bytes must be a number'],
    ['name a number', broken({ name: 7 }), 'sample.name must be a string'],
  ])('%s', (_label, value, problem) => {
    expect(checkSample(value)).toBe(problem)
  })

  test('the location prefix is used', () => {
    expect(checkSample(null, 'results[3].sample')).toBe('results[3].sample is not an object')
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
    ['heap_growth not an object', { ...sample(100), heap_growth: 5 }, 'sample.heap_growth is not an object'],
    ['slope missing', withGrowth({ bytes_per_iteration: undefined }), 'sample.heap_growth.bytes_per_iteration must be a finite number'],
    ['slope as a string', withGrowth({ bytes_per_iteration: '12' }), 'sample.heap_growth.bytes_per_iteration must be a finite number'],
    ['interval of one number', withGrowth({ interval: [1] }), 'sample.heap_growth.interval must be two finite numbers, low to high'],
    ['interval reversed', withGrowth({ interval: [5, 1] }), 'sample.heap_growth.interval must be two finite numbers, low to high'],
    ['interval with null', withGrowth({ interval: [null, 1] }), 'sample.heap_growth.interval must be two finite numbers, low to high'],
    ['p-value above 1', withGrowth({ p_value: 1.5 }), 'sample.heap_growth.p_value must be a number from 0 to 1'],
    ['p-value missing', withGrowth({ p_value: undefined }), 'sample.heap_growth.p_value must be a number from 0 to 1'],
    ['zero iterations', withGrowth({ iterations: 0 }), 'sample.heap_growth.iterations must be a positive integer'],
    ['fractional batches', withGrowth({ batches: 2.5 }), 'sample.heap_growth.batches must be a positive integer'],
    ['metric without a unit', { ...sample(100), metrics: { size: { value: 1, better: 'lower' } } }, 'sample.metrics.size must have a numeric value, better "lower" or "higher", a unit and an optional boolean absolute'],
    ['metric with a bad direction', { ...sample(100), metrics: { size: { value: 1, better: 'up', unit: '' } } }, 'sample.metrics.size must have a numeric value, better "lower" or "higher", a unit and an optional boolean absolute'],
    ['metric given as a bare number', { ...sample(100), metrics: { size: 3 } }, 'sample.metrics.size must have a numeric value, better "lower" or "higher", a unit and an optional boolean absolute'],
  ])('rejects %s', (_label, value, problem) => {
    expect(checkSample(value)).toBe(problem)
  })

  test('a bad heap_growth makes the stored line a bad line, with its location', () => {
    const value = valid()
    value.results[1].sample.heap_growth = { ...growth, p_value: -0.1 }
    expect(reasonOf(value)).toBe('results[1].sample.heap_growth.p_value must be a number from 0 to 1')
  })
})
