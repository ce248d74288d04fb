import { describe, expect, test } from 'vitest'
import type { MetricRule } from '../../src/config/options.js'
import { validateOptions } from '../../src/config/validate.js'
import { detect } from '../../src/detect/detect.js'
import { failureReasons, fails, type Finding, type TestVerdict } from '../../src/detect/verdict.js'
import type { PerfSample, RunRecord, TestResult } from '../../src/types.js'
import { detectConfig, ENV, ENV_KEY, mulberry32, NOW, ref, RUNNER, sample } from './helpers.js'

const MS = 1e6
const HOUR = 3_600_000

/** Baseline runs (newest first) of test `parse`, each with its own sample. */
function history(samples: readonly PerfSample[]): RunRecord[] {
  return samples.map((s, i) => ({
    schema: 1,
    kind: 'run',
    id: `run-${String(samples.length - i).padStart(3, '0')}`,
    time: new Date(NOW.getTime() - (i + 1) * HOUR).toISOString(),
    mode: 'baseline',
    git: { commit: `c${String(samples.length - i).padStart(6, '0')}` },
    env: ENV,
    results: [{ test: ref('parse'), runner: RUNNER, env_key: ENV_KEY, sample: s }],
  }))
}

/** `n` samples with ±2% seeded noise on wall time and on the given extra fields. */
function quiet(n: number, extra: (r: () => number) => Partial<PerfSample> = () => ({}), seed = 11): PerfSample[] {
  const rand = mulberry32(seed)
  const jitter = () => 1 + 0.02 * (2 * rand() - 1)
  return Array.from({ length: n }, () => sample(MS * jitter(), extra(jitter)))
}

function judge(current: PerfSample, past: PerfSample[], metrics: Record<string, MetricRule> = {}): TestVerdict {
  const cur: TestResult = { test: ref('parse'), runner: RUNNER, env_key: ENV_KEY, sample: current }
  const [v] = detect({ current: [cur], history: history(past), config: detectConfig({ metrics: validateOptions({ metrics }).metrics }), now: NOW })
  return v!
}

const only = (v: TestVerdict, kind: Finding['kind']) => (v.findings ?? []).filter((f) => f.kind === kind)

describe('other metrics', () => {
  const past = quiet(20, (j) => ({ cpu_ns: 900_000 * j(), heap_used_bytes: 8e6 * j() }))

  test('CPU time is not judged unless turned on', () => {
    const v = judge(sample(MS, { cpu_ns: 2_000_000, heap_used_bytes: 8e6 }), past)
    expect(v.kind).toBe('unchanged')
    expect(v.findings).toBeUndefined()
    expect(fails(v, 'minor')).toBe(false)
  })

  test('the measuring thread\'s CPU time is judged only when named, like process CPU time', () => {
    const threadPast = quiet(20, (j) => ({ thread_cpu_ns: 800_000 * j() }))
    const current = sample(MS, { thread_cpu_ns: 1_400_000 })
    expect(judge(current, threadPast).findings).toBeUndefined()
    const [f] = only(judge(current, threadPast, { thread_cpu: {} }), 'metric')
    expect(f).toMatchObject({ metric: 'thread_cpu', unit: 'ns', direction: 'worse', severity: 'moderate', gates: true })
    expect(f!.reason).toContain('CPU time of the measuring thread per call 1.75× higher')
    // Unchanged thread CPU time: no finding, even when named.
    expect(judge(sample(MS, { thread_cpu_ns: 800_000 }), threadPast, { thread_cpu: {} }).findings ?? []).toEqual([])
  })

  test('turned on, 2.2× the CPU time is a critical metric regression that fails the run', () => {
    const v = judge(sample(MS, { cpu_ns: 2_000_000, heap_used_bytes: 8e6 }), past, { cpu: {} })
    const [f] = only(v, 'metric')
    expect(f).toMatchObject({ metric: 'cpu', unit: 'ns', direction: 'worse', severity: 'critical', gates: true, baseline_runs: 20 })
    expect(f!.ratio).toBeCloseTo(2.22, 1)
    expect(f!.reason).toContain('CPU time per call 2.22× higher, a regression')
    expect(fails(v, 'minor')).toBe(true)
    expect(fails(v, 'never')).toBe(false)
    expect(failureReasons(v, 'minor')).toEqual([f!.reason])
  })

  test('a change smaller than the floor is not flagged', () => {
    const v = judge(sample(MS, { cpu_ns: 900_000, heap_used_bytes: 12e6 }), past, { heap: { floor: 8 * 1024 * 1024 } })
    expect(only(v, 'metric')).toEqual([])
    const w = judge(sample(MS, { cpu_ns: 900_000, heap_used_bytes: 13e6 }), past, { heap: { floor: 1024 * 1024 } })
    expect(only(w, 'metric')[0]).toMatchObject({ metric: 'heap', severity: 'moderate' })
  })

  test('metric bands can differ from the wall-time bands', () => {
    const v = judge(sample(MS, { cpu_ns: 1_300_000 }), quiet(20, (j) => ({ cpu_ns: 900_000 * j() })), { cpu: { thresholds: { minor: 1.5, moderate: 2, critical: 3 } } })
    expect(only(v, 'metric')).toEqual([])
  })

  test('custom metrics follow their direction: lower throughput is worse', () => {
    const tput = (value: number): PerfSample['metrics'] => ({ 'req/s': { value, better: 'higher', unit: 'req/s' } })
    const base = quiet(20, (j) => ({ metrics: tput(1000 * j()) }))
    const worse = judge(sample(MS, { metrics: tput(600) }), base)
    expect(only(worse, 'metric')[0]).toMatchObject({ metric: 'req/s', direction: 'worse', severity: 'moderate' })
    const better = judge(sample(MS, { metrics: tput(1600) }), base)
    expect(only(better, 'metric')[0]).toMatchObject({ direction: 'better', gates: true })
    expect(fails(better, 'minor')).toBe(false)
    expect(only(judge(sample(MS, { metrics: tput(600) }), base, { 'req/s': { judge: false } }), 'metric')).toEqual([])
  })
})

