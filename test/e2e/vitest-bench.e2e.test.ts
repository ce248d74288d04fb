/**
 * Vitest 5's own `bench` fixture, recorded and gated by the perf-regression reporter:
 * baselines from `vitest bench` and from `vitest run` with benchmarks enabled beside the
 * tests (one history), an unchanged run that passes, a 2x slowdown that fails with the
 * benchmarks named. Vitest 5 only: Vitest 4 has no such fixture (its results are imported).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, inject, test } from 'vitest'
import type { RunRecord } from '../../src/types.js'
import { createProject, run, validRuns } from './helpers.js'

const BENCHES = [
  ['hashing > checksum', 'sha256 200 kB'],
  ['hashing > compare', 'sha1 256 kB'],
  ['hashing > compare', 'sha256 256 kB'],
]

describe('Vitest 5 bench fixture', () => {
  let dir = ''
  const node = () => inject('node22')
  const vitest = (args: string[], env: Record<string, string> = {}) => run(node(), ['node_modules/vitest/vitest.mjs', ...args], dir, env)
  const wrapper = (args: string[]) => run(node(), ['node_modules/perf-regression/dist/cli/bin.js', 'vitest', ...args], dir)
  const cli = (args: string[]) => run(node(), ['node_modules/perf-regression/dist/cli/bin.js', ...args], dir)
  const identities = (r: { results: RunRecord['results'] }) => r.results.map((x) => [x.test.file, x.test.name, x.test.project, x.test.bench]).sort()

  beforeAll(() => {
    dir = createProject('vitest-bench', 'vitest5-bench', { vitest: '^5.1.0' }, inject('tarball'))
  })

  test('five baseline runs, from vitest bench and from vitest run with benchmark.enabled, are one history', async () => {
    const ways = [
      () => wrapper(['bench', '--baseline-mode=establish']),
      () => wrapper(['bench', '--baseline-mode=establish']),
      () => vitest(['bench'], { PERF_BASELINE_MODE: 'establish' }),
      () => vitest(['run', '--config', 'vitest.enabled.config.js'], { PERF_BASELINE_MODE: 'establish' }),
      () => vitest(['run', '--config', 'vitest.enabled.config.js'], { PERF_BASELINE_MODE: 'establish' }),
    ]
    for (const [i, way] of ways.entries()) {
      const r = await way()
      expect(r.code, r.output).toBe(0)
      expect(r.output).toContain('Recorded baseline run')
      expect(r.output).toMatch(/hashing > checksum \[sha256 200 kB\]/)
      expect(validRuns(dir).filter((x) => x.mode === 'baseline')).toHaveLength(i + 1)
    }
    const runs = validRuns(dir) as unknown as RunRecord[]
    const expected = BENCHES.map(([name, bench]) => ['bench/work.bench.js', name, 'bench', bench])
    for (const r of runs) expect(identities(r)).toEqual(expected)
    const sample = runs[0]!.results[0]!.sample
    expect(runs[0]!.results[0]!.runner).toEqual({ name: 'vitest', version: expect.stringMatching(/^5\./), pool: 'forks' })
    expect(sample.iterations).toBeGreaterThan(10)
    expect(sample.wall_ns.median).toBeGreaterThan(0)
    expect(sample.metrics?.throughput_hz?.better).toBe('higher')
  })

  test('an unchanged run beside the tests passes; its JSON report imports under the same names', async () => {
    const r = await vitest(['run', '--config', 'vitest.enabled.config.js', '--reporter=default', '--reporter=json', '--outputFile=report.json'])
    expect(r.code, r.output).toBe(0)
    expect(r.output).toContain('comparing with the baseline')
    expect(r.output).toMatch(/✓ test\/plain\.test\.js \(1 test\)/)
    expect(r.output).not.toMatch(/✗ regression/)
    expect(r.output).toMatch(/hashing > checksum \[sha256 200 kB\] .*(unchanged|inconclusive|improvement)/)

    const imported = await cli(['import', 'vitest-bench', 'report.json', '--store', '.perf/imported.jsonl'])
    expect(imported.code, imported.output).toBe(0)
    expect(imported.output).toContain('Imported 3 results from report.json')
    const record = JSON.parse(readFileSync(path.join(dir, '.perf/imported.jsonl'), 'utf8').trim()) as RunRecord
    expect(identities(record)).toEqual(BENCHES.map(([name, bench]) => ['bench/work.bench.js', name, '', bench]))
  })

  test('after a 2x slowdown, vitest bench fails with each benchmark named, confirmed in fresh vitest bench processes', async () => {
    const r = await vitest(['bench'], { SLOWDOWN: '2' })
    expect(r.code, r.output).toBe(1)
    expect(r.output).toMatch(/perf-regression: re-measured \d+ suspect tests? \(a regression or an inconclusive verdict\) in [1-4] fresh process/)
    for (const [name, bench] of BENCHES) {
      const escaped = `${name} \\[${bench}\\]`
      expect(r.output).toMatch(new RegExp(`${escaped} .*✗ regression \\((minor|moderate|critical)\\)`))
      expect(r.output).toMatch(new RegExp(`✗ bench/work\\.bench\\.js > ${escaped}: [\\d.]+× slower .*; re-measured in \\d more process`))
    }
    expect(r.output).toContain('failing the run')
  })
})
