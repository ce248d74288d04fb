import { describe, expect, test } from 'vitest'
import { ConfigError, validateOptions } from '../../src/config/validate.js'
import { detect } from '../../src/detect/detect.js'
import { fails, type Finding, type TestVerdict } from '../../src/detect/verdict.js'
import { formatMetric } from '../../src/detect/metrics.js'
import type { PerfRegressionOptions } from '../../src/config/options.js'
import type { PerfSample, RunRecord, TestResult } from '../../src/types.js'
import { ENV, ENV_KEY, mulberry32, NOW, ref, RUNNER, sample } from './helpers.js'
import { loadSample, type LoadFigures } from './load-fixtures.js'

const HOUR = 3_600_000

function history(name: string, samples: readonly PerfSample[]): RunRecord[] {
  return samples.map((s, i) => ({
    schema: 1,
    kind: 'run',
    id: `run-${i}`,
    time: new Date(NOW.getTime() - (i + 1) * HOUR).toISOString(),
    mode: 'baseline',
    git: {},
    env: ENV,
    results: [{ test: ref(name), runner: RUNNER, env_key: ENV_KEY, sample: s }],
  }))
}

/** 10 baseline load samples with ±2% seeded noise around the default figures. */
function baseline(): PerfSample[] {
  const rand = mulberry32(5)
  const j = () => 1 + 0.02 * (2 * rand() - 1)
  return Array.from({ length: 10 }, () => loadSample({ throughput: 1000 * j(), p50: 5 * j(), p95: 8 * j(), p99: 10 * j() }))
}

function judge(current: PerfSample, options: PerfRegressionOptions = {}, name = 'api > search'): TestVerdict {
  const config = validateOptions(options)
  const cur: TestResult = { test: ref(name), runner: RUNNER, env_key: ENV_KEY, sample: current }
  return detect({ current: [cur], history: history(name, baseline()), config, now: NOW })[0]!
}

const finding = (v: TestVerdict, metric: string): Finding | undefined => v.findings?.find((f) => f.metric === metric)
const metricsOf = (v: TestVerdict) => (v.findings ?? []).map((f) => `${f.kind}:${f.metric}`)
const at = (f: LoadFigures) => loadSample({ p50: 5, p95: 8, p99: 10, throughput: 1000, ...f })

