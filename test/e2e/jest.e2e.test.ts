import { appendFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, inject, test } from 'vitest'
import { createProject, run, storeLines, validRuns } from './helpers.js'

const JEST = '^30.0.0'

describe('Jest 30, CommonJS (babel-jest and ts-jest)', () => {
  let dir = ''
  const jest = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, ['node_modules/jest/bin/jest.js', ...args], dir, env)
  const wrapper = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, ['node_modules/perf-regression/dist/cli/bin.js', 'jest', ...args], dir, env)

  beforeAll(() => {
    dir = createProject('jest-cjs', 'jest-cjs', { jest: JEST, 'ts-jest': '^29.4.0', typescript: '~5.9.0', '@types/jest': '^30.0.0', '@types/node': '^20.0.0' }, inject('tarball'), 'commonjs')
  })

  test('no baseline: exit 0 and says so; both files attributed', async () => {
    const r = await jest(['--maxWorkers=2'])
    expect(r.code, r.output).toBe(0)
    expect(r.output).toContain('No baseline yet')
    expect(r.output).toMatch(/^ {2}test\/work\.test\.js\n {4}work > checksum 200 kB /m)
    expect(r.output).toMatch(/^ {2}test\/typed\.test\.ts\n {4}typed > sha1 with ts-jest \[async\] /m)
    expect(r.output).not.toContain('plain test without perf')
    expect(r.output).toMatch(/Tests:\s+3 passed, 3 total/)
    const runs = validRuns(dir)
    expect(runs).toHaveLength(1)
    expect(runs[0]!.results.map((x) => x.test.name).sort()).toEqual(['typed > sha1 with ts-jest', 'work > checksum 200 kB'])
  })

  test('establish five times: --baseline-mode on Jest itself, the wrapper, the environment; one worker and several', async () => {
    const ways = [
      () => jest(['--baseline-mode=establish', '--runInBand']),
      () => jest(['--baseline-mode=establish', '--maxWorkers=2']),
      () => wrapper(['--baseline-mode=establish', '--runInBand']),
      () => wrapper(['--baseline-mode', 'establish', '--maxWorkers=2']),
      () => jest(['--reporters=default', '--reporters=perf-regression', '--maxWorkers=2'], { PERF_BASELINE_MODE: 'establish' }),
    ]
    for (const [i, way] of ways.entries()) {
      const r = await way()
      expect(r.code, r.output).toBe(0)
      expect(r.output).toContain('Recorded baseline run')
      const baselines = validRuns(dir).filter((x) => x.mode === 'baseline')
      expect(baselines).toHaveLength(i + 1)
      expect(baselines[i]!.results).toHaveLength(2)
    }
  })

  test('unchanged code: exit 0, no regression', async () => {
    const r = await jest(['--maxWorkers=2'])
    expect(r.code, r.output).toBe(0)
    expect(r.output).not.toMatch(/✗ regression/)
    expect(r.output).toMatch(/unchanged|inconclusive|improvement/)
    expect(r.output).toMatch(/Tests:\s+3 passed/)
  })

  test('a 2x slowdown: exit 1, the test named, and Jest still prints its summary', async () => {
    const r = await jest(['--runInBand'], { SLOWDOWN: '2' })
    expect(r.code, r.output).toBe(1)
    // Confirmed in fresh Jest processes before it fails the run.
    expect(r.output).toMatch(/perf-regression: re-measured \d+ suspect tests? \(a regression or an inconclusive verdict\) in [1-4] fresh process/)
    expect(r.output).toMatch(/work > checksum 200 kB: [\d.]+× slower \([\d.]+ [µm]?s(, the median of \d runs,)? .*; re-measured in \d more process/)
    expect(r.output).toMatch(/work > checksum 200 kB.*✗ regression \((minor|moderate|critical)\)/)
    expect(r.output).toContain('failing the run')
    expect(r.output).toMatch(/Tests:\s+3 passed, 3 total/)
  })

  test('a first run disturbed for its length only: re-measured in fresh processes, and the run passes', async () => {
    const r = await jest(['--runInBand'], { DISTURB_FIRST: '3' })
    expect(r.output).toMatch(/perf-regression: re-measured \d+ suspect tests? \(a regression or an inconclusive verdict\) in [1-4] fresh process/)
    // The disturbed first run left the pool: its verdict changed once judged on the fresh runs.
    expect(r.output).toMatch(/fresh process(es)? \([\d.]+ s[^)]*\): \d verdicts? changed/)
    expect(r.output).not.toMatch(/✗ regression/)
    expect(r.code, r.output).toBe(0)
    expect(r.output).toMatch(/Tests:\s+3 passed, 3 total/)
  })

  test('--repeat=3 through the wrapper: one repeat group, the last run judged on the median of three', async () => {
    const before = validRuns(dir).length
    const r = await wrapper(['--repeat=3', '--runInBand'], { SLOWDOWN: '2' })
    expect(r.code, r.output).toBe(1)
    expect(r.output).toContain('perf-regression: run 3 of 3 (judged on the median of 3 runs)')
    expect(r.output).toMatch(/work > checksum 200 kB: [\d.]+× slower \([\d.]+ [µm]?s, the median of 3 runs,/)
    const runs = validRuns(dir).slice(before)
    expect(runs).toHaveLength(3)
    expect(new Set(runs.map((x) => x.group)).size).toBe(1)
  })

  test('test.concurrent: a clear warning and the samples are skipped, never misattributed', async () => {
    const before = storeLines(dir).length
    const r = await jest(['--config', 'jest.concurrent.config.js'])
    expect(r.code, r.output).toBe(0)
    expect(r.output).toMatch(/ran at the same time as another perf\(\).*skipped/)
    expect(storeLines(dir)).toHaveLength(before)
  })

  test('perf() fits inside a short test timeout; a test that times out stops its measurement and never disturbs the next', async () => {
    // Also run on its own (-t): the store may not exist yet.
    const before = existsSync(path.join(dir, '.perf/benchmarks.jsonl')) ? validRuns(dir).length : 0
    const r = await jest(['--config', 'jest.timeouts.config.js'])
    expect(r.code, r.output).toBe(1)
    expect(r.output).toMatch(/Exceeded timeout of 300 ms/)
    expect(r.output).toMatch(/"slow under a short timeout": warm-up ran \d of 5 iterations.*to finish inside the test's timeout/)
    expect(r.output).not.toContain('ran at the same time')
    const runs = validRuns(dir).slice(before)
    expect(runs).toHaveLength(1)
    expect(runs[0]!.results.map((x) => x.test.name).sort()).toEqual(['after the timeout', 'slow under a short timeout'])
  })

  test('a custom metric over its limit and a leak fail the run without any baseline', async () => {
    const r = await jest(['--config', 'jest.findings.config.js'])
    expect(r.code, r.output).toBe(1)
    expect(r.output).toContain('output bytes is 4.00 KiB, above its limit of 1000 B')
    expect(r.output).toMatch(/the heap kept growing by [\d.]+ KiB per call after full garbage collections .*: a leak/)
    expect(r.output).toMatch(/Tests:\s+1 passed, 1 total/)
  })

  test('a garbage line in the store is reported, not fatal', async () => {
    appendFileSync(path.join(dir, '.perf/benchmarks.jsonl'), 'garbage\n')
    const lines = storeLines(dir).length
    const r = await jest(['--maxWorkers=2'])
    expect(r.code, r.output).toBe(0)
    expect(r.output).toContain(`benchmarks.jsonl:${lines}: not valid JSON; skipped`)
  })

  test('configuration errors: the same messages as under Vitest', async () => {
    const r = await jest(['--config', 'jest.bad.config.js'])
    expect(r.code).not.toBe(0)
    expect(r.output).toContain('thresholds.minor must be a number greater than 1 (got 0.8)')
    expect(r.output).toContain('failOn must be one of "minor", "moderate", "critical", "never" (got "sometimes")')
  })

  test('Jest runs are never compared with Vitest runs: the runner is in the fingerprint', () => {
    const runs = validRuns(dir) as unknown as { results: { runner: { name: string; version: string; pool: string } }[] }[]
    for (const r of runs) for (const x of r.results) {
      expect(x.runner.name).toBe('jest')
      expect(x.runner.version).toMatch(/^30\./)
      expect(x.runner.pool).toBe('jest-env-node')
    }
  })
})

