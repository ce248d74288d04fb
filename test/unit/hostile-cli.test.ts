/**
 * Every command of the CLI over a store that holds hostile strings in every string field,
 * at a hostile path, with hostile arguments: nothing printed, on stdout or stderr, is a
 * workflow command, and the hostile text does reach the output (made harmless).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { execFileSync } from 'node:child_process'
import { cp, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { main } from '../../src/cli/main.js'
import { appendRecord } from '../../src/store/store.js'
import { collectEnv, envKey } from '../../src/env/environment.js'
import type { RunnerInfo, TestRef } from '../../src/types.js'
import { outputCapture, run, tempDir } from './helpers.js'
import { expectSafe, hostile, HOSTILE_DIR, writeHostileStore } from './hostile-output.js'

let dir: string
let cleanup: () => Promise<void>
let abId: string
const STORE = path.join('.perf', HOSTILE_DIR, 'benchmarks.jsonl')
const OTHER = path.join(HOSTILE_DIR, 'other.jsonl')
const BENCH = path.join(HOSTILE_DIR, 'bench.json')
const runner: RunnerInfo = { name: 'vitest', version: '4.1.12', pool: 'forks' }

beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
  const tests: TestRef[] = [0, 1, 2].map((i) => ({ file: `test/${hostile(`file ${i}`)}.test.ts`, name: hostile(`name ${i}`), project: hostile('project'), ...(i === 0 ? { bench: hostile('bench') } : {}) }))
  const now = new Date()
  abId = await writeHostileStore(path.join(dir, STORE), { s: hostile, tests, runner, envKey: envKey(collectEnv(), runner), now })
  // The latest run, judged by check and report: the first test 2.3× slower.
  await appendRecord(path.join(dir, STORE), {
    ...run({ id: hostile('latest'), time: new Date(now.getTime() - 60_000), mode: 'compare', medians: {} }),
    results: tests.map((test, i) => ({ test, runner, env_key: envKey(collectEnv(), runner), sample: { ...run({ medians: { x: i === 0 ? 2.3e6 : 1e6 } }).results[0]!.sample } })),
  })
  // Another job's store: the same hostile records (duplicates), one with a known id and other content, and its own bad lines.
  await writeHostileStore(path.join(dir, OTHER), { s: hostile, tests, runner, envKey: 'other', now })
  await appendRecord(path.join(dir, OTHER), run({ id: hostile('latest'), medians: { other: 1 } }))
  const bench = { files: [{ filepath: path.join(dir, `${hostile('bench file')}.bench.ts`), groups: [{ fullName: hostile('group'), benchmarks: [{ id: hostile('id'), name: hostile('benchmark'), rank: 1, rme: 1, samples: [], totalTime: 500, min: 0.8, max: 3, hz: 1000, period: 1, mean: 1.1, variance: 0, sd: 0.05, sem: 0, df: 999, critical: 1.96, moe: 0, p75: 1.2, p99: 2, p995: 2.2, p999: 2.5, sampleCount: 1000, median: 1 }] }] }] }
  await writeFile(path.join(dir, BENCH), JSON.stringify(bench))
  await writeFile(path.join(dir, HOSTILE_DIR, 'bad.csv'), hostile('csv'))
  await writeFile(path.join(dir, HOSTILE_DIR, 'empty.jsonl'), '')
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ devDependencies: { vitest: '*' } }))
  execFileSync('git', ['init', '--quiet'], { cwd: dir })
}, 60_000)
afterAll(async () => {
  await cleanup()
})

const { out, err, outputs, reset } = outputCapture()
afterEach(reset)

const env = () => ({ NO_COLOR: '1', GITHUB_ACTOR: hostile('actor') }) as NodeJS.ProcessEnv
const store = ['--store', STORE]

/** Runs a command in the project folder; returns its exit code and what it printed. */
async function cli(args: string[]): Promise<{ code: number | undefined; printed: string }> {
  const code = await main(args, { ...outputs, cwd: dir, env: env() })
  const printed = out.join('') + err.join('')
  expectSafe(out.join(''))
  expectSafe(err.join(''))
  reset()
  return { code, printed }
}

