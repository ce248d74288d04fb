import { describe, expect, test } from 'vitest'
import { abOptionsFromFlags, AB_HELP, parseAbFlags } from '../../src/ab/args.js'
import { filesOf, shuffledOrder } from '../../src/ab/processes.js'
import type { TestAccumulator } from '../../src/ab/collect.js'
import { ConfigError } from '../../src/config/validate.js'
import { ref } from './helpers.js'

describe('the A/B command line', () => {
  test('the flags become ab options, numbers checked', () => {
    const values = parseAbFlags(['--base', 'origin/main', '--design', 'paired', '--processes', '4', '--max-rounds', '8', '--budget', '12.5', '--setup', 'npm run build', '--fail-on', 'critical', '--no-record'])
    expect(values['fail-on']).toBe('critical')
    expect(values['no-record']).toBe(true)
    expect(abOptionsFromFlags(values)).toEqual({ base: 'origin/main', design: 'paired', processes: 4, maxRounds: 8, budget: 12.5, setup: 'npm run build' })
    expect(abOptionsFromFlags(parseAbFlags([]))).toEqual({})
  })

  test('bad values and unknown flags are refused with what to give instead', () => {
    expect(() => abOptionsFromFlags(parseAbFlags(['--processes', '1']))).toThrow('--processes must be a whole number of at least 2 (got "1")')
    expect(() => abOptionsFromFlags(parseAbFlags(['--max-rounds', '2.5']))).toThrow('--max-rounds must be a whole number of at least 2 (got "2.5")')
    expect(() => abOptionsFromFlags(parseAbFlags(['--budget', '0']))).toThrow('--budget must be a number of seconds greater than 0 (got "0")')
    expect(() => parseAbFlags(['--bogus'])).toThrow(ConfigError)
    expect(() => parseAbFlags(['--bogus'])).toThrow(/see perf-regression ab --help/)
    expect(parseAbFlags(['-h']).help).toBe(true)
    expect(AB_HELP).toMatch(/^Usage: perf-regression ab /)
  })
})

describe('the A/B test processes', () => {
  test('filesOf lists each file once, in order', () => {
    const t = (file: string, name: string) => ({ test: ref(name, { file }) }) as TestAccumulator
    expect(filesOf([t('a.test.ts', 'x'), t('b.test.ts', 'y'), t('a.test.ts', 'z')])).toEqual(['a.test.ts', 'b.test.ts'])
  })

  test('shuffledOrder runs each side once', () => {
    for (let i = 0; i < 20; i++) expect([...shuffledOrder()].sort()).toEqual(['base', 'head'])
  })
})
