import { describe, expect, test } from 'vitest'
import { judgeAb, type ProcessPairs } from '../../src/ab/judge.js'
import { jestPairedArgs } from '../../src/ab/jest-args.js'
import { runnerFrom } from '../../src/ab/args.js'
import { testNamePattern } from '../../src/util/pattern.js'
import { plan } from '../../src/ab/plan.js'
import { DEFAULTS } from '../../src/config/options.js'
import { ConfigError } from '../../src/config/validate.js'
import type { RunOutcome } from '../../src/core/run.js'
import { fails } from '../../src/detect/verdict.js'
import { renderHtml } from '../../src/report/html.js'
import { renderJson } from '../../src/report/json.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { buildReportModel } from '../../src/report/model.js'
import { renderTerminal } from '../../src/report/terminal.js'
import { checkRecord } from '../../src/store/record.js'
import { SCHEMA_VERSION, type RunRecord } from '../../src/types.js'
import { ENV, RUNNER, mulberry32, ref, sample } from './helpers.js'

const BASE = '0123456789abcdef0123456789abcdef01234567'

/** Processes of paired rounds around a true log ratio, seeded. */
function processes(logRatio: number, count: number, seed: number): ProcessPairs[] {
  const random = mulberry32(seed)
  return Array.from({ length: count }, () => ({
    cycles: Array.from({ length: 6 }, () => logRatio + (random() - 0.5) * 0.02),
    base_ns: 1e5,
    head_ns: 1e5 * Math.exp(logRatio),
    same_tier: true,
  }))
}

function abOutcome(): RunOutcome {
  const tests = [ref('parse > big'), ref('render > table'), ref('cache > warm')]
  const verdicts = judgeAb(
    [
      { test: tests[0]!, design: 'paired', processes: processes(Math.log(1.3), 4, 1) },
      { test: tests[1]!, design: 'paired', processes: processes(0, 4, 2) },
      { test: tests[2]!, design: 'paired', processes: processes(0, 3, 3).map((p) => ({ ...p, same_tier: false })) },
    ],
    { thresholds: DEFAULTS.ab.thresholds, confidence: 0.95, looks: 6, base: '0123456' },
  )
  verdicts.push({ kind: 'new', test: ref('only > head'), key: 'k-new', current: 5e4, foreign_baseline_runs: 0, reason: 'only in HEAD: base 0123456 has no such test' })
  const record: RunRecord = {
    schema: SCHEMA_VERSION,
    kind: 'run',
    id: 'run-ab-1',
    time: '2025-06-01T12:00:00.000Z',
    mode: 'compare',
    git: { commit: 'fedcba9876543210fedcba9876543210fedcba98', branch: 'feature' },
    env: ENV,
    results: tests.map((t) => ({ test: t, runner: RUNNER, env_key: 'env-a', sample: sample(1e5) })),
    ab: { base_commit: BASE, base_ref: 'origin/main', design: 'paired', base_results: tests.map((t) => ({ test: t, runner: RUNNER, env_key: 'env-a', sample: sample(1e5) })) },
  }
  const config = DEFAULTS
  return { record, verdicts, failing: verdicts.filter((v) => fails(v, config.failOn)), warnings: [], storePath: '/p/.perf/benchmarks.jsonl', recorded: true, history: [], config }
}

describe('A/B runs in the reports', () => {
  const model = buildReportModel(abOutcome())

  test('the model carries the base, and the base is the only baseline commit', () => {
    expect(model.ab).toMatchObject({ base_commit: BASE, base_ref: 'origin/main', design: 'paired' })
    // The base's raw samples of each test, for the dashboard's distribution charts.
    expect(Object.values(model.ab!.base_raw_wall_ns!)).toEqual([[1e5, 1e5], [1e5, 1e5], [1e5, 1e5]])
    expect(model.baseline_commits).toEqual([BASE])
    expect(model.failed).toBe(true)
  })

  test('terminal: an A/B title, A/B wording for tests not judged, the failing reason', () => {
    const text = renderTerminal(model, { color: false })
    expect(text).toContain('A/B: HEAD against base 0123456789 (origin/main), paired rounds in one process (fails on minor)')
    expect(text).toContain('· new (not in the base)')
    expect(text).toContain('· not judged')
    expect(text).toContain('base and head ran in different V8 tiers in all 3 processes')
    expect(text).toMatch(/✗ test\/bench\.test\.ts > parse > big: 1\.\d\d× slower than base 0123456 over 24 paired rounds in 4 processes/)
    expect(text).not.toContain('baseline runs are needed')
    expect(text).not.toContain('Infinity')
  })

  test('Markdown names the base commit and how it was measured', () => {
    const md = renderMarkdown(model)
    expect(md).toContain('measured next to its base `0123456` (origin/main) in this job, in paired rounds inside one process')
  })

  test('JSON carries the A/B evidence', () => {
    const json = JSON.parse(renderJson(model)) as { verdicts: { test: { name: string }; evidence?: { ab?: Record<string, unknown> } }[] }
    const parse = json.verdicts.find((v) => v.test.name === 'parse > big')!
    expect(parse.evidence?.ab).toMatchObject({ base: '0123456', design: 'paired', processes: 4, pairs: 24, tier_mismatches: 0, looks: 6 })
  })

  test('the HTML dashboard says it is an A/B run', () => {
    expect(renderHtml(model)).toContain('A/B against base 0123456789ab (origin/main), paired rounds in one process')
  })
})