describe('load metrics in the detector', () => {
  test('unchanged figures: no finding', () => {
    const v = judge(at({}))
    expect(v.kind).toBe('unchanged')
    expect(v.findings).toBeUndefined()
  })

  test('throughput falling to 40% is a critical regression: higher is better, its bands mirrored', () => {
    const v = judge(at({ throughput: 400 }))
    const f = finding(v, 'throughput')!
    expect(f).toMatchObject({ kind: 'metric', direction: 'worse', severity: 'critical', unit: 'calls/s' })
    expect(f.ratio).toBeCloseTo(0.4, 1)
    expect(f.reason).toMatch(/^throughput 0\.\d\d× lower, a regression \(400 calls\/s vs \d+(\.\d+)? calls\/s over 10 baseline runs.*critical band$/)
    expect(fails(v, 'critical')).toBe(true)
    // Rising throughput is an improvement, never failing.
    const up = finding(judge(at({ throughput: 1600 })), 'throughput')!
    expect(up.direction).toBe('better')
  })

  test('the p95 latency is judged by default; p99 and max only when named', () => {
    const slowTail = at({ p95: 24, p99: 40 })
    const v = judge(slowTail)
    expect(metricsOf(v)).toEqual(['metric:latency p95'])
    expect(finding(v, 'latency p95')!.reason).toMatch(/^latency \(p95\) [23]\.\d\d× higher, a regression \(24\.0 ms vs 8\.\d\d ms over 10 baseline runs/)
    expect(metricsOf(judge(slowTail, { metrics: { 'latency p99': true } }))).toEqual(['metric:latency p95', 'metric:latency p99'])
    expect(metricsOf(judge(slowTail, { metrics: { 'latency p95': false } }))).toEqual([])
  })

  test('an error rate above 1% fails the run with or without a baseline; 1% itself passes', () => {
    const v = judge(at({ errors: 50 }))
    const f = finding(v, 'error rate')!
    expect(f).toMatchObject({ kind: 'limit', severity: 'critical', current: 5, limit: 1 })
    expect(f.reason).toBe('error rate is 5%, above its limit of 1%')
    expect(fails(v, 'critical')).toBe(true)
    expect(finding(judge(at({ errors: 10 })), 'error rate')).toBeUndefined()
    // Errors are absolute: judged by limits, never by ratio.
    expect(finding(judge(at({ errors: 5 })), 'errors')).toBeUndefined()
  })

  test('the limits are configurable per metric and per test glob, merged field by field', () => {
    const errors = at({ errors: 50 })
    expect(finding(judge(errors, { metrics: { 'error rate': { max: 10 } } }), 'error rate')).toBeUndefined()
    expect(finding(judge(errors, { metrics: { 'error rate': { judge: false } } }), 'error rate')).toBeUndefined()
    const perTest: PerfRegressionOptions = { metrics: { 'error rate': { max: 0.5 } }, tests: { 'flaky > *': { metrics: { 'error rate': { max: 10 } } } } }
    expect(finding(judge(errors, perTest, 'flaky > upload'), 'error rate')).toBeUndefined()
    expect(finding(judge(at({ errors: 8 }), perTest, 'api > search'), 'error rate')).toMatchObject({ limit: 0.5 })
    // A counter the test records must stay 0.
    const dropped = at({})
    dropped.metrics!['dropped connections'] = { value: 2, better: 'lower', unit: '', absolute: true }
    const v = judge(dropped, { metrics: { 'dropped connections': { max: 0 } } })
    expect(finding(v, 'dropped connections')).toMatchObject({ kind: 'limit', severity: 'critical', reason: 'dropped connections is 2, above its limit of 0' })
  })

  test('a per-test rule turns a reported metric on for those tests only', () => {
    const options: PerfRegressionOptions = { tests: { 'api > *': { metrics: { 'latency max': { max: 15_000_000 } } } } }
    expect(metricsOf(judge(at({}), options, 'api > search'))).toEqual(['limit:latency max'])
    expect(metricsOf(judge(at({}), options, 'batch > nightly'))).toEqual([])
  })

  test('the load defaults apply to load samples only: a custom metric of the same name in a perf() sample is judged as any custom metric', () => {
    const plain = sample(5e6, { metrics: { 'error rate': { value: 5, better: 'lower', unit: '%', absolute: true } } })
    expect(judge(plain).findings).toBeUndefined()
  })

  test('per-test metric rules are checked: no bands there, and the usual rule checks', () => {
    const problems = (options: unknown) => {
      try {
        validateOptions(options)
      } catch (error) {
        return (error as ConfigError).problems
      }
      return []
    }
    expect(problems({ tests: { 'a *': { metrics: { throughput: { thresholds: { minor: 1.1 } } } } } })).toEqual([
      'tests["a *"].metrics["throughput"] takes judge, max, min and floor: set this test\'s bands with tests["a *"].thresholds',
    ])
    expect(problems({ tests: { 'a *': { metrics: { 'error rate': { max: 'x' } } } } })).toEqual(['tests["a *"].metrics["error rate"].max must be a number (got "x")'])
    expect(problems({ tests: { 'a *': { metrics: 5 } } })[0]).toContain('tests["a *"].metrics must be an object keyed by metric name')
    expect(problems({ tests: { 'a *': { limits: {} } } })[0]).toContain('unknown option tests["a *"].limits (allowed: thresholds, metrics)')
  })

  test('percentages print as such', () => {
    expect(formatMetric(5, '%')).toBe('5%')
    expect(formatMetric(0.123456, '%')).toBe('0.1235%')
  })
})