describe('wall-time rules and values no ratio can measure', () => {
  test('metrics.wall.thresholds change the bands of the wall-time verdict', () => {
    const past = quiet(20)
    const plain = judge(sample(2.2 * MS), past)
    expect(plain.kind === 'regression' && plain.severity).toBe('critical')
    const wide = judge(sample(2.2 * MS), past, { wall: { thresholds: { minor: 1.5, moderate: 2.5, critical: 4 } } })
    expect(wide.kind === 'regression' && wide.severity).toBe('minor')
    if (!('evidence' in wide)) throw new Error(wide.kind)
    expect(wide.evidence.thresholds).toEqual({ minor: 1.5, moderate: 2.5, critical: 4 })
  })

  test('a higher-is-better metric that drops to 0 is a critical regression', () => {
    const tput = (value: number): PerfSample['metrics'] => ({ 'req/s': { value, better: 'higher', unit: 'req/s' } })
    const v = judge(sample(MS, { metrics: tput(0) }), quiet(20, (j) => ({ metrics: tput(1000 * j()) })))
    expect(v.findings).toEqual([expect.objectContaining({ kind: 'metric', metric: 'req/s', direction: 'worse', severity: 'critical', current: 0 })])
    expect(v.findings![0]!.reason).toMatch(/^req\/s dropped to 0 req\/s \(above 0 in all 20 baseline runs/)
  })

  test('a lower-is-better metric that was 0 in every baseline run and is not any more is a critical regression', () => {
    const retries = (value: number): PerfSample['metrics'] => ({ retries: { value, better: 'lower', unit: '' } })
    const v = judge(sample(MS, { metrics: retries(2) }), quiet(20, () => ({ metrics: retries(0) })))
    expect(v.findings).toEqual([expect.objectContaining({ metric: 'retries', severity: 'critical', reason: 'retries is 2, after 0 in all 20 baseline runs' })])
    expect(judge(sample(MS, { metrics: retries(0) }), quiet(20, () => ({ metrics: retries(0) }))).findings).toBeUndefined()
  })

  test('a custom metric under a built-in name in the store is ignored', () => {
    const fake = { cpu: { value: 1e9, better: 'lower' as const, unit: 'ns' } }
    const v = judge(sample(MS, { metrics: fake }), quiet(20, () => ({ metrics: { cpu: { value: 1, better: 'lower' as const, unit: 'ns' } } })))
    expect(v.findings).toBeUndefined()
  })
})

describe('limits', () => {
  test('an absolute metric above its max fails as critical, even without a baseline', () => {
    const errors = { errors: { value: 3, better: 'lower' as const, unit: '', absolute: true } }
    const v = judge(sample(MS, { metrics: errors }), [], { errors: { max: 0 } })
    expect(v.kind).toBe('new')
    expect(v.findings).toEqual([
      expect.objectContaining({ kind: 'limit', metric: 'errors', severity: 'critical', current: 3, limit: 0, reason: 'errors is 3, above its limit of 0' }),
    ])
    expect(fails(v, 'critical')).toBe(true)
  })

  test('absolute metrics are never judged by ratio', () => {
    const errors = (value: number) => ({ errors: { value, better: 'lower' as const, unit: '%', absolute: true } })
    const v = judge(sample(MS, { metrics: errors(5) }), quiet(20, () => ({ metrics: errors(1) })))
    expect(v.findings).toBeUndefined()
  })

  test('a minimum for a higher-is-better metric, and a wall-time max', () => {
    const tput = { 'req/s': { value: 400, better: 'higher' as const, unit: 'req/s' } }
    const v = judge(sample(3 * MS, { metrics: tput }), [], { 'req/s': { min: 500 }, wall: { max: 2 * MS } })
    expect(v.findings?.map((f) => [f.metric, f.limit])).toEqual([
      ['req/s', 500],
      ['wall', 2 * MS],
    ])
    expect(v.findings?.[1]?.reason).toBe('wall time per call (median) is 3.00 ms, above its limit of 2.00 ms')
  })
})

describe('leaks', () => {
  const growth = (bytes: number, lo: number, p: number): PerfSample['heap_growth'] => ({
    bytes_per_iteration: bytes,
    interval: [lo, 2 * bytes - lo],
    p_value: p,
    iterations: 600,
    batches: 6,
  })

  test('significant growth above the floor is a moderate leak that fails at minor and moderate', () => {
    const v = judge(sample(MS, { heap_growth: growth(10_240, 9_000, 1e-6) }), [])
    const [f] = only(v, 'leak')
    expect(f).toMatchObject({ metric: 'leak', unit: 'B/call', severity: 'moderate', gates: true, current: 10_240, limit: 64, q_value: 1e-6 })
    expect(f!.reason).toContain('the heap kept growing by 10.0 KiB per call')
    expect(fails(v, 'moderate')).toBe(true)
    expect(fails(v, 'critical')).toBe(false)
  })

  test('growth whose interval reaches 0, or below the floor, or turned off, is not a leak', () => {
    expect(only(judge(sample(MS, { heap_growth: growth(500, -20, 0.2) }), []), 'leak')).toEqual([])
    expect(only(judge(sample(MS, { heap_growth: growth(32, 10, 1e-4) }), []), 'leak')).toEqual([])
    expect(only(judge(sample(MS, { heap_growth: growth(10_240, 9_000, 1e-6) }), [], { leak: { floor: 65_536 } }), 'leak')).toEqual([])
    expect(only(judge(sample(MS, { heap_growth: growth(10_240, 9_000, 1e-6) }), [], { leak: { judge: false } }), 'leak')).toEqual([])
  })
})

test('leak p-values are adjusted with the rest of the run', () => {
  const leaking: TestResult = { test: ref('a'), runner: RUNNER, env_key: ENV_KEY, sample: sample(MS, { heap_growth: { bytes_per_iteration: 500, interval: [10, 990], p_value: 0.03, iterations: 600, batches: 8 } }) }
  const flat = { bytes_per_iteration: 0, interval: [-10, 10] as [number, number], p_value: 0.5, iterations: 600, batches: 8 }
  const others: TestResult[] = Array.from({ length: 9 }, (_, i) => ({ test: ref(`b${i}`), runner: RUNNER, env_key: ENV_KEY, sample: sample(MS, { heap_growth: flat }) }))
  const alone = detect({ current: [leaking], history: [], config: detectConfig(), now: NOW })
  expect(only(alone[0]!, 'leak')).toHaveLength(1)
  // Ten tests judged together: 0.03 adjusted is 0.3, not a leak.
  const together = detect({ current: [leaking, ...others], history: [], config: detectConfig(), now: NOW })
  expect(together[0]!.findings).toBeUndefined()
})

describe('steps across the baseline', () => {
  test('a persistent 1.5× step in the last runs is reported with the run and commit it started at, and never fails', () => {
    // Newest first: the last three baseline runs are 1.5× slower than the 20 before them.
    const rand = mulberry32(5)
    const past = Array.from({ length: 23 }, (_, i) => sample((i < 3 ? 1.5 : 1) * MS * (1 + 0.02 * (2 * rand() - 1))))
    const v = judge(sample(1.5 * MS), past)
    const [f] = [...only(v, 'step'), ...only(v, 'drift')]
    expect(f).toBeDefined()
    expect(f).toMatchObject({ metric: 'wall', direction: 'worse', gates: false })
    expect(f!.ratio).toBeGreaterThan(1.3)
    expect(f!.since?.runs).toBeGreaterThanOrEqual(2)
    expect(f!.since?.commit).toMatch(/^c0000/)
    expect(f!.reason).toMatch(/slower since run run-0/)
    expect(fails({ ...v, kind: 'unchanged' } as TestVerdict, 'minor')).toBe(false)
  })

  test('after the first run of the step is accepted, the baseline restarts there and the step is no longer reported', () => {
    const rand = mulberry32(5)
    const past = Array.from({ length: 23 }, (_, i) => sample((i < 6 ? 1.5 : 1) * MS * (1 + 0.02 * (2 * rand() - 1))))
    const runs = history(past)
    const cur: TestResult = { test: ref('parse'), runner: RUNNER, env_key: ENV_KEY, sample: sample(1.5 * MS) }
    const config = detectConfig()
    const [before] = detect({ current: [cur], history: runs, config, now: NOW })
    expect(before!.findings?.some((f) => f.kind === 'step' || f.kind === 'drift')).toBe(true)
    const firstSlow = runs[5]!
    const accept = { schema: 1 as const, kind: 'baseline-event' as const, id: 'e1', time: NOW.toISOString(), action: 'accept' as const, run_id: firstSlow.id, reason: 'new parser', who: 'me' }
    const [after] = detect({ current: [cur], history: runs, config, now: NOW, events: [accept] })
    expect(after!.kind).toBe('unchanged')
    if (!('evidence' in after!)) throw new Error(after!.kind)
    expect(after!.evidence.baseline_runs).toBe(6)
    expect(after!.findings).toBeUndefined()
  })

  test('trends: false skips the step and drift analysis', () => {
    const rand = mulberry32(5)
    const past = Array.from({ length: 23 }, (_, i) => sample((i < 3 ? 1.5 : 1) * MS * (1 + 0.02 * (2 * rand() - 1))))
    const cur: TestResult = { test: ref('parse'), runner: RUNNER, env_key: ENV_KEY, sample: sample(1.5 * MS) }
    const [v] = detect({ current: [cur], history: history(past), config: detectConfig(), now: NOW, trends: false })
    expect(v!.findings).toBeUndefined()
  })

  test('a flat baseline has no step or drift', () => {
    const v = judge(sample(MS), quiet(30))
    expect([...only(v, 'step'), ...only(v, 'drift')]).toEqual([])
  })
})

describe('repeat groups (--repeat)', () => {
  /** Compare runs of one repeat group, newest first, an hour apart after the baseline. */
  function groupRuns(values: readonly number[], group: string): RunRecord[] {
    return values.map((v, i) => ({
      schema: 1,
      kind: 'run',
      id: `rep-${i}`,
      time: new Date(NOW.getTime() - (i + 1) * 60_000).toISOString(),
      mode: 'compare',
      group,
      git: {},
      env: ENV,
      results: [{ test: ref('parse'), runner: RUNNER, env_key: ENV_KEY, sample: sample(v) }],
    }))
  }
  const cur = (v: number): TestResult => ({ test: ref('parse'), runner: RUNNER, env_key: ENV_KEY, sample: sample(v) })
  const past = history(quiet(20))

  test('from 3 runs on, the median of the group is judged, with a narrower interval', () => {
    const single = detect({ current: [cur(1.3 * MS)], history: past, config: detectConfig(), now: NOW })[0]!
    const [v] = detect({ current: [cur(1.3 * MS)], history: [...past, ...groupRuns([1.32 * MS, 3 * MS], 'g1')], config: detectConfig(), now: NOW, group: 'g1' })
    if (!('evidence' in v!) || !('evidence' in single)) throw new Error('not judged')
    expect(v!.evidence.repeats).toBe(3)
    expect(v!.evidence.current).toBeCloseTo(1.32 * MS, -3)
    expect(v!.reason).toContain('the median of 3 runs')
    const width = (e: { interval: [number, number] }) => e.interval[1] / e.interval[0]
    expect(width(v!.evidence)).toBeLessThan(width(single.evidence))
  })

  test('two runs are not pooled; other groups, baseline runs of the group and no group are never pooled', () => {
    const two = detect({ current: [cur(1.3 * MS)], history: [...past, ...groupRuns([3 * MS], 'g1')], config: detectConfig(), now: NOW, group: 'g1' })[0]!
    if (!('evidence' in two)) throw new Error(two.kind)
    expect(two.evidence.repeats).toBeUndefined()
    expect(two.evidence.current).toBe(1.3 * MS)
    const other = detect({ current: [cur(1.3 * MS)], history: [...past, ...groupRuns([3 * MS, 3 * MS], 'g2')], config: detectConfig(), now: NOW, group: 'g1' })[0]!
    if (!('evidence' in other)) throw new Error(other.kind)
    expect(other.evidence.repeats).toBeUndefined()
    const none = detect({ current: [cur(1.3 * MS)], history: [...past, ...groupRuns([3 * MS, 3 * MS], 'g1')], config: detectConfig(), now: NOW })[0]!
    if (!('evidence' in none)) throw new Error(none.kind)
    expect(none.evidence.repeats).toBeUndefined()
  })
})
