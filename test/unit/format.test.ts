import { describe, test, expect } from 'vitest'
import { formatBytes, formatChange, formatInterval, formatNs, formatPercent, formatRatio, plural, round3 } from '../../src/util/format.js'

describe('formatNs', () => {
  test.each<[number, string]>([
    [0, '0.00 ns'],
    [5, '5.00 ns'],
    [12.345, '12.3 ns'],
    [812, '812 ns'],
    [999, '999 ns'],
    [1000, '1.00 µs'],
    [1234, '1.23 µs'],
    [45_600, '45.6 µs'],
    [999_000, '999 µs'],
    [1e6, '1.00 ms'],
    [45_600_000, '45.6 ms'],
    [999e6, '999 ms'],
    [1e9, '1.00 s'],
    [1.2e9, '1.20 s'],
    [3600e9, '3600 s'],
    [-1500, '-1.50 µs'],
  ])('%f ns → %s', (ns, expected) => {
    expect(formatNs(ns)).toBe(expected)
  })

  test('non-finite values are shown as such', () => {
    expect(formatNs(Number.NaN)).toBe('NaN')
    expect(formatNs(Infinity)).toBe('Infinity')
  })

  test('rounding up to 1000 moves to the next unit (three significant digits)', () => {
    // The unit is chosen after rounding: 999.5 ns must not print as "1000 ns".
    expect(formatNs(999.5)).toBe('1.00 µs')
    expect(formatNs(999_999)).toBe('1.00 ms')
    expect(formatNs(99.96)).toBe('100 ns')
    // Visible in the report: a flat 1 ms baseline is exp(log(1e6)) = 999999.9999999999 ns, printed "1000 µs".
    expect(formatNs(Math.exp(Math.log(1e6)))).toBe('1.00 ms')
  })
})

describe('formatRatio and formatInterval', () => {
  test('two decimals and a multiplication sign', () => {
    expect(formatRatio(1.234)).toBe('1.23×')
    expect(formatRatio(2)).toBe('2.00×')
    expect(formatRatio(0.5)).toBe('0.50×')
    expect(formatInterval([1.1, 1.346])).toBe('1.10–1.35×')
    expect(formatInterval([0.95, 1.05])).toBe('0.95–1.05×')
  })
})

describe('formatChange', () => {
  test('signed percentage, one decimal below 10%', () => {
    expect(formatChange(1.23)).toBe('+23%')
    expect(formatChange(0.92)).toBe('-8.0%')
    expect(formatChange(1)).toBe('+0.0%')
    expect(formatChange(2)).toBe('+100%')
    expect(formatChange(1.055)).toBe('+5.5%')
  })
})

test('formatBytes', () => {
  expect(formatBytes(812)).toBe('812 B')
  expect(formatBytes(1536)).toBe('1.50 KiB')
  expect(formatBytes(24e6)).toBe('22.9 MiB')
  expect(formatBytes(5 * 1024 ** 3)).toBe('5.00 GiB')
})

describe('formatPercent', () => {
  test('a fraction as a whole percentage, rounded half up', () => {
    expect(formatPercent(0.95)).toBe('95%')
    expect(formatPercent(0.999)).toBe('100%')
    expect(formatPercent(0.005)).toBe('1%')
    expect(formatPercent(0)).toBe('0%')
    expect(formatPercent(1.5)).toBe('150%')
  })
})

describe('plural', () => {
  test('the count and the noun, with an s unless the count is 1', () => {
    expect(plural(1, 'test')).toBe('1 test')
    expect(plural(0, 'test')).toBe('0 tests')
    expect(plural(2, 'failing test')).toBe('2 failing tests')
  })

  test('nouns with their own plural', () => {
    expect(plural(1, 'process', 'processes')).toBe('1 process')
    expect(plural(3, 'process', 'processes')).toBe('3 processes')
  })
})

describe('round3', () => {
  test('three decimals, never -0', () => {
    expect(round3(1.23456)).toBe(1.235)
    expect(round3(1000.0004)).toBe(1000)
    expect(round3(-2.0004)).toBe(-2)
    expect(Object.is(round3(-0.0001), 0)).toBe(true)
    expect(Object.is(round3(-0), 0)).toBe(true)
  })
})
