import { describe, test, expect } from 'vitest'
import { fails, severityOf, type Evidence, type TestVerdict } from '../../src/detect/verdict.js'
import type { Severity } from '../../src/types.js'
import { ref } from './helpers.js'

const BANDS = { minor: 1.2, moderate: 1.5, critical: 2 }

const evidence: Evidence = {
  metric: 'wall_ns',
  baseline_runs: 10,
  window: { runs: 30, days: 90 },
  baseline: 100,
  current: 200,
  ratio: 2,
  interval: [1.9, 2.1],
  p_value: 0.001,
  q_value: 0.001,
  confidence: 0.95,
  noise: 0.01,
  detectable: 1.22,
  thresholds: BANDS,
}

const judged = { test: ref('t'), key: 'k', evidence, reason: 'r' }
const regression = (severity: Severity): TestVerdict => ({ ...judged, kind: 'regression', severity })

describe('fails', () => {
  test.each<[Severity, Severity | 'never', boolean]>([
    ['minor', 'minor', true],
    ['minor', 'moderate', false],
    ['minor', 'critical', false],
    ['moderate', 'minor', true],
    ['moderate', 'moderate', true],
    ['moderate', 'critical', false],
    ['critical', 'minor', true],
    ['critical', 'moderate', true],
    ['critical', 'critical', true],
    ['critical', 'never', false],
    ['minor', 'never', false],
  ])('a %s regression with failOn %s fails: %s', (severity, failOn, expected) => {
    expect(fails(regression(severity), failOn)).toBe(expected)
  })

  test('nothing but a regression fails', () => {
    const others: TestVerdict[] = [
      { ...judged, kind: 'improvement', severity: 'critical' },
      { ...judged, kind: 'unchanged' },
      { ...judged, kind: 'inconclusive' },
      { kind: 'insufficient-data', test: ref('t'), key: 'k', current: 9, baseline: 1, baseline_runs: 2, required: 5, reason: 'r' },
      { kind: 'new', test: ref('t'), key: 'k', current: 9, foreign_baseline_runs: 0, reason: 'r' },
    ]
    for (const v of others) expect(fails(v, 'minor')).toBe(false)
  })
})

describe('severityOf', () => {
  test.each<[number, Severity | undefined]>([
    [0.5, undefined],
    [1, undefined],
    [1.1999, undefined],
    [1.2, 'minor'],
    [1.4999, 'minor'],
    [1.5, 'moderate'],
    [1.9999, 'moderate'],
    [2, 'critical'],
    [50, 'critical'],
  ])('ratio %f → %s', (ratio, expected) => {
    expect(severityOf(ratio, BANDS)).toBe(expected)
  })

  test('uses the given bands', () => {
    expect(severityOf(1.3, { minor: 1.05, moderate: 1.1, critical: 1.25 })).toBe('critical')
    expect(severityOf(1.3, { minor: 1.4, moderate: 1.6, critical: 3 })).toBeUndefined()
  })
})
