import { SCHEMA_VERSION, type BaselineEvent, type RunRecord, type StoreRecord } from '../types.js'

/** Result of checking one parsed line of the store. */
export type Checked = { ok: true; record: StoreRecord } | { ok: false; reason: string }

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isStr = (v: unknown): v is string => typeof v === 'string'

const RUNNERS = ['vitest', 'jest', 'locust']
const STAT_KEYS = ['n', 'mean', 'median', 'p75', 'p99', 'min', 'max', 'sd'] as const
const OPTIONAL_NUMBERS = ['cpu_ns', 'cpu_percent', 'thread_cpu_ns', 'heap_used_bytes', 'heap_delta_bytes', 'rss_bytes'] as const

function checkResult(r: unknown, i: number): string | undefined {
  const at = `results[${i}]`
  if (!isObj(r)) return `${at} is not an object`
  const { test, runner, env_key: key, sample } = r
  if (!isObj(test) || !isStr(test.file) || !isStr(test.name) || !isStr(test.project)) {
    return `${at}.test must have string file, name and project`
  }
  if (test.bench !== undefined && !isStr(test.bench)) return `${at}.test.bench must be a string`
  if (test.line !== undefined && !isNum(test.line)) return `${at}.test.line must be a number`
  if (!isObj(runner) || !RUNNERS.includes(runner.name as string) || !isStr(runner.version) || !isStr(runner.pool)) {
    return `${at}.runner must have name (${RUNNERS.join(', ')}), version and pool`
  }
  if (!isStr(key)) return `${at}.env_key must be a string`
  return checkSample(sample, `${at}.sample`)
}

/** Checks one `perf()` sample; returns the problem, or undefined when it is valid. */
export function checkSample(sample: unknown, at = 'sample'): string | undefined {
  if (!isObj(sample)) return `${at} is not an object`
  if (!isNum(sample.iterations) || sample.iterations < 1) return `${at}.iterations must be a positive number`
  if (!isNum(sample.duration_ms)) return `${at}.duration_ms must be a number`
  const warmup = sample.warmup
  if (!isObj(warmup) || !isNum(warmup.iterations) || !isNum(warmup.time_ms)) {
    return `${at}.warmup must have numeric iterations and time_ms`
  }
  const wall = sample.wall_ns
  if (!isObj(wall)) return `${at}.wall_ns is not an object`
  for (const k of STAT_KEYS) {
    if (!isNum(wall[k])) return `${at}.wall_ns.${k} must be a finite number`
  }
  if (!((wall.median as number) > 0)) return `${at}.wall_ns.median must be positive`
  if (!Array.isArray(sample.raw_wall_ns) || !sample.raw_wall_ns.every(isNum)) {
    return `${at}.raw_wall_ns must be an array of numbers`
  }
  for (const k of OPTIONAL_NUMBERS) {
    if (sample[k] !== undefined && !isNum(sample[k])) return `${at}.${k} must be a number`
  }
  if (sample.name !== undefined && !isStr(sample.name)) return `${at}.name must be a string`
  if (sample.metrics !== undefined) {
    if (!isObj(sample.metrics)) return `${at}.metrics must be an object`
    for (const [name, m] of Object.entries(sample.metrics)) {
      if (!isObj(m) || !isNum(m.value) || (m.better !== 'lower' && m.better !== 'higher') || !isStr(m.unit) || (m.absolute !== undefined && typeof m.absolute !== 'boolean')) {
        return `${at}.metrics.${name} must have a numeric value, better "lower" or "higher", a unit and an optional boolean absolute`
      }
    }
  }
  if (sample.heap_growth !== undefined) return checkHeapGrowth(sample.heap_growth, `${at}.heap_growth`)
  return undefined
}

const isCount = (v: unknown): v is number => isNum(v) && Number.isInteger(v) && v >= 1

/** Checks the leak phase's result (`PerfSample.heap_growth`). */
function checkHeapGrowth(g: unknown, at: string): string | undefined {
  if (!isObj(g)) return `${at} is not an object`
  if (!isNum(g.bytes_per_iteration)) return `${at}.bytes_per_iteration must be a finite number`
  const interval = g.interval
  if (!Array.isArray(interval) || interval.length !== 2 || !isNum(interval[0]) || !isNum(interval[1]) || interval[0] > interval[1]) {
    return `${at}.interval must be two finite numbers, low to high`
  }
  if (!isNum(g.p_value) || g.p_value < 0 || g.p_value > 1) return `${at}.p_value must be a number from 0 to 1`
  if (!isCount(g.iterations)) return `${at}.iterations must be a positive integer`
  if (!isCount(g.batches)) return `${at}.batches must be a positive integer`
  return undefined
}

