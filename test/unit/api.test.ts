import { describe, expect, test } from 'vitest'
import * as esm from '../../src/index.js'
import * as cjs from '../../src/jest/cjs.js'

/** The documented root API (README, "Programmatic API"): values only, types are checked by tsc. */
const ROOT_API = [
  'ConfigError',
  'DEFAULTS',
  'MetricsError',
  'StoreError',
  'appendRecord',
  'detect',
  'fails',
  'failureReasons',
  'readRecords',
  'readStore',
  'resolveConfig',
  'validateOptions',
]

const named = (module: object) =>
  Object.keys(module)
    .filter((k) => k !== 'default')
    .sort()

describe('the package root', () => {
  test('the ESM entry exports exactly the documented API', () => {
    expect(named(esm)).toEqual([...ROOT_API].sort())
  })

  test('the CommonJS entry exports the same API as the ESM entry', () => {
    expect(named(cjs)).toEqual(named(esm))
    for (const name of named(esm)) expect(cjs[name as keyof typeof cjs], name).toBe(esm[name as keyof typeof esm])
  })

  test('the default exports are the two reporters', () => {
    expect(typeof esm.default).toBe('function')
    expect(typeof cjs.default).toBe('function')
    expect(esm.default).not.toBe(cjs.default)
  })
})
