import { describe, expect, test } from 'vitest'
import { describeValue, isRecord, quote, show } from '../../src/util/values.js'

describe('isRecord', () => {
  test('plain objects only', () => {
    expect(isRecord({})).toBe(true)
    expect(isRecord({ a: 1 })).toBe(true)
    expect(isRecord(Object.create(null))).toBe(true)
    for (const v of [null, undefined, [], [1], 'x', 3, true, () => 1]) expect(isRecord(v), String(v)).toBe(false)
  })
})

describe('quote', () => {
  test('a JSON string literal with line separators, C1 and bidi controls escaped too', () => {
    expect(quote('plain')).toBe('"plain"')
    expect(quote('a\nb"c')).toBe('"a\\nb\\"c"')
    expect(quote('\u2028\u202e\u0085x\u2066')).toBe('"\\u2028\\u202e\\u0085x\\u2066"')
  })
})

describe('show', () => {
  test.each<[string, unknown, string]>([
    ['a string, quoted', 'fast', '"fast"'],
    ['an empty string', '', '""'],
    ['a number', 0.8, '0.8'],
    ['NaN, not null', Number.NaN, 'NaN'],
    ['Infinity', -Infinity, '-Infinity'],
    ['a bigint', 10n, '10'],
    ['a boolean', false, 'false'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a short array', ['parse *'], '["parse *"]'],
    ['a short object', { size: 1 }, '{"size":1}'],
    ['a function, never its source', () => 'secret', 'a function'],
  ])('%s', (_, value, expected) => {
    expect(show(value)).toBe(expected)
  })

  test('strings and JSON with characters a terminal acts on are escaped', () => {
    expect(show('x\u202ey')).toBe('"x\\u202ey"')
    expect(show({ 'k\u2028': 'v\u009b' })).toBe('{"k\\u2028":"v\\u009b"}')
    expect(show('\u001b[31m')).toBe('"\\u001b[31m"')
  })

  test('long and circular objects are described by their shape', () => {
    expect(show(Array.from({ length: 40 }, (_, i) => i))).toBe('an array of 40 items')
    expect(show({ first: 'x'.repeat(80), second: 1 })).toBe('an object with keys first, second')
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(show(circular)).toBe('an object with keys self')
  })
})

describe('describeValue', () => {
  test.each<[string, unknown, string]>([
    ['null', null, 'null'],
    ['an array of one', [1], 'an array of 1 item'],
    ['an array', [1, 2, 3], 'an array of 3 items'],
    ['an empty object', {}, 'an empty object'],
    ['an object', { a: 1, b: 2 }, 'an object with keys a, b'],
    ['an object with many keys', { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }, 'an object with keys a, b, c, d, e, ...'],
    ['a string', 'abc', 'the string "abc"'],
    ['a long string, cut', 'y'.repeat(50), `the string "${'y'.repeat(40)}..."`],
    ['a number', 5, 'number 5'],
    ['a boolean', true, 'boolean true'],
    ['a function', () => 1, 'a function'],
  ])('%s', (_, value, expected) => {
    expect(describeValue(value)).toBe(expected)
  })

  test('keys and strings cannot carry terminal controls', () => {
    expect(describeValue({ 'a\u202e': 1 })).toBe('an object with keys a\\u202e')
    expect(describeValue('\u2029')).toBe('the string "\\u2029"')
  })
})