describe('stored A/B records', () => {
  const record = abOutcome().record

  test('a valid A/B record passes the store check', () => {
    expect(checkRecord(JSON.parse(JSON.stringify(record)))).toMatchObject({ ok: true })
  })

  test.each([
    ['a base commit that is not hexadecimal', { base_commit: 1234 }, 'ab.base_commit: expected a hexadecimal commit id, got 1234'],
    ['an unknown design', { design: 'magic' }, 'ab.design: expected "paired" or "processes", got "magic"'],
    ['base results that are not results', { base_results: [{ test: 1 }] }, 'ab.base_results[0].test: expected an object, got 1'],
  ])('%s is refused', (_label, change, reason) => {
    const bad = { ...record, ab: { ...record.ab, ...change } }
    expect(checkRecord(JSON.parse(JSON.stringify(bad)))).toEqual({ ok: false, reason })
  })

  test('an A/B record is never a baseline run', () => {
    expect(checkRecord(JSON.parse(JSON.stringify({ ...record, mode: 'baseline' })))).toEqual({ ok: false, reason: 'mode: expected "compare" on an A/B run (ab is set), got "baseline"' })
  })
})

describe('the command helpers', () => {
  test('runnerFrom: the runner after --, with run added for Vitest', () => {
    expect(runnerFrom(['vitest', 'test/perf'], '/nowhere')).toEqual({ runner: 'vitest', args: ['run', 'test/perf'] })
    expect(runnerFrom(['vitest', 'run'], '/nowhere')).toEqual({ runner: 'vitest', args: ['run'] })
    expect(runnerFrom(['jest', '--ci'], '/nowhere')).toEqual({ runner: 'jest', args: ['--ci'] })
    expect(() => runnerFrom(['mocha'], '/nowhere')).toThrow(ConfigError)
    expect(() => runnerFrom([], '/nowhere')).toThrow(/neither vitest nor jest is a dependency/)
  })

  test('testNamePattern selects each name, with suites joined by spaces or by " > " (Vitest 5) and regex characters escaped', () => {
    const re = new RegExp(testNamePattern(['work > sum (x+1)', 'top']))
    expect(re.test('work sum (x+1)')).toBe(true)
    expect(re.test('test/a.test.js work sum (x+1)')).toBe(true)
    expect(re.test('top')).toBe(true)
    expect(re.test('work sum (xx1)')).toBe(false)
    expect(re.test('stop')).toBe(false)
    expect(re.test('work > sum (x+1)')).toBe(true)
  })

  test('plan: looks counted from the first pass, the steps and the maximum', () => {
    expect(plan('paired', DEFAULTS.ab)).toEqual({ design: 'paired', first: 3, max: 12, step: 3, looks: 4 })
    expect(plan('processes', DEFAULTS.ab)).toEqual({ design: 'processes', first: 6, max: 30, step: 4, looks: 7 })
    expect(plan('paired', { ...DEFAULTS.ab, processes: 4, maxRounds: 4 }).looks).toBe(1)
  })

  test('jestPairedArgs adds the base tree next to the head in roots and testMatch', () => {
    const args = jestPairedArgs({ configs: [{ roots: ['/h/p'], testMatch: ['/h/p/test/**/*.test.js', '**/?(*.)+(spec|test).js'] }] }, '/h/p', '/tmp/b/p')
    expect(args).toEqual(['--runInBand', '--roots', '/h/p', '--roots', '/tmp/b/p', '--testMatch', '/h/p/test/**/*.test.js', '**/?(*.)+(spec|test).js', '/tmp/b/p/test/**/*.test.js'])
    expect(jestPairedArgs({ configs: [{ roots: ['/h/p'] }, { roots: ['/h/q'] }] }, '/h/p', '/tmp/b/p')).toBeUndefined()
    // A folder that only starts like the head's is not the head.
    expect(jestPairedArgs({ configs: [{ roots: ['/h/p2'] }] }, '/h/p', '/tmp/b/p')).toEqual(['--runInBand', '--roots', '/h/p2'])
  })
})
