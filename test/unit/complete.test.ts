/**
 * completeRun, the end of every runner's run, with the process replaced by fakes: the
 * environment, the clock, the machine, git, and the outputs annotations and notes go to.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { ResolvedConfig } from '../../src/config/options.js'
import { ConfigError } from '../../src/config/validate.js'
import { completeRun, type CompleteDeps, type CompleteInput } from '../../src/core/complete.js'
import type { CollectedSample } from '../../src/core/run.js'
import { envKey } from '../../src/env/environment.js'
import { appendRecord, readStore } from '../../src/store/store.js'
import { ANNOTATION, runnerLines } from './commands.js'
import { baselineRuns, config, ENV, NOW, noisy, outputCapture, ref, RUNNER, sample, tempDir } from './helpers.js'

const STORE = '.perf/benchmarks.jsonl'
const NO_REPORTS = { markdown: false, json: false, html: false, issue: false } as const
const HINT = 'npx perf-regression vitest run --baseline-mode=establish'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(async () => {
  await cleanup()
})

const io = outputCapture()
afterEach(io.reset)

const storeFile = () => path.join(dir, STORE)
const samples = (medians: Record<string, number>): CollectedSample[] =>
  Object.entries(medians).map(([name, median]) => ({ test: ref(name), runner: RUNNER, sample: sample(median) }))

/** Runs completeRun in `dir` with fakes for everything it would take from the process. */
async function complete(medians: Record<string, number>, options: { cfg?: Partial<ResolvedConfig>; record?: boolean; deps?: Partial<CompleteDeps> } = {}) {
  const logged: string[] = []
  const input: CompleteInput = {
    samples: samples(medians),
    config: config({ store: STORE, reports: NO_REPORTS, ...options.cfg }),
    root: dir,
    record: options.record ?? true,
    color: false,
    establishHint: HINT,
    log: (text) => logged.push(text),
  }
  const deps: CompleteDeps = {
    env: {},
    now: () => NOW,
    stdout: io.outputs.stdout,
    stderr: io.outputs.stderr,
    machine: () => ENV,
    git: () => ({ commit: 'c0ffee', branch: 'feature' }),
    notify: async () => undefined,
    ...options.deps,
  }
  const result = await completeRun(input, deps)
  return { result, printed: logged.join('\n') }
}

/** Six baseline runs of `parse` around 1 ms, as recorded on this (fake) machine. */
async function writeBaseline(): Promise<void> {
  const key = envKey(ENV, RUNNER)
  for (const r of baselineRuns('parse', noisy(1e6, 6, 0.01, 7), { envKey: key })) await appendRecord(storeFile(), r)
}

