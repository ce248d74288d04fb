import { appendFile, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { main } from '../../src/cli/main.js'
import { appendRecord, readStore } from '../../src/store/store.js'
import { run, tempDir, outputCapture } from './helpers.js'

const { out, err, outputs, reset } = outputCapture()
afterEach(reset)
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000)

async function withStore(fn: (dir: string, file: string) => Promise<void>) {
  const { dir, cleanup } = await tempDir()
  const file = path.join(dir, '.perf/benchmarks.jsonl')
  try {
    // Old compare runs, then a current baseline of five runs.
    for (let i = 0; i < 4; i++) await appendRecord(file, run({ id: `old-${i}`, time: daysAgo(40 - i), mode: 'compare', medians: { parse: 1e6 } }))
    for (let i = 0; i < 5; i++) await appendRecord(file, run({ id: `base-${i}`, time: daysAgo(5 - i), medians: { parse: 1e6 } }))
    await fn(dir, file)
  } finally {
    await cleanup()
  }
}

describe('prune, compact and merge commands', () => {
  test('prune drops old runs and keeps the baseline in use', async () => {
    await withStore(async (dir, file) => {
      expect(await main(['prune', '--keep-days', '1'], { ...outputs, cwd: dir, env: {} })).toBe(0)
      const { runs } = await readStore(file)
      expect(runs.map((r) => r.id)).toEqual(['base-0', 'base-1', 'base-2', 'base-3', 'base-4'])
      expect(out.join('')).toMatch(/9 → 5 records/)
    })
  })

  test('prune needs a limit and valid numbers', async () => {
    await withStore(async (dir) => {
      expect(await main(['prune'], { ...outputs, cwd: dir, env: {} })).toBe(2)
      expect(await main(['prune', '--keep-runs=-1'], { ...outputs, cwd: dir, env: {} })).toBe(2)
      expect(err.join('')).toContain('--keep-runs an integer >= 0')
    })
  })

  test('compact removes garbage lines and lists them; reading alone never does', async () => {
    await withStore(async (dir, file) => {
      await appendFile(file, 'garbage\n')
      await appendRecord(file, run({ id: 'after', time: daysAgo(0.1), mode: 'compare', medians: { parse: 1e6 } }))
      const before = await readFile(file, 'utf8')
      await readStore(file)
      expect(await readFile(file, 'utf8')).toBe(before)
      expect(await main(['compact'], { ...outputs, cwd: dir, env: {} })).toBe(0)
      expect(err.join('')).toMatch(/dropped .*benchmarks\.jsonl:10: not valid JSON/)
      const after = await readFile(file, 'utf8')
      expect(after).not.toContain('garbage')
      expect(after.trim().split('\n')).toHaveLength(10)
    })
  })

  test('merge adds other stores without duplicates, in time order', async () => {
    await withStore(async (dir, file) => {
      const other = path.join(dir, 'job-2.jsonl')
      // The same record as in the store (a duplicate), and a new one.
      await appendRecord(other, (await readStore(file)).runs.find((r) => r.id === 'base-4')!)
      await appendRecord(other, run({ id: 'job2-run', time: daysAgo(2.5), mode: 'compare', medians: { parse: 1.1e6 } }))
      expect(await main(['merge', 'job-2.jsonl'], { ...outputs, cwd: dir, env: {} })).toBe(0)
      const { runs } = await readStore(file)
      expect(runs.map((r) => r.id)).toEqual(['old-0', 'old-1', 'old-2', 'old-3', 'base-0', 'base-1', 'base-2', 'job2-run', 'base-3', 'base-4'])
      expect(out.join('')).toContain('1 duplicates skipped')
      expect(await main(['merge', 'missing.jsonl'], { ...outputs, cwd: dir, env: {} })).toBe(2)
      expect(await main(['merge'], { ...outputs, cwd: dir, env: {} })).toBe(2)
    })
  })

  test('import: a Locust CSV joins the history as one run; a wrong file is refused clearly', async () => {
    await withStore(async (dir, file) => {
      const csv = [
        'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%',
        'GET,/api,100,0,12,13.5,5,40,512,50.2,0,12,13,14,15,18,20,25,30,38,40,40',
        ',Aggregated,100,0,12,13.5,5,40,512,50.2,0,12,13,14,15,18,20,25,30,38,40,40',
      ].join('\n')
      await writeFile(path.join(dir, 'load_stats.csv'), csv)
      expect(await main(['import', 'locust', 'load_stats.csv', '--mode', 'baseline'], { ...outputs, cwd: dir, env: {} })).toBe(0)
      const { runs } = await readStore(file)
      const last = runs.at(-1)!
      expect(last.mode).toBe('baseline')
      expect(last.results.map((r) => r.test.name)).toEqual(['GET /api', 'Aggregated'])
      expect(last.results[0]!.sample.wall_ns.median).toBe(12e6)
      await writeFile(path.join(dir, 'bench.json'), '{"nope": true}')
      expect(await main(['import', 'vitest-bench', 'bench.json'], { ...outputs, cwd: dir, env: {} })).toBe(2)
      expect(err.join('')).toContain('not a vitest bench JSON file')
      expect(await main(['import', 'pdf', 'x'], { ...outputs, cwd: dir, env: {} })).toBe(2)
    })
  })

  test('import: a k6 summary joins the history as one run of a load test; a Locust CSV given as k6 is refused', async () => {
    await withStore(async (dir, file) => {
      const summary = {
        metrics: {
          http_req_duration: { avg: 12, min: 2, med: 10, max: 200, 'p(90)': 21, 'p(95)': 27 },
          http_reqs: { count: 3000, rate: 99.96 },
          http_req_failed: { passes: 0, fails: 3000, value: 0 },
          vus_max: { value: 10, min: 10, max: 10 },
        },
      }
      await writeFile(path.join(dir, 'out.json'), JSON.stringify(summary))
      expect(await main(['import', 'k6', 'out.json'], { ...outputs, cwd: dir, env: {} })).toBe(0)
      expect(out.join('')).toMatch(/Imported 1 result from out\.json as compare run/)
      const last = (await readStore(file)).runs.at(-1)!
      expect(last.results[0]!.runner.name).toBe('k6')
      expect(last.results[0]!.sample.metrics?.throughput?.value).toBe(99.96)
      expect(last.results[0]!.sample.load?.steps[0]?.level).toBe(10)
      await writeFile(path.join(dir, 'load_stats.csv'), 'Type,Name\n')
      expect(await main(['import', 'k6', 'load_stats.csv'], { ...outputs, cwd: dir, env: {} })).toBe(2)
      expect(err.join('')).toContain('not a k6 summary (the file of k6 run --summary-export): invalid JSON')
    })
  })
})
