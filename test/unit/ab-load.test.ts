import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { AbCollector } from '../../src/ab/collect.js'
import { judgeAb } from '../../src/ab/judge.js'
import { loadFindings, loadSide } from '../../src/ab/load-judge.js'
import type { AbOutput } from '../../src/ab/settings.js'
import { DEFAULTS } from '../../src/config/options.js'
import { testKey } from '../../src/detect/detect.js'
import { fails, type TestVerdict } from '../../src/detect/verdict.js'
import { sample } from './helpers.js'
import { loadSample, type LoadFigures } from './load-fixtures.js'

const HEAD = path.resolve('/work/ab/head')
const BASE = path.resolve('/tmp/perf-regression-ab-x/base')
const RUNNER: AbOutput['runner'] = { name: 'vitest', version: '4.1.12', pool: 'forks' }
const FILE = 'test/api.test.ts'
const NAME = 'search under load'
const KEY = testKey({ file: FILE, name: NAME, project: '' })
const JUDGE = { thresholds: DEFAULTS.ab.thresholds, confidence: 0.95, looks: 1, base: '0123456' }

/** Per-process wobble: fixed, a percent or two, so that the t-test has a spread to work with. */
const WOBBLE = [1, 1.012, 0.991, 1.006, 0.995, 1.009]

const entry = (tree: 'base' | 'head', s: AbOutput['samples'][number]['sample'], name = NAME) => ({
  file: FILE,
  abs: path.join(tree === 'base' ? BASE : HEAD, FILE),
  name,
  project: '',
  sample: s,
})
const output = (samples: AbOutput['samples']): AbOutput => ({ runner: RUNNER, root: HEAD, samples, notes: [] })

/** `n` processes of the paired design: in each, the base's load test with `base` figures, then the head's with `head`, and a plain perf() test with no pair. */
function pairedRun(n: number, base: LoadFigures, head: LoadFigures): AbCollector {
  const c = new AbCollector(HEAD, BASE)
  for (let i = 0; i < n; i++) {
    const k = WOBBLE[i % WOBBLE.length]!
    const scale = (f: LoadFigures): LoadFigures => ({ throughput: f.throughput! / k, p50: f.p50! * k, p95: f.p95! * k, p99: f.p95! * 1.3 * k })
    c.addPaired(output([entry('base', loadSample(scale(base))), entry('head', loadSample(scale(head)))]))
  }
  return c
}

const judgedOne = (c: AbCollector, design: 'paired' | 'processes'): TestVerdict => {
  const [v] = judgeAb(c.observations(design), JUDGE)
  return v!
}