describe('completeRun', () => {
  test('a first run with no baseline is recorded, says so and shows how to record one', async () => {
    const { result, printed } = await complete({ parse: 1e6 })
    expect(result).toEqual({ regressions: 0 })
    expect(printed).toContain('No baseline yet for this test')
    expect(printed).toContain(`Record one on your main branch with: ${HINT}`)
    const { runs } = await readStore(storeFile())
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ mode: 'compare', time: NOW.toISOString(), git: { commit: 'c0ffee', branch: 'feature' }, env: ENV })
    expect(runs[0]!.results.map((r) => r.test.name)).toEqual(['parse'])
    expect(io.out).toEqual([])
  })

  test('the environment it is given decides the repeat group and the baseline mode stays the config’s', async () => {
    await complete({ parse: 1e6 }, { deps: { env: { PERF_REPEAT_GROUP: 'group-1' } } })
    await complete({ parse: 1e6 }, { cfg: { baselineMode: 'establish' } })
    const { runs } = await readStore(storeFile())
    expect(runs.map((r) => [r.mode, r.group])).toEqual([
      ['compare', 'group-1'],
      ['baseline', undefined],
    ])
  })

  test('record: false judges the run and leaves the store untouched', async () => {
    const { result, printed } = await complete({ parse: 1e6 }, { record: false })
    expect(result).toEqual({ regressions: 0 })
    expect(printed).toContain('No baseline yet')
    await expect(stat(storeFile())).rejects.toMatchObject({ code: 'ENOENT' })

    await writeBaseline()
    const before = await readFile(storeFile(), 'utf8')
    expect((await complete({ parse: 2e6 }, { record: false })).result.regressions).toBe(1)
    expect(await readFile(storeFile(), 'utf8')).toBe(before)
  })

  test('a regression is counted and explained; inside GitHub Actions it is annotated on the given stdout', async () => {
    await writeBaseline()
    const { result, printed } = await complete({ parse: 2e6 }, { deps: { env: { GITHUB_ACTIONS: 'true' } } })
    expect(result).toEqual({ regressions: 1 })
    expect(printed).toContain('✗ regression (critical)')
    expect(printed).toContain('perf-regression: 1 failing test at or above "minor": failing the run.')
    const lines = runnerLines(io.out.join('')).filter((l) => l !== '')
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.every((l) => ANNOTATION.test(l))).toBe(true)
    expect(lines[0]).toMatch(/^::error file=test\/bench\.test\.ts[^:]*::.*parse/)
  })

  test('outside GitHub Actions, or with github: false, nothing is annotated', async () => {
    await writeBaseline()
    expect((await complete({ parse: 2e6 })).result.regressions).toBe(1)
    expect((await complete({ parse: 2e6 }, { cfg: { github: false }, deps: { env: { GITHUB_ACTIONS: 'true' } } })).result.regressions).toBe(1)
    expect(io.out).toEqual([])
  })

  test('a store that is a folder: an error with the path and what to do, not a throw, nothing printed', async () => {
    await mkdir(storeFile(), { recursive: true })
    const { result, printed } = await complete({ parse: 1e6 })
    expect(result.regressions).toBe(0)
    expect(result.error).toContain(`cannot read the history store ${storeFile()}`)
    expect(result.error).toContain('EISDIR')
    expect(result.error).toContain('the `store` option must name a file')
    expect(printed).toBe('')
  })

  test('a store under a file instead of a folder: an error, not a throw', async () => {
    await writeFile(path.join(dir, '.perf'), 'not a folder')
    const { result } = await complete({ parse: 1e6 })
    expect(result.regressions).toBe(0)
    expect(result.error).toContain(storeFile())
    expect(result.error).toContain('ENOTDIR')
  })

  test('a configuration error met on the way is returned as the error', async () => {
    const git = () => {
      throw new ConfigError(['store must be a path'])
    }
    const { result } = await complete({ parse: 1e6 }, { deps: { git } })
    expect(result).toEqual({ regressions: 0, error: 'perf-regression: invalid configuration: store must be a path' })
  })

  test('any other error is a bug and is thrown', async () => {
    const machine = () => {
      throw new TypeError('broken probe')
    }
    await expect(complete({ parse: 1e6 }, { deps: { machine } })).rejects.toThrow('broken probe')
  })

  test('the configured reports are written; a report that cannot be written is a warning, the run still judged and recorded', async () => {
    await mkdir(path.join(dir, '.perf', 'report.md'), { recursive: true })
    await writeFile(path.join(dir, '.perf', 'report.md', 'keep'), 'a folder in the way')
    const reports = { markdown: '.perf/report.md', json: '.perf/analysis.json', html: false, issue: false } as const
    const { result, printed } = await complete({ parse: 1e6 }, { cfg: { reports } })
    expect(result).toEqual({ regressions: 0 })
    expect(printed).toMatch(new RegExp(`perf-regression: warning: cannot write the Markdown report ${path.join(dir, '.perf', 'report.md')}: `))
    expect(JSON.parse(await readFile(path.join(dir, '.perf', 'analysis.json'), 'utf8'))).toMatchObject({ schema: 1 })
    expect((await readStore(storeFile())).runs).toHaveLength(1)
    expect((await readdir(path.join(dir, '.perf'))).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })
})
