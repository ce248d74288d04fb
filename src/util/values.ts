/**
 * Values as error messages name them. Config files, test code and imported files are
 * untrusted: nothing here lets their text drive a terminal.
 */
import { plural } from './format.js'

/** A plain object (not null, not an array): what a JSON object parses to. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Characters JSON.stringify leaves as they are but a terminal may act on: C1 controls, line separators, bidi controls. */
const UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** `text` as a JSON string literal, with every character of {@link UNSAFE} escaped too. */
export function quote(text: string): string {
  return escapeUnsafe(JSON.stringify(text))
}

const escapeUnsafe = (json: string) => json.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/** Objects and arrays longer than this as JSON are described instead of shown. */
const SHOWN_JSON_CHARS = 60

/**
 * A value as it was written, for "(got …)": strings quoted and escaped, numbers, booleans,
 * null and undefined as they are (NaN stays NaN), short objects and arrays as JSON, long
 * or circular ones and functions described (`an object with keys a, b`, `a function`).
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'function') return 'a function'
  if (value === null || typeof value !== 'object') return String(value)
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch {
    // Circular (or a getter that throws): described by its shape instead.
    json = undefined
  }
  return json !== undefined && json.length <= SHOWN_JSON_CHARS ? escapeUnsafe(json) : describeValue(value)
}

/**
 * A short description of a value, for "found …": `an array of 3 items`, `an object with
 * keys a, b`, `the string "x"`, `number 5`, `a function`.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${plural(value.length, 'item')}`
  if (typeof value === 'object') {
    const keys = Object.keys(value)
    if (keys.length === 0) return 'an empty object'
    const shown = keys.slice(0, 5).join(', ') + (keys.length > 5 ? ', ...' : '')
    return `an object with keys ${escapeUnsafe(shown)}`
  }
  if (typeof value === 'string') return `the string ${quote(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`
  if (typeof value === 'function') return 'a function'
  return `${typeof value} ${String(value)}`
}
