import { describe, expect, test } from 'vitest'
import { detect } from '../../src/detect/detect.js'
import { baselineModel, compareToModel } from '../../src/detect/modes.js'
import { NOISE_FLOOR } from '../../src/detect/noise.js'
import { baselineRuns, detectConfig, noisy, NOW, result } from './helpers.js'

const MS = 1e6
/** 30 runs, newest first: ±3% noise around 1 ms, and runs 4, 13 and 22 on a slow level of 3.9 ms. */
function withSlowMode(slowAt: readonly number[] = [4, 13, 22]): number[] {
  const values = noisy(MS, 30, 0.03, 7)
  for (const i of slowAt) values[i] = 3.9 * MS * (1 + (i % 3) * 0.01)
  return values
}

describe('baselineModel', () => {
  test('one level: a single mode with the robust noise', () => {
    const model = baselineModel(noisy(MS, 30, 0.03, 1))
    expect(model.modes).toHaveLength(1)
    expect(model.core).toBe(30)
    expect(Math.exp(model.modes[0]!.center)).toBeCloseTo(MS, -4)
    // Uniform ±3% has an SD of 1.7%: the estimate is in that region.
    expect(model.noise).toBeGreaterThan(0.01)
    expect(model.noise).toBeLessThan(0.03)
  })

  test('a recurring slow level becomes a second mode and does not widen the main one', () => {
    const model = baselineModel(withSlowMode())
    expect(model.modes).toHaveLength(2)
    expect(model.modes[0]!.runs).toBe(27)
    expect(model.modes[1]!.runs).toBe(3)
    expect(Math.exp(model.modes[1]!.center)).toBeCloseTo(3.9 * MS * 1.01, -4)
    expect(model.noise).toBeLessThan(0.03)
  })

  test('a single wild run is not a mode', () => {
    const model = baselineModel(withSlowMode([13]))
    expect(model.modes).toHaveLength(1)
    expect(model.core).toBe(29)
  })

  test('consecutive outlying runs are a change that came (and maybe went), not a mode', () => {
    expect(baselineModel(withSlowMode([0, 1])).modes).toHaveLength(1)
    expect(baselineModel(withSlowMode([10, 11, 12])).modes).toHaveLength(1)
    expect(baselineModel(withSlowMode([0, 2])).modes).toHaveLength(2)
    expect(baselineModel(withSlowMode([10, 11, 20])).modes).toHaveLength(2)
  })

  test('a reverted 2× regression that returns is still a regression', () => {
    // Newest first: runs 8 and 9 recorded a 2× regression that was then reverted.
    const values = noisy(MS, 30, 0.03, 7)
    values[8] = 2 * MS
    values[9] = 2.02 * MS
    const c = compareToModel(2.01 * MS, baselineModel(values), 0.95)
    expect(c.modeIndex).toBe(0)
    expect(Math.exp(c.d)).toBeGreaterThan(1.9)
    expect(c.p).toBeLessThan(1e-6)
  })

  test('faster and slower outliers never share a mode', () => {
    const values = noisy(MS, 30, 0.02, 3)
    values[5] = 0.5 * MS
    values[17] = 2 * MS
    expect(baselineModel(values).modes).toHaveLength(1)
  })

  test('a constant baseline uses the noise floor', () => {
    expect(baselineModel(Array(10).fill(MS)).noise).toBe(NOISE_FLOOR)
  })
})

describe('compareToModel', () => {
  const model = baselineModel(withSlowMode())

  test('a run on the known slow level is explained by it', () => {
    const c = compareToModel(3.95 * MS, model, 0.95)
    expect(c.modeIndex).toBe(1)
    expect(c.p).toBeGreaterThan(0.5)
  })

  test('a run no level explains is judged against the main level', () => {
    // 2× is about as far (on a log scale) from the usual level as from the 3.9× one.
    const c = compareToModel(2 * MS, model, 0.95)
    expect(c.modeIndex).toBe(0)
    expect(Math.exp(c.d)).toBeCloseTo(2, 1)
    expect(c.p).toBeLessThan(1e-6)
  })

  test('a slowdown of the slow level itself is still a change, against the usual level', () => {
    const c = compareToModel(3.9 * 1.5 * MS, model, 0.95)
    expect(c.modeIndex).toBe(0)
    expect(c.p).toBeLessThan(0.01)
  })
})

describe('detect() with a bimodal baseline', () => {
  const config = detectConfig()
  const judge = (current: number, values: number[]) => detect({ current: [result('parse', current)], history: baselineRuns('parse', values), config, now: NOW })[0]!

  test('a run on a recurring slow level is not a regression, and says which level it matched', () => {
    const v = judge(3.9 * MS, withSlowMode())
    expect(v.kind).not.toBe('regression')
    if (!('evidence' in v)) throw new Error(v.kind)
    expect(v.evidence.mode).toEqual({ runs: 3, main: expect.closeTo(MS, -5), main_runs: 27 })
    expect(v.reason).toContain('a level seen in 3 of 30 baseline runs')
  })

  test('the same run without the slow level in the history is a critical regression', () => {
    const v = judge(3.9 * MS, noisy(MS, 30, 0.03, 7))
    expect(v.kind).toBe('regression')
    if (v.kind !== 'regression') return
    expect(v.severity).toBe('critical')
    expect(v.evidence.mode).toBeUndefined()
  })

  test('a 1.5× slowdown on the main level is still found despite the slow level', () => {
    const v = judge(1.5 * MS, withSlowMode())
    expect(v.kind).toBe('regression')
    if (v.kind !== 'regression') return
    expect(v.severity).toBe('moderate')
  })
})
