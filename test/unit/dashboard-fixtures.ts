import { buildRecord, type RunOutcome } from '../../src/core/run.js'
import { detect } from '../../src/detect/detect.js'
import { fails } from '../../src/detect/verdict.js'
import { envKey } from '../../src/env/environment.js'
import { buildReportModel, type ReportModel } from '../../src/report/model.js'
import { SCHEMA_VERSION, type PerfSample, type RunRecord, type TestRef } from '../../src/types.js'
import { judgeAb, type ProcessPairs } from '../../src/ab/judge.js'
import { DEFAULTS } from '../../src/config/options.js'
import { config, ENV, mulberry32, noisy, NOW, RUNNER, sample } from './helpers.js'
import { loadSample } from './load-fixtures.js'

/** Test names (and other strings) that try to break out of markup, attributes and the script. */
export const HOSTILE = {
  scriptClose: '</script><script>alert(1)</script>',
  img: '<img src=x onerror=alert(1)>',
  quotes: `parse > "double" & 'single' quotes`,
  unicode: 'render ✓ 測試 😀 \u2028line\u2029para',
  long: `${'long '.repeat(99)}name`,
  file: 'test/<svg onload=alert(1)>.test.ts',
  bench: '"><b>bench</b><!--',
  branch: "feature/'><script>alert(2)</script>",
} as const

export const FIXTURE_RUN_ID = 'run-0000-current'

interface Spec {
  test: TestRef
  /** Baseline run medians, newest first (one baseline run per hour before NOW). */
  baseline: number[]
  /** Median of two earlier compare runs (2.5 h and 5.5 h before NOW); none when omitted. */
  compare?: number
  current: number
  /** Record CPU and memory metrics. */
  metrics?: boolean
}

const PARSE = 'test/parse.test.ts'
const IO = 'test/io.test.ts'
const flat = (seed: number) => noisy(1e6, 10, 0.02, seed)

/** Nine tests in three files, one or more of each verdict kind and severity; hostile names among them. */
export const SPECS: Spec[] = [
  { test: { file: PARSE, name: HOSTILE.scriptClose, project: '' }, baseline: flat(1), compare: 1.01e6, current: 2.5e6, metrics: true },
  { test: { file: PARSE, name: HOSTILE.quotes, project: '' }, baseline: flat(2), compare: 0.99e6, current: 1.3e6 },
  { test: { file: PARSE, name: HOSTILE.img, project: '', bench: HOSTILE.bench }, baseline: flat(3), current: 1e6, metrics: true },
  { test: { file: HOSTILE.file, name: HOSTILE.unicode, project: 'web' }, baseline: flat(4), compare: 1.02e6, current: 1.7e6, metrics: true },
  { test: { file: HOSTILE.file, name: HOSTILE.long, project: 'web' }, baseline: flat(5), current: 0.4e6 },
  { test: { file: IO, name: 'noisy io', project: '' }, baseline: noisy(1e6, 10, 0.3, 5), compare: 1.1e6, current: 1.25e6 },
  { test: { file: IO, name: 'warm cache', project: '' }, baseline: [2e5, 2.1e5], current: 2.2e5 },
  { test: { file: IO, name: 'fresh & new', project: '' }, baseline: [], current: 3e3 },
  { test: { file: IO, name: 'steady', project: '' }, baseline: flat(9), compare: 1e6, current: 1.01e6, metrics: true },
]

/** The expected verdict of each spec, by index. */
export const EXPECTED = [
  'regression:critical',
  'regression:minor',
  'unchanged',
  'regression:moderate',
  'improvement:critical',
  'inconclusive',
  'insufficient-data',
  'new',
  'unchanged',
] as const

/** 48 raw iteration times around `value`, skewed to the right like real ones, seeded by `seed`. */
export function rawAround(value: number, seed: number): number[] {
  const random = mulberry32(seed)
  return Array.from({ length: 48 }, (_, i) => {
    const u = random() + random() - 1 // -1..1, most near 0
    return value * (1 + 0.05 * u + (u > 0 ? 0.1 * u ** 3 : 0) + (i % 16 === 0 ? 0.2 : 0))
  })
}

function sampleOf(spec: Spec, value: number, i: number): PerfSample {
  const raw_wall_ns = rawAround(value, Math.round(i * 7 + value / 1000))
  if (!spec.metrics) return sample(value, { raw_wall_ns })
  return sample(value, { raw_wall_ns, cpu_ns: value * 0.92, heap_used_bytes: 24e6 + i * 1.5e6, rss_bytes: 96e6 + i * 2e6 })
}

