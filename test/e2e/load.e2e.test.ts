import { copyFileSync, cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, inject, test } from 'vitest'
import { createProject, run, validRuns, WORK, type Result } from './helpers.js'

/**
 * perf.load() against a real HTTP server on 127.0.0.1 that the test starts, under each runner:
 * five baseline runs, then a server that holds every 10th request 200 ms longer (the p95
 * latency regresses), one that answers 5% of requests with 500 (the error rate is over its
 * limit), and one that holds every request twice as long (throughput halves). The server
 * holds requests on timers (50 ms), so a busy machine moves the figures little. Each load
 * test lasts 0.75 s (`test/e2e/fixtures/load`).
 */
const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/load')

/** Vitest 4 and Jest 30 share one install (their stores are apart: each runner has its own folder). */
let shared: string | undefined
const withVitest4AndJest = () => (shared ??= createProject('load', 'load-vitest4', { vitest: '~4.1.12', jest: '^30.0.0' }, inject('tarball')))

/** Another folder with the fixture, using the shared install's node_modules. */
function besideShared(name: string): string {
  const dir = path.join(WORK, name)
  mkdirSync(dir, { recursive: true })
  cpSync(FIXTURE, dir, { recursive: true })
  copyFileSync(path.join(withVitest4AndJest(), 'package.json'), path.join(dir, 'package.json'))
  symlinkSync(path.join(withVitest4AndJest(), 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  return dir
}

const RUNNERS = [
  { name: 'Vitest 4', project: withVitest4AndJest, cmd: () => [process.execPath, 'node_modules/vitest/vitest.mjs', 'run'] },
  { name: 'Vitest 5', project: () => createProject('load', 'load-vitest5', { vitest: '^5.1.0' }, inject('tarball')), cmd: () => [inject('node22'), 'node_modules/vitest/vitest.mjs', 'run'] },
  { name: 'Jest 30', project: () => besideShared('load-jest'), cmd: () => [process.execPath, 'node_modules/jest/bin/jest.js'] },
]

describe.each(RUNNERS)('perf.load() under $name', ({ project, cmd }) => {
  let dir = ''
  const runner = (args: string[], env: Record<string, string> = {}): Promise<Result> => {
    const [bin, ...rest] = cmd()
    return run(bin!, [...rest, ...args], dir, env)
  }

  beforeAll(() => {
    dir = project()
  })

  test('five baseline runs against the usual server', async () => {
    for (let i = 1; i <= 5; i++) {
      const r = await runner([], { PERF_BASELINE_MODE: 'establish' })
      expect(r.code, r.output).toBe(0)
      expect(r.output).toContain('Recorded baseline run')
      expect(r.output).toMatch(/Load tests +Throughput +p50 +p95 +p99 +Errors/)
      expect(r.output).toMatch(/search endpoint under load \(closed model, 16 workers\)/)
    }
    const runs = validRuns(dir) as unknown as { results: { sample: { load?: { model?: string }; metrics?: Record<string, { value: number }> } }[] }[]
    expect(runs).toHaveLength(5)
    for (const stored of runs) {
      const sample = stored.results[0]!.sample
      expect(sample.load?.model).toBe('closed')
      expect(sample.metrics?.throughput?.value).toBeGreaterThan(20)
      expect(sample.metrics?.['error rate']?.value).toBe(0)
    }
  })

  test('every 10th request 200 ms slower: the p95 latency regression is named and fails the run', async () => {
    const r = await runner([], { LOAD_SERVER: 'slow' })
    expect(r.code, r.output).toBe(1)
    expect(r.output).toMatch(/✗ .*search endpoint under load: latency \(p95\) [\d.]+× higher, a regression/)
    expect(r.output).toMatch(/^ {4}baseline \(5 runs\) /m)
    expect(r.output).toContain('failing the run')
    const report = readFileSync(path.join(dir, '.perf/report.md'), 'utf8')
    expect(report).toContain('### Load tests')
    const analysis = JSON.parse(readFileSync(path.join(dir, '.perf/analysis.json'), 'utf8')) as { failed: boolean; load: { failing: boolean; baseline: { runs: number } }[] }
    expect(analysis.failed).toBe(true)
    expect(analysis.load).toHaveLength(1)
    expect(analysis.load[0]).toMatchObject({ failing: true, baseline: { runs: 5 } })
  })

  test('5% of requests answered 500: the error rate is over its limit and fails the run, the message kept', async () => {
    const r = await runner([], { LOAD_SERVER: 'errors' })
    expect(r.code, r.output).toBe(1)
    expect(r.output).toMatch(/✗ .*search endpoint under load: error rate is [2-9](\.\d+)?%, above its limit of 1%/)
    expect(r.output).toMatch(/errors: "HTTP 500" ×\d+/)
  })

  test('every request held twice as long: throughput halves, judged higher-is-better, and fails the run', async () => {
    const r = await runner([], { LOAD_SERVER: 'half' })
    expect(r.code, r.output).toBe(1)
    expect(r.output).toMatch(/✗ .*search endpoint under load: throughput 0\.\d\d× lower, a regression/)
  })
})
