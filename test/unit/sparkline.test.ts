import { describe, expect, test } from 'vitest'
import { sparkline } from '../../src/report/sparkline.js'

describe('sparkline', () => {
  test('a step fills the height', () => {
    expect(sparkline([1, 1, 1, 2])).toBe('▁▁▁█')
    expect(sparkline([2, 2, 1])).toBe('██▁')
  })

  test('a few percent of noise stays in the middle bars', () => {
    const line = sparkline([1, 1.03, 0.98, 1.05, 1, 0.97])
    expect(line).toHaveLength(6)
    expect([...line].every((c) => '▂▃▄▅▆'.includes(c))).toBe(true)
    // With no floor on the span, the same noise fills the height.
    expect(sparkline([1, 1.03, 0.98, 1.05, 1, 0.97], 0)).toMatch(/^(?=.*▁)(?=.*█)/)
  })

  test('flat, single and empty series', () => {
    expect(sparkline([5, 5, 5])).toBe('▄▄▄')
    expect(sparkline([3])).toBe('▄')
    expect(sparkline([0, 0])).toBe('▄▄')
    expect(sparkline([])).toBe('')
  })
})