/** The fixture model: the history is judged with detect() and turned into a model with buildReportModel(). */
export function fixtureModel(): ReportModel {
  const key = envKey(ENV, RUNNER)
  const history: RunRecord[] = []
  const runRecord = (id: string, hoursAgo: number, mode: RunRecord['mode'], commit: string, pick: (s: Spec) => number | undefined): RunRecord => ({
    schema: SCHEMA_VERSION,
    kind: 'run',
    id,
    time: new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString(),
    mode,
    git: { commit, branch: 'main' },
    env: ENV,
    results: SPECS.flatMap((s, i) => {
      const v = pick(s)
      return v === undefined ? [] : [{ test: s.test, runner: RUNNER, env_key: key, sample: sampleOf(s, v, i + hoursAgo) }]
    }),
  })
  for (let i = 9; i >= 0; i--) history.push(runRecord(`base-${i}`, i + 1, 'baseline', `b${i}`.padEnd(40, '0'), (s) => s.baseline[i]))
  for (const h of [5.5, 2.5]) history.push(runRecord(`cmp-${h}`, h, 'compare', `c${h}`.padEnd(40, 'f'), (s) => s.compare))
  history.sort((a, b) => Date.parse(a.time) - Date.parse(b.time))

  const cfg = config()
  const record = buildRecord({
    samples: SPECS.map((s, i) => ({ test: s.test, runner: RUNNER, sample: sampleOf(s, s.current, i) })),
    config: cfg,
    env: ENV,
    git: { commit: '0123456789abcdef0123456789abcdef01234567', branch: HOSTILE.branch },
    now: NOW,
    runId: FIXTURE_RUN_ID,
  })
  const verdicts = detect({ current: record.results, history, config: cfg, now: NOW, runId: FIXTURE_RUN_ID })
  const outcome: RunOutcome = {
    record,
    verdicts,
    failing: verdicts.filter((v) => fails(v, cfg.failOn)),
    warnings: [{ file: '.perf/benchmarks.jsonl', line: 7, message: 'not valid JSON; skipped: <script>alert(3)</script>' }],
    storePath: '/project/.perf/benchmarks.jsonl',
    recorded: true,
    history,
    config: cfg,
  }
  const model = buildReportModel(outcome, history)
  // Hostile strings where the environment is shown (set after judging: the environment is part of the compatibility key).
  model.run.env = { ...ENV, cpu_model: 'Evil <CPU> "9000" & co', ci: "</script>'ci'" }
  return model
}

/** Paired-round processes around a true ratio, seeded. */
function processes(ratio: number, count: number, seed: number): ProcessPairs[] {
  const random = mulberry32(seed)
  return Array.from({ length: count }, () => ({
    cycles: Array.from({ length: 6 }, () => Math.log(ratio) + (random() - 0.5) * 0.04),
    base_ns: 1e5,
    head_ns: 1e5 * ratio,
    same_tier: true,
  }))
}

/** An A/B run of two tests (one 1.3× slower than its base, one unchanged), with raw samples of both sides. */
export function abFixtureModel(): ReportModel {
  const tests: TestRef[] = [
    { file: 'test/ab.test.ts', name: 'parse > big', project: '' },
    { file: 'test/ab.test.ts', name: 'render > table', project: '' },
  ]
  const ratios = [1.3, 1]
  const verdicts = judgeAb(
    tests.map((test, i) => ({ test, design: 'paired' as const, processes: processes(ratios[i]!, 6, i + 1) })),
    { thresholds: DEFAULTS.ab.thresholds, confidence: 0.95, looks: 6, base: '0123456' },
  )
  const key = envKey(ENV, RUNNER)
  const result = (test: TestRef, value: number, seed: number) => ({ test, runner: RUNNER, env_key: key, sample: sample(value, { raw_wall_ns: rawAround(value, seed) }) })
  const record: RunRecord = {
    schema: SCHEMA_VERSION,
    kind: 'run',
    id: 'run-ab-0001',
    time: NOW.toISOString(),
    mode: 'compare',
    git: { commit: 'fedcba9876543210fedcba9876543210fedcba98', branch: 'feature' },
    env: ENV,
    results: tests.map((t, i) => result(t, 1e5 * ratios[i]!, 40 + i)),
    ab: { base_commit: '0123456789abcdef0123456789abcdef01234567', base_ref: 'origin/main', design: 'paired', base_results: tests.map((t, i) => result(t, 1e5, 50 + i)) },
  }
  const cfg = config()
  return buildReportModel({ record, verdicts, failing: verdicts.filter((v) => fails(v, cfg.failOn)), warnings: [], storePath: '/p/.perf/benchmarks.jsonl', recorded: true, history: [], config: cfg })
}

