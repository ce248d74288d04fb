import { SEVERITIES } from '../types.js'
import { isRecord, show } from '../util/values.js'
import type { Thresholds } from './options.js'

export { isRecord, show }

/** Problems found so far; every check appends to it rather than stopping at the first. */
export type Problems = string[]

export function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string, problems: Problems): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      problems.push(`unknown option ${path}${show(key).slice(1, -1)} (allowed: ${allowed.join(', ')})`)
    }
  }
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string, problems: Problems): T | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  problems.push(`${path} must be one of ${allowed.map((a) => `"${a}"`).join(', ')} (got ${show(value)})`)
  return undefined
}

export interface NumberRule {
  integer?: boolean
  /** Exclusive lower bound. */
  above?: number
  /** Inclusive lower bound. */
  min?: number
  /** Exclusive upper bound. */
  below?: number
}

export function number(value: unknown, path: string, rule: NumberRule, problems: Problems): number | undefined {
  if (value === undefined) return undefined
  const what = rule.integer ? 'an integer' : 'a number'
  const bounds: string[] = []
  if (rule.above !== undefined) bounds.push(`greater than ${rule.above}`)
  if (rule.min !== undefined) bounds.push(`at least ${rule.min}`)
  if (rule.below !== undefined) bounds.push(`less than ${rule.below}`)
  const expected = `${path} must be ${what}${bounds.length ? ' ' + bounds.join(' and ') : ''} (got ${show(value)})`
  if (typeof value !== 'number' || !Number.isFinite(value) || (rule.integer && !Number.isInteger(value))) {
    problems.push(expected)
    return undefined
  }
  if (
    (rule.above !== undefined && !(value > rule.above)) ||
    (rule.min !== undefined && !(value >= rule.min)) ||
    (rule.below !== undefined && !(value < rule.below))
  ) {
    problems.push(expected)
    return undefined
  }
  return value
}

/** Checks a (partial) set of bands: an object of numbers above 1 keyed by severity. Returns the valid ones. */
export function thresholds(value: unknown, path: string, problems: Problems): Partial<Thresholds> | undefined {
  if (value === undefined) return undefined
  if (!isRecord(value)) {
    problems.push(`${path} must be an object like { minor: 1.2, moderate: 1.5, critical: 2 } (got ${show(value)})`)
    return undefined
  }
  checkKeys(value, SEVERITIES, `${path}.`, problems)
  const out: Partial<Thresholds> = {}
  for (const s of SEVERITIES) {
    const n = number(value[s], `${path}.${s}`, { above: 1 }, problems)
    if (n !== undefined) out[s] = n
  }
  return out
}

/** True when bands are in increasing order minor < moderate < critical. */
export const inOrder = (t: Readonly<Thresholds>): boolean => t.minor < t.moderate && t.moderate < t.critical

/** Checks that bands are in increasing order; `path` names where they came from. */
export function checkOrder(t: Readonly<Thresholds>, path: string, problems: Problems): void {
  if (!inOrder(t)) {
    problems.push(
      `${path} must be in increasing order minor < moderate < critical (got minor ${t.minor}, moderate ${t.moderate}, critical ${t.critical})`,
    )
  }
}