/** Every command reads and prints hostile text; the order matters where a command changes the store. */
const COMMANDS: [string, () => string[], number, string?][] = [
  ['history', () => ['history', ...store], 0],
  ['history of no match', () => ['history', hostile('glob'), ...store], 2],
  ['history with bad --runs', () => ['history', '--runs', hostile('runs'), ...store], 2],
  ['check', () => ['check', ...store], 1],
  ['check of a missing run', () => ['check', '--run', hostile('missing'), ...store], 2],
  ['report', () => ['report', ...store], 0],
  ['report of the A/B run', () => ['report', '--run', abId, ...store], 0],
  ['report --format md', () => ['report', '--format', 'md', ...store], 0, '\\#\\#\\['],
  ['report --format json', () => ['report', '--format', 'json', ...store], 0, '\\u0023\\u0023['],
  ['report --format html', () => ['report', '--format', 'html', ...store], 0, '#&#35;['],
  ['report --out', () => ['report', '--out', path.join(HOSTILE_DIR, 'report.txt'), ...store], 0],
  ['report with a bad --format', () => ['report', '--format', hostile('format'), ...store], 2],
  ['baseline show', () => ['baseline', 'show', ...store], 0],
  ['baseline of an unknown action', () => ['baseline', hostile('action'), ...store], 2],
  ['baseline accept of a missing run', () => ['baseline', 'accept', '--run', hostile('nope'), '--reason', 'r', ...store], 2],
  ['baseline accept of the A/B run', () => ['baseline', 'accept', '--run', abId, '--reason', 'r', ...store], 2],
  ['baseline accept', () => ['baseline', 'accept', '--reason', hostile('reason'), ...store], 0],
  ['baseline reset', () => ['baseline', 'reset', '--reason', hostile('reason'), ...store], 0],
  ['merge', () => ['merge', OTHER, ...store], 0],
  ['merge of a store with no records', () => ['merge', path.join(HOSTILE_DIR, 'empty.jsonl'), ...store], 2],
  ['compact', () => ['compact', ...store], 0],
  ['prune with a bad limit', () => ['prune', '--keep-days', hostile('days'), ...store], 2],
  ['prune', () => ['prune', '--keep-runs', '1000', ...store], 0],
  ['import', () => ['import', 'vitest-bench', BENCH, ...store], 0],
  ['import of a missing file', () => ['import', 'vitest-bench', path.join(HOSTILE_DIR, hostile('missing')), ...store], 2],
  ['import of a bad file', () => ['import', 'locust', path.join(HOSTILE_DIR, 'bad.csv'), ...store], 2],
  ['import with a bad --mode', () => ['import', 'vitest-bench', BENCH, '--mode', hostile('mode'), ...store], 2],
  ['an unknown command', () => [hostile('command')], 2],
  ['ab with a bad --budget', () => ['ab', '--budget', hostile('budget')], 2],
  ['ab with a bad runner', () => ['ab', '--', hostile('runner')], 2],
  ['ab with a base that does not exist', () => ['ab', '--base', hostile('base')], 2],
  ['vitest with a bad --baseline-mode', () => ['vitest', `--baseline-mode=${hostile('mode')}`], 2],
]

describe('the CLI over a hostile store', () => {
  test.each(COMMANDS)('%s: no command printed, the hostile text shown harmless', async (_, args, code, harmless = '#♯[') => {
    const result = await cli(args())
    expect(result.code).toBe(code)
    expect(result.printed).toContain(harmless)
  })

  test('the hostile store was read: the latest run regresses, store warnings and the A/B run are shown', async () => {
    // The commands above compacted the copy; a fresh one still has its bad lines.
    await mkdir(path.join(dir, 'fresh'), { recursive: true })
    await cp(path.join(dir, OTHER), path.join(dir, 'fresh', 'store.jsonl'))
    const check = await cli(['check', '--store', path.join('fresh', 'store.jsonl')])
    expect(check.printed).toContain('warning: ')
    expect(check.printed).toContain('kind: expected "run" or "baseline-event"')
    const ab = await cli(['report', '--run', abId, '--store', path.join('fresh', 'store.jsonl')])
    expect(ab.printed).toContain('A/B: HEAD against base abcdef1234 (:∶error::base ref')
  })
})