describe('A/B runs of load tests', () => {
  test("a load sample's judged figures: p50 (wall time), throughput and p95; none for an ordinary sample", () => {
    expect(loadSide(loadSample({ throughput: 800, p50: 4, p95: 9 }))).toEqual({ wall_ns: 4e6, throughput: 800, p95_ns: 9e6 })
    expect(loadSide(sample(1e6))).toBeUndefined()
  })

  test('paired design: each process gives one pair of load figures, and the test is judged on them (it used to have no paired rounds at all)', () => {
    const c = pairedRun(4, { throughput: 1000, p50: 5, p95: 8 }, { throughput: 1000, p50: 5, p95: 8 })
    const acc = c.tests.get(KEY)!
    expect(acc.processes).toEqual([])
    expect(acc.loads).toHaveLength(4)
    expect(acc.loads[1]!.base.wall_ns).toBeCloseTo(5e6 * 1.012, 3)
    expect(acc.loads[1]!.head.throughput).toBeCloseTo(1000 / 1.012, 6)
    expect(acc.loads[1]!.head.p95_ns).toBeCloseTo(8e6 * 1.012, 3)
    expect(c.observations('paired')).toEqual([{ test: acc.test, design: 'paired', processes: [], load: acc.loads }])
    const v = judgedOne(c, 'paired')
    expect(v.kind).toBe('unchanged')
    if (!('evidence' in v)) throw new Error('expected a judged verdict')
    expect(v.evidence.ratio).toBeCloseTo(1, 6)
    expect(v.evidence.ab).toMatchObject({ design: 'paired', processes: 4, pairs: 4 })
    expect(v.reason).toContain("over 4 processes, each running the base's load test and then the head's")
    expect(v.findings).toBeUndefined()
  })

  test('a fall of throughput and a rise of p95 are regressions that fail the run, even when the p50 did not move', () => {
    const c = pairedRun(4, { throughput: 1000, p50: 5, p95: 8 }, { throughput: 800, p50: 5, p95: 8.8 })
    const v = judgedOne(c, 'paired')
    expect(v.kind).toBe('unchanged')
    const byMetric = Object.fromEntries((v.findings ?? []).map((f) => [f.metric, f]))
    expect(Object.keys(byMetric).sort()).toEqual(['latency p95', 'throughput'])
    // Throughput is higher-is-better: 0.8× is a regression, judged as 1/0.8 = 1.25× against the A/B bands (moderate from 1.15×).
    expect(byMetric.throughput).toMatchObject({ kind: 'metric', direction: 'worse', severity: 'moderate', gates: true, unit: 'calls/s', baseline_runs: 4 })
    expect(byMetric.throughput!.ratio).toBeCloseTo(0.8, 6)
    // The median over the processes of the head.
    expect(byMetric.throughput!.current).toBeCloseTo((800 / 1.006 + 800) / 2, 6)
    expect(byMetric.throughput!.reason).toMatch(/^throughput 0\.80× lower than base 0123456 in 4 processes, a regression \(/)
    // p95 is lower-is-better: 1.1× is a regression (minor from 1.03×).
    expect(byMetric['latency p95']).toMatchObject({ direction: 'worse', severity: 'minor', unit: 'ns' })
    expect(byMetric['latency p95']!.ratio).toBeCloseTo(1.1, 6)
    expect(byMetric['latency p95']!.interval![0]).toBeGreaterThan(1.05)
    expect(fails(v, 'minor')).toBe(true)
    expect(fails(v, 'critical')).toBe(false)
  })

  test('a rise of throughput and a fall of p95 are improvements, which never fail the run', () => {
    const v = judgedOne(pairedRun(4, { throughput: 1000, p50: 5, p95: 8 }, { throughput: 1200, p50: 5, p95: 4 }), 'paired')
    const byMetric = Object.fromEntries((v.findings ?? []).map((f) => [f.metric, f]))
    expect(byMetric.throughput).toMatchObject({ direction: 'better', severity: 'moderate' })
    expect(byMetric['latency p95']).toMatchObject({ direction: 'better', severity: 'critical' })
    expect(fails(v, 'minor')).toBe(false)
  })

  test('processes design: each pair of fresh processes gives the p50 verdict and the load findings', () => {
    const c = new AbCollector(HEAD, BASE)
    for (const k of WOBBLE.slice(0, 3)) {
      c.addRunPair(output([entry('base', loadSample({ throughput: 1000 / k, p50: 5 * k, p95: 8 * k }))]), output([entry('head', loadSample({ throughput: 500 / k, p50: 10 * k, p95: 16 * k }))]))
    }
    const acc = c.tests.get(KEY)!
    expect(acc.runs.map((r) => r.head_ns / r.base_ns)).toEqual([2, 2, 2])
    expect(acc.loads).toHaveLength(3)
    const v = judgedOne(c, 'processes')
    expect(v.kind).toBe('regression')
    if (v.kind !== 'regression') throw new Error('expected a regression')
    expect(v.severity).toBe('critical')
    expect(v.evidence.ab).toMatchObject({ design: 'processes', pairs: 3 })
    const byMetric = Object.fromEntries((v.findings ?? []).map((f) => [f.metric, f]))
    expect(byMetric.throughput).toMatchObject({ direction: 'worse', severity: 'critical' })
    expect(byMetric.throughput!.reason).toContain('over 3 pairs of fresh processes')
    expect(byMetric['latency p95']).toMatchObject({ direction: 'worse', severity: 'critical' })
  })

  test('one process is not enough: insufficient data with the medians of both sides, and no findings', () => {
    const v = judgedOne(pairedRun(1, { throughput: 1000, p50: 5, p95: 8 }, { throughput: 500, p50: 10, p95: 16 }), 'paired')
    expect(v).toMatchObject({ kind: 'insufficient-data', current: 10e6, baseline: 5e6, required: 2 })
    expect(v.findings).toBeUndefined()
  })

  test('tests without load figures get no load findings; the q-values are adjusted across the load metrics of the run', () => {
    const pair = (head: number) => ({ base: { wall_ns: 1, throughput: 1000, p95_ns: 8 }, head: { wall_ns: 1, throughput: head, p95_ns: 8 } })
    const found = loadFindings([undefined, [pair(600), pair(610), pair(590)], [pair(1000)]], { thresholds: DEFAULTS.ab.thresholds, alphaLook: 0.05, base: 'abc', design: 'paired' })
    expect(found[0]).toEqual([])
    expect(found[2]).toEqual([])
    expect(found[1]!.map((f) => f.metric)).toEqual(['throughput'])
    expect(found[1]![0]!.q_value!).toBeGreaterThanOrEqual(found[1]![0]!.p_value!)
  })
})
