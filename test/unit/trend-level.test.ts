import { median } from 'simple-statistics'
import { describe, expect, test } from 'vitest'
import { NOISE_FLOOR } from '../../src/detect/noise.js'
import { MAIN_SD, mainMode } from '../../src/detect/trend-level.js'
import { noisy } from './helpers.js'

const logs = (values: readonly number[]) => values.map(Math.log)

describe('mainMode: the level of the runs before a change', () => {
  test('a level shared by just over half of the runs is found, the others left out', () => {
    const xs = logs([...noisy(1e6, 11, 0.02, 7), ...noisy(0.6e6, 5, 0.02, 8), ...noisy(2e6, 4, 0.02, 9)])
    const { main, center } = mainMode(xs)
    expect(main).toHaveLength(11)
    expect(Math.exp(center)).toBeGreaterThan(0.97e6)
    expect(Math.exp(center)).toBeLessThan(1.03e6)
  })

  test('quiet runs: all of them, their median and robust SD', () => {
    const xs = logs(noisy(1e6, 20, 0.03, 11))
    const { main, center, noise } = mainMode(xs)
    expect(main).toEqual(xs)
    expect(center).toBeCloseTo(median(xs), 12)
    expect(noise).toBeGreaterThan(0.005)
    expect(noise).toBeLessThan(0.03)
  })

  test('a block of runs on a slow level is left out, and does not move the level', () => {
    const quiet = noisy(1e6, 12, 0.02, 5)
    const block = noisy(1.8e6, 8, 0.02, 6)
    const xs = logs([...quiet, ...block])
    const { main, center, noise } = mainMode(xs)
    expect(main).toHaveLength(12)
    expect(Math.exp(center)).toBeCloseTo(median(quiet), -4)
    expect(main.every((x) => Math.abs(x - center) <= MAIN_SD * noise)).toBe(true)
  })

  test('identical runs: the noise floor', () => {
    const { main, noise } = mainMode(logs(Array(10).fill(1e6)))
    expect(main).toHaveLength(10)
    expect(noise).toBe(NOISE_FLOOR)
  })
})
