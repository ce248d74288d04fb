import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, inject, test } from 'vitest'
import type { RunRecord } from '../../src/types.js'
import { createProject, run, storeLines, validRuns } from './helpers.js'

const MATRIX = [
  { major: 4, range: '~4.1.12', node: () => process.execPath },
  { major: 5, range: '^5.1.0', node: () => inject('node22') },
]

describe.each(MATRIX)('Vitest $major', ({ major, range, node }) => {
  let dir = ''
  const vitest = (args: string[], env: Record<string, string> = {}) =>
    run(node(), ['node_modules/vitest/vitest.mjs', 'run', ...args], dir, env)
  const wrapper = (args: string[], env: Record<string, string> = {}) =>
    run(node(), ['node_modules/perf-regression/dist/cli/bin.js', 'vitest', 'run', ...args], dir, env)

  beforeAll(() => {
    dir = createProject('vitest-project', `vitest${major}`, { vitest: range }, inject('tarball'))
  })

  test('installs the requested Vitest major', () => {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'node_modules/vitest/package.json'), 'utf8')) as { version: string }
    expect(pkg.version.split('.')[0]).toBe(String(major))
  })

  test('compare with no baseline: exit 0 and says so', async () => {
    const r = await vitest([])
    expect(r.output).toContain('No baseline yet')
    expect(r.output).toMatch(/^ {2}test\/work\.test\.js\n {4}work > checksum 200 kB .*\n {4}work > etag 256 kB \[async\] /m)
    expect(r.output).not.toContain('plain test without perf')
    expect(r.code, r.output).toBe(0)
    const runs = validRuns(dir)
    expect(runs).toHaveLength(1)
    expect(runs[0]!.mode).toBe('compare')
    expect(runs[0]!.results).toHaveLength(2)
  })

  test('establish five times, through each way of asking for it', async () => {
    const ways = [
      () => wrapper(['--baseline-mode=establish']),
      () => wrapper(['--baseline-mode', 'establish']),
      () => vitest(['--config', 'vitest.reporter-only.config.js', '--reporter=default', '--reporter=perf-regression', '--', '--baseline-mode=establish']),
      () => vitest([], { PERF_BASELINE_MODE: 'establish' }),
      () => vitest(['--config', 'vitest.establish.config.js']),
    ]
    for (const [i, way] of ways.entries()) {
      const r = await way()
      expect(r.code, r.output).toBe(0)
      expect(r.output).toContain('Recorded baseline run')
      expect(validRuns(dir).filter((run) => run.mode === 'baseline')).toHaveLength(i + 1)
    }
  })

  test('compare unchanged code: exit 0, no regression', async () => {
    const r = await vitest([])
    expect(r.code, r.output).toBe(0)
    expect(r.output).toContain('comparing with the baseline')
    expect(r.output).not.toMatch(/✗ regression/)
    expect(r.output).not.toContain('baseline runs needed')
    expect(r.output).toMatch(/unchanged|inconclusive|improvement/)
  })

  test('compare after a 2x slowdown: exit 1, the test named, the severity shown', async () => {
    const r = await vitest([], { SLOWDOWN: '2' })
    expect(r.code, r.output).toBe(1)
    // Confirmed in fresh Vitest processes before it fails the run.
    expect(r.output).toMatch(/perf-regression: re-measured \d+ suspect tests? \(a regression or an inconclusive verdict\) in [1-4] fresh process/)
    expect(r.output).toMatch(/work > checksum 200 kB.*✗ regression \((minor|moderate|critical)\)/)
    expect(r.output).toMatch(/✗ test\/work\.test\.js > work > checksum 200 kB: [\d.]+× slower \([\d.]+ [µm]?s(, the median of \d runs,)? .*; re-measured in \d more process/)
    expect(r.output).toContain('failing the run')
  })

  test('a first run disturbed for its length only: re-measured in fresh processes, and the run passes', async () => {
    const before = validRuns(dir).length
    const r = await vitest([], { DISTURB_FIRST: '3' })
    expect(r.output).toMatch(/perf-regression: re-measured \d+ suspect tests? \(a regression or an inconclusive verdict\) in [1-4] fresh process/)
    // The disturbed first run left the pool: its verdict changed once judged on the fresh runs.
    expect(r.output).toMatch(/fresh process(es)? \([\d.]+ s[^)]*\): \d verdicts? changed/)
    expect(r.output).not.toMatch(/✗ regression/)
    expect(r.code, r.output).toBe(0)
    // The history keeps the first process's measurement, one observation per process.
    const runs = validRuns(dir)
    expect(runs.length).toBe(before + 1)
    expect(runs.at(-1)!.results).toHaveLength(2)
  })

  test('writes every report, and inside GitHub Actions the job summary and annotations', async () => {
    const summary = path.join(dir, 'step-summary.md')
    writeFileSync(summary, '')
    const r = await vitest([], { SLOWDOWN: '2', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary })
    expect(r.code, r.output).toBe(1)
    const line = readFileSync(path.join(dir, 'test/work.test.js'), 'utf8').split('\n').findIndex((l) => l.includes("test('checksum 200 kB'")) + 1
    expect(line).toBeGreaterThan(0)
    expect(r.stdout).toMatch(
      new RegExp(`^::error file=test/work\\.test\\.js,line=${line},title=Performance regression \\((minor|moderate|critical)%2C [\\d.]+×\\)::test/work\\.test\\.js > work > checksum 200 kB: [\\d.]+× slower`, 'm'),
    )
    const markdown = readFileSync(summary, 'utf8')
    expect(markdown).toContain('<!-- perf-regression -->')
    expect(markdown).toMatch(/performance regression/)
    // Vitest writes its own summary there too; ours is the whole Markdown report.
    expect(markdown).toContain(readFileSync(path.join(dir, '.perf/report.md'), 'utf8'))
    const analysis = JSON.parse(readFileSync(path.join(dir, '.perf/analysis.json'), 'utf8')) as { schema: number; failed: boolean; verdicts: unknown[] }
    expect(analysis.schema).toBe(1)
    expect(analysis.failed).toBe(true)
    expect(analysis.verdicts).toHaveLength(2)
    const html = readFileSync(path.join(dir, '.perf/dashboard.html'), 'utf8')
    expect(html).toMatch(/^<!doctype html>/i)
    expect(html).toContain('work &gt; checksum 200 kB')
  })

  test('the reporter from the command line also gates, with the plugin adding no second copy', async () => {
    const before = validRuns(dir).length
    const r = await vitest(['--reporter=default', '--reporter=perf-regression'], { SLOWDOWN: '2' })
    expect(r.code, r.output).toBe(1)
    expect(r.output.match(/perf-regression {2}comparing/g)).toHaveLength(1)
    expect(validRuns(dir).length).toBe(before + 1)
  })

  test('a garbage line and a truncated last line: warned, not fatal, nothing lost', async () => {
    const file = path.join(dir, '.perf/benchmarks.jsonl')
    const before = storeLines(dir)
    appendFileSync(file, 'this is not json\n{"schema":1,"kind":"run","id":"torn","ti')
    const r = await vitest([])
    expect(r.code, r.output).toBe(0)
    expect(r.output).toMatch(new RegExp(`benchmarks\\.jsonl:${before.length + 1}: not valid JSON`))
    expect(r.output).toMatch(new RegExp(`benchmarks\\.jsonl:${before.length + 2}: the last line is cut short`))
    const after = storeLines(dir)
    expect(after.slice(0, before.length)).toEqual(before)
    expect(after[before.length]).toBe('this is not json')
    expect(after).toHaveLength(before.length + 3)
    expect(JSON.parse(after[after.length - 1]!).kind).toBe('run')
  })

  test('a benchmark that throws fails its test with its own error and records nothing', async () => {
    const before = storeLines(dir).length
    const r = await vitest(['--config', 'vitest.throws.config.js'])
    expect(r.code).toBe(1)
    expect(r.output).toContain('boom from the benchmarked function')
    expect(storeLines(dir)).toHaveLength(before)
  })

  test('perf() fits inside a short test timeout; a test that times out stops its measurement and never disturbs the next', async () => {
    // Also run on its own (-t): the store may not exist yet.
    const before = existsSync(path.join(dir, '.perf/benchmarks.jsonl')) ? validRuns(dir).length : 0
    const r = await vitest(['--config', 'vitest.timeouts.config.js'])
    expect(r.code, r.output).toBe(1)
    expect(r.output).toMatch(/Test timed out in 300ms/)
    expect(r.output).toMatch(/"slow under a short timeout": warm-up ran \d of 5 iterations.*to finish inside the test's timeout/)
    expect(r.output).not.toContain('ran at the same time')
    const runs = validRuns(dir).slice(before)
    expect(runs).toHaveLength(1)
    expect(runs[0]!.results.map((x) => x.test.name).sort()).toEqual(['after the timeout', 'slow under a short timeout'])
  })

  test('--repeat=3 with a 2x slowdown: three runs in one group, the last judged on their median, exit 1', async () => {
    const before = validRuns(dir).length
    const r = await wrapper(['--repeat=3'], { SLOWDOWN: '2' })
    expect(r.code, r.output).toBe(1)
    expect(r.output).toContain('perf-regression: run 3 of 3 (judged on the median of 3 runs)')
    const runs = validRuns(dir).slice(before)
    expect(runs).toHaveLength(3)
    expect(new Set(runs.map((x) => x.group)).size).toBe(1)
    expect(runs[0]!.group).toMatch(/^[0-9a-f-]{36}$/)
    expect(runs.every((x) => x.mode === 'compare')).toBe(true)
    const analysis = JSON.parse(readFileSync(path.join(dir, '.perf/analysis.json'), 'utf8')) as { verdicts: { kind: string; evidence?: { repeats?: number } }[] }
    expect(analysis.verdicts.some((v) => v.kind === 'regression' && v.evidence?.repeats === 3)).toBe(true)
    expect(r.output).toMatch(/the median of 3 runs/)
  })

  test('a custom metric over its limit and a leak fail the run without any baseline, and are stored', async () => {
    const r = await vitest(['--config', 'vitest.findings.config.js'])
    expect(r.code, r.output).toBe(1)
    expect(r.output).toContain('output bytes is 4.00 KiB, above its limit of 1000 B')
    expect(r.output).toMatch(/the heap kept growing by [\d.]+ KiB per call after full garbage collections .*: a leak/)
    expect(r.output).toContain('failing the run')
    const stored = JSON.parse(readFileSync(path.join(dir, '.perf/findings.jsonl'), 'utf8').trim().split('\n').at(-1)!) as RunRecord
    const sample = stored.results[0]!.sample
    expect(sample.metrics).toEqual({ 'output bytes': { value: 4096, better: 'lower', unit: 'B' }, 'cache hits': { value: 3, better: 'lower', unit: '' } })
    expect(sample.heap_growth!.bytes_per_iteration).toBeGreaterThan(4096)
    expect(sample.heap_growth!.interval[0]).toBeGreaterThan(0)
  })

  test('a configuration error stops the run with one clear message', async () => {
    const before = storeLines(dir).length
    const r = await vitest(['--config', 'vitest.bad.config.js'])
    expect(r.code).not.toBe(0)
    expect(r.output).toContain('thresholds.minor must be a number greater than 1 (got 0.8)')
    expect(r.output).toContain('failOn must be one of "minor", "moderate", "critical", "never" (got "sometimes")')
    expect(storeLines(dir)).toHaveLength(before)
  })

  test('a bad baseline mode is refused before anything runs', async () => {
    const r = await wrapper(['--baseline-mode=sometimes'])
    expect(r.code).toBe(2)
    expect(r.output).toContain('--baseline-mode must be one of "establish", "compare" (got "sometimes")')
    const env = await vitest([], { PERF_BASELINE_MODE: 'weekly' })
    expect(env.code).not.toBe(0)
    expect(env.output).toContain('PERF_BASELINE_MODE must be one of "establish", "compare" (got "weekly")')
  })
})