describe('Jest 30, ESM (--experimental-vm-modules)', () => {
  let dir = ''
  const jest = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', ...args], dir, env)

  beforeAll(() => {
    dir = createProject('jest-esm', 'jest-esm', { jest: JEST }, inject('tarball'), 'module')
  })

  test('no baseline, five baselines, unchanged, 2x slowdown', async () => {
    const first = await jest([])
    expect(first.code, first.output).toBe(0)
    expect(first.output).toContain('No baseline yet')
    expect(first.output).toMatch(/^ {2}test\/work\.test\.js\n {4}esm work > checksum 200 kB /m)
    expect(first.output).toMatch(/^ {2}test\/other\.test\.js\n {4}esm other > etag 256 kB /m)
    for (let i = 0; i < 5; i++) {
      const r = await jest([i % 2 ? '--runInBand' : '--maxWorkers=2', '--baseline-mode=establish'])
      expect(r.code, r.output).toBe(0)
      expect(r.output).toContain('Recorded baseline run')
    }
    const same = await jest([])
    expect(same.code, same.output).toBe(0)
    expect(same.output).not.toMatch(/✗ regression/)
    const slow = await jest([], { SLOWDOWN: '2' })
    expect(slow.code, slow.output).toBe(1)
    expect(slow.output).toMatch(/esm work > checksum 200 kB.*✗ regression/)
    expect(validRuns(dir)).toHaveLength(8)
  })
})