/**
 * Checks a parsed line against the record schema. Records are validated here,
 * at the boundary, and trusted everywhere after.
 */
export function checkRecord(value: unknown): Checked {
  if (!isObj(value)) return { ok: false, reason: 'not a JSON object' }
  if (!isNum(value.schema)) return { ok: false, reason: 'no schema version' }
  if (value.schema > SCHEMA_VERSION) {
    return {
      ok: false,
      reason: `written by a newer perf-regression (schema ${value.schema}; this version reads ${SCHEMA_VERSION}): upgrade perf-regression to use it`,
    }
  }
  if (value.schema !== SCHEMA_VERSION) return { ok: false, reason: `unknown schema version ${value.schema}` }
  if (value.kind === 'baseline-event') return checkEvent(value)
  if (value.kind !== 'run') return { ok: false, reason: `unknown record kind ${JSON.stringify(value.kind)}` }
  if (!isStr(value.id) || value.id === '') return { ok: false, reason: 'run without an id' }
  if (!isStr(value.time) || Number.isNaN(Date.parse(value.time))) return { ok: false, reason: 'run without a valid time' }
  if (value.mode !== 'baseline' && value.mode !== 'compare') return { ok: false, reason: `unknown mode ${JSON.stringify(value.mode)}` }
  if (!isObj(value.git)) return { ok: false, reason: 'git must be an object' }
  if (value.group !== undefined && (!isStr(value.group) || value.group === '')) return { ok: false, reason: 'group must be a non-empty string' }
  const env = value.env
  if (!isObj(env) || !isStr(env.cpu_model) || !isNum(env.cpu_count) || !isStr(env.os) || !isStr(env.arch) || !isStr(env.node_version)) {
    return { ok: false, reason: 'env must describe cpu_model, cpu_count, os, arch and node_version' }
  }
  if (!Array.isArray(value.results)) return { ok: false, reason: 'results must be an array' }
  for (let i = 0; i < value.results.length; i++) {
    const problem = checkResult(value.results[i], i)
    if (problem) return { ok: false, reason: problem }
  }
  if (value.ab !== undefined) {
    const problem = checkAb(value.ab)
    if (problem) return { ok: false, reason: problem }
    if (value.mode !== 'compare') return { ok: false, reason: 'an A/B run must have mode "compare"' }
  }
  return { ok: true, record: value as unknown as RunRecord }
}

/** Checks the base side of an A/B run (`RunRecord.ab`). */
function checkAb(ab: unknown): string | undefined {
  if (!isObj(ab)) return 'ab must be an object'
  if (!isStr(ab.base_commit) || !/^[0-9a-f]{4,64}$/.test(ab.base_commit)) return 'ab.base_commit must be a hexadecimal commit id'
  if (!isStr(ab.base_ref)) return 'ab.base_ref must be a string'
  if (ab.design !== 'paired' && ab.design !== 'processes') return 'ab.design must be "paired" or "processes"'
  if (!Array.isArray(ab.base_results)) return 'ab.base_results must be an array'
  for (let i = 0; i < ab.base_results.length; i++) {
    const problem = checkResult(ab.base_results[i], i)
    if (problem) return `ab.base_${problem}`
  }
  return undefined
}

function checkEvent(value: Obj): Checked {
  if (!isStr(value.id) || value.id === '') return { ok: false, reason: 'baseline event without an id' }
  if (!isStr(value.time) || Number.isNaN(Date.parse(value.time))) return { ok: false, reason: 'baseline event without a valid time' }
  if (value.action !== 'accept' && value.action !== 'reset') return { ok: false, reason: `unknown baseline action ${JSON.stringify(value.action)}` }
  if (value.action === 'accept' && (!isStr(value.run_id) || value.run_id === '')) return { ok: false, reason: 'baseline accept without a run_id' }
  if (!isStr(value.reason) || !isStr(value.who)) return { ok: false, reason: 'baseline event without a reason and who' }
  return { ok: true, record: value as unknown as BaselineEvent }
}
