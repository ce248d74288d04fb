import * as v from 'valibot'
import { SCHEMA_VERSION, type PerfSample, type StoreRecord } from '../types.js'
import { BaselineEventSchema, BoundedSampleSchema, RunRecordSchema } from './schema.js'

/** Result of checking one parsed value against a schema: the typed value, or the first problem in plain words. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string }

/** Result of checking one parsed line of the store. */
export type Checked = { ok: true; record: StoreRecord } | { ok: false; reason: string }

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/**
 * Checks `value` against `schema`. Never throws; the reason names where the first
 * problem is and what was expected there, echoing the value only short and printable.
 */
export function parseWith<S extends v.GenericSchema>(schema: S, value: unknown, at = ''): Parsed<v.InferOutput<S>> {
  const result = v.safeParse(schema, value, { abortEarly: true, abortPipeEarly: true })
  if (result.success) return { ok: true, value: result.output }
  return { ok: false, reason: describeIssue(result.issues[0], at) }
}

/**
 * Checks a parsed line against the record schema. Records are validated here,
 * at the boundary, and trusted everywhere after.
 */
export function checkRecord(value: unknown): Checked {
  if (!isObj(value)) return { ok: false, reason: `not a JSON object (got ${preview(value)})` }
  const schema = value.schema
  if (typeof schema !== 'number' || !Number.isFinite(schema)) return { ok: false, reason: 'no schema version' }
  if (schema > SCHEMA_VERSION) {
    return {
      ok: false,
      reason: `written by a newer perf-regression (schema ${schema}; this version reads ${SCHEMA_VERSION}): upgrade perf-regression to use it`,
    }
  }
  if (schema !== SCHEMA_VERSION) return { ok: false, reason: `unknown schema version ${schema}` }
  const parsed =
    value.kind === 'run'
      ? parseWith(RunRecordSchema, value)
      : value.kind === 'baseline-event'
        ? parseWith(BaselineEventSchema, value)
        : { ok: false as const, reason: `kind: expected "run" or "baseline-event", got ${preview(value.kind)}` }
  return parsed.ok ? { ok: true, record: parsed.value } : parsed
}

/** Checks one `perf()` sample; returns the problem, or undefined when it is valid. */
export function checkSample(sample: unknown, at = 'sample'): string | undefined {
  const parsed = parseSample(sample, at)
  return parsed.ok ? undefined : parsed.reason
}

/** Checks one `perf()` sample handed over from a test worker. */
export function parseSample(sample: unknown, at = 'sample'): Parsed<PerfSample> {
  return parseWith(BoundedSampleSchema, sample, at)
}

type PathItem = { key?: unknown; origin?: string }

/** "path: expected …, got …" for valibot's first issue. */
function describeIssue(issue: v.BaseIssue<unknown> | undefined, at: string): string {
  if (!issue) return `${at || 'value'}: not valid`
  const path = (issue.path ?? []) as readonly PathItem[]
  const where = at + path.map((p, i) => step(p.key, at === '' && i === 0)).join('')
  const last = path.at(-1) as (PathItem & { value?: unknown }) | undefined
  if (last?.origin === 'key') return `${where} is missing`
  // A check of the whole value (its depth) says what is wrong in its own words.
  if (path.length === 0 && issue.type === 'check') return where === '' ? issue.message : `${where}: ${issue.message}`
  const got = last ? last.value : issue.input
  const expected = `expected ${issue.message}, got ${preview(got)}`
  return where === '' ? expected : `${where}: ${expected}`
}

/** One step of a path: `.name`, `[3]`, or `["odd key"]` for keys that are not plain names. */
function step(key: unknown, first: boolean): string {
  if (typeof key === 'number') return `[${key}]`
  const name = String(key)
  if (/^[A-Za-z_$][\w$]*$/.test(name)) return first ? name : `.${name}`
  return `[${quote(name)}]`
}

const SHOWN = 40

/** C0 and C1 controls, line and paragraph separators, bidirectional controls, lone surrogates. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** A string in double quotes, cut to its first characters, with unprintable characters escaped. */
function quote(text: string): string {
  const cut = text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text
  const escaped = cut.replace(/["\\]/g, '\\$&').replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return `"${escaped}"`
}

/** A value as shown in a problem: short and printable whatever it holds. */
export function preview(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  if (Array.isArray(value)) {
    const simple = value.length <= 4 && value.every((x) => typeof x === 'number' || typeof x === 'boolean' || x === null || (typeof x === 'string' && x.length <= 8))
    return simple ? `[${value.map((x) => (typeof x === 'string' ? quote(x) : String(x))).join(', ')}]` : `an array of ${value.length} item${value.length === 1 ? '' : 's'}`
  }
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}