export const LOAD_TESTS = {
  steps: { file: 'test/api.test.ts', name: 'search <b>under</b> load', project: '' },
  single: { file: 'test/api.test.ts', name: 'login under load', project: '' },
  plain: { file: 'test/api.test.ts', name: 'parse body', project: '' },
} satisfies Record<string, TestRef>

/** Throughput per level of a closed-model load test at 1, 4 and 16 workers, scaled by `k`. */
const STEPS = (k: number) => [
  { level: 1, calls: 900, errors: 0, throughput: 900 * k, concurrency: 1, efficiency: 1, latency_ns: { p50: 1.1e6, p95: 1.6e6, p99: 2e6 } },
  { level: 4, calls: 3200, errors: 0, throughput: 3200 * k, concurrency: 4, efficiency: (3200 * k) / 4 / (900 * k), latency_ns: { p50: 1.2e6, p95: 1.9e6, p99: 2.4e6 } },
  { level: 16, calls: 9000, errors: 0, throughput: 9000 * k, concurrency: 16, efficiency: (9000 * k) / 16 / (900 * k), latency_ns: { p50: 1.7e6, p95: 3e6, p99: 4e6 } },
]

/**
 * A run with two load tests and a plain one, against ten baseline runs and two compare runs: `steps` measured
 * 1, 4 and 16 workers and lost a third of its throughput at 16 (its p95 doubled); `single` measured one level, unchanged.
 */
export function loadFixtureModel(): ReportModel {
  const key = envKey(ENV, RUNNER)
  const random = mulberry32(7)
  const jitter = () => 1 + (random() - 0.5) * 0.06
  const stepsSample = (k: number, slow: number) => {
    const levels = STEPS(k)
    levels[2]!.throughput = Math.round(levels[2]!.throughput / slow)
    levels[2]!.efficiency = levels[2]!.throughput / 16 / levels[0]!.throughput
    levels[2]!.latency_ns = { p50: 1.7e6 * k, p95: 3e6 * k * slow * slow, p99: 4e6 * k * slow * slow }
    const s = loadSample({ throughput: levels[2]!.throughput, p50: 1.7 * k, p95: 3 * k * slow * slow, p99: 4 * k * slow * slow })
    s.metrics!['latency p90'] = { value: 2.4e6 * k * slow, better: 'lower', unit: 'ns' }
    s.load!.steps = levels
    return s
  }
  const singleSample = (k: number) => loadSample({ throughput: 500 / k, p50: 2 * k, p95: 3 * k, p99: 4 * k })
  const results = (slow: number) => [
    { test: LOAD_TESTS.steps, runner: RUNNER, env_key: key, sample: stepsSample(jitter(), slow) },
    { test: LOAD_TESTS.single, runner: RUNNER, env_key: key, sample: singleSample(jitter()) },
    { test: LOAD_TESTS.plain, runner: RUNNER, env_key: key, sample: sample(1e6 * jitter(), { raw_wall_ns: rawAround(1e6, 3) }) },
  ]
  const run = (id: string, hoursAgo: number, mode: RunRecord['mode'], slow = 1): RunRecord => ({
    schema: SCHEMA_VERSION,
    kind: 'run',
    id,
    time: new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString(),
    mode,
    git: { commit: `${id}`.replace(/[^0-9a-f]/g, 'a').padEnd(40, '0'), branch: 'main' },
    env: ENV,
    results: results(slow),
  })
  const history: RunRecord[] = []
  for (let i = 12; i >= 3; i--) history.push(run(`b${i}`, i, 'baseline'))
  history.push(run('c2', 2, 'compare'), run('c1', 1, 'compare'))
  const record = run(FIXTURE_RUN_ID, 0, 'compare', 1.5)
  const cfg = config()
  const verdicts = detect({ current: record.results, history, config: cfg, now: NOW, runId: record.id })
  return buildReportModel({ record, verdicts, failing: verdicts.filter((v) => fails(v, cfg.failOn)), warnings: [], storePath: '/p/.perf/benchmarks.jsonl', recorded: true, history, config: cfg })
}
