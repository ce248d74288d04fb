import { afterEach, beforeEach, describe, test, expect } from 'vitest'
import { appendFile, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { buildRecord, finishRun, type CollectedSample, type FinishInput } from '../../src/core/run.js'
import { envKey } from '../../src/env/environment.js'
import { readStore } from '../../src/store/store.js'
import type { ResolvedConfig } from '../../src/config/options.js'
import { config, ENV, NOW, ref, RUNNER, sample, tempDir } from './helpers.js'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(async () => {
  await cleanup()
})

const STORE = 'perf/history.jsonl'
const storeFile = () => path.join(dir, STORE)
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000)

function samples(medians: Record<string, number>): CollectedSample[] {
  return Object.entries(medians).map(([name, median]) => ({ test: ref(name), runner: RUNNER, sample: sample(median) }))
}

function input(medians: Record<string, number>, extra: Partial<FinishInput> & { cfg?: Partial<ResolvedConfig> } = {}): FinishInput {
  const { cfg, ...rest } = extra
  return {
    samples: samples(medians),
    config: config({ store: STORE, ...cfg }),
    root: dir,
    env: ENV,
    git: { commit: 'abc', branch: 'main' },
    now: NOW,
    ...rest,
  }
}

const PARSE = [1.0e6, 1.01e6, 0.99e6, 1.02e6, 0.98e6]
const RENDER = PARSE.map((v) => 2 * v)

/** Five establish runs, one hour apart, ending one hour before NOW. */
async function establish() {
  const outcomes = []
  for (let i = 0; i < 5; i++) {
    outcomes.push(
      await finishRun(
        input({ parse: PARSE[i]!, render: RENDER[i]! }, { cfg: { baselineMode: 'establish' }, now: hoursAgo(5 - i), runId: `est-${i}` }),
      ),
    )
  }
  return outcomes
}

describe('finishRun', () => {
  test('establish runs: new, then insufficient data; each appends a baseline record; none fails', async () => {
    const outcomes = await establish()
    expect(outcomes[0]!.verdicts.map((v) => v.kind)).toEqual(['new', 'new'])
    outcomes.slice(1).forEach((o, i) => {
      expect(o.verdicts.map((v) => v.kind)).toEqual(['insufficient-data', 'insufficient-data'])
      const v = o.verdicts[0]!
      expect(v.kind === 'insufficient-data' && v.baseline_runs).toBe(i + 1)
    })
    for (const o of outcomes) {
      expect(o.failing).toEqual([])
      expect(o.warnings).toEqual([])
      expect(o.storePath).toBe(storeFile())
      expect(o.record.mode).toBe('baseline')
    }
    const { runs, warnings } = await readStore(storeFile())
    expect(warnings).toEqual([])
    expect(runs.map((r) => r.id)).toEqual(['est-0', 'est-1', 'est-2', 'est-3', 'est-4'])
    expect(runs.every((r) => r.mode === 'baseline')).toBe(true)
    expect(runs[4]).toEqual(outcomes[4]!.record)
  })

  test('a compare run after five baselines: unchanged and a failing 2× regression', async () => {
    await establish()
    const o = await finishRun(input({ parse: 1e6, render: 4e6 }, { runId: 'cmp' }))
    expect(o.record.mode).toBe('compare')
    const [parse, render] = o.verdicts
    expect(parse!.kind).toBe('unchanged')
    expect(render!.kind).toBe('regression')
    expect(render!.kind === 'regression' && render!.severity).toBe('critical')
    expect(render!.kind === 'regression' && render!.evidence.baseline_runs).toBe(5)
    expect(o.failing).toEqual([render])
    const { runs } = await readStore(storeFile())
    expect(runs).toHaveLength(6)
    expect(runs[5]!.id).toBe('cmp')
    expect(runs[5]!.mode).toBe('compare')
  })

  test("failOn 'never' reports the regression without failing", async () => {
    await establish()
    const o = await finishRun(input({ parse: 1e6, render: 4e6 }, { cfg: { failOn: 'never' } }))
    expect(o.verdicts[1]!.kind).toBe('regression')
    expect(o.failing).toEqual([])
  })

  test('failOn above the severity does not fail', async () => {
    await establish()
    const o = await finishRun(input({ parse: 1.3e6, render: 2e6 }, { cfg: { failOn: 'moderate' } }))
    expect(o.verdicts[0]!.kind === 'regression' && o.verdicts[0]!.severity).toBe('minor')
    expect(o.failing).toEqual([])
  })

  test('an establish run never fails, even when it is slower', async () => {
    await establish()
    const o = await finishRun(input({ parse: 2e6, render: 2e6 }, { cfg: { baselineMode: 'establish' } }))
    expect(o.verdicts[0]!.kind).toBe('regression')
    expect(o.failing).toEqual([])
  })

  test('compare runs are not baselines', async () => {
    await establish()
    await finishRun(input({ parse: 3e6, render: 6e6 }, { now: hoursAgo(0.5) }))
    await finishRun(input({ parse: 3e6, render: 6e6 }, { now: hoursAgo(0.25) }))
    const o = await finishRun(input({ parse: 1e6, render: 2e6 }))
    expect(o.verdicts.map((v) => v.kind)).toEqual(['unchanged', 'unchanged'])
    expect(o.verdicts[0]!.kind === 'unchanged' && o.verdicts[0]!.evidence.baseline_runs).toBe(5)
  })

  test('record: false judges the run but appends nothing', async () => {
    await establish()
    const before = await readFile(storeFile())
    const o = await finishRun(input({ parse: 1e6, render: 4e6 }, { record: false }))
    expect(o.failing).toHaveLength(1)
    expect((await readFile(storeFile())).equals(before)).toBe(true)
  })

  test('no samples: nothing judged, no store created', async () => {
    const o = await finishRun(input({}))
    expect(o.verdicts).toEqual([])
    expect(o.failing).toEqual([])
    await expect(stat(storeFile())).rejects.toMatchObject({ code: 'ENOENT' })
  })

  test('store warnings are passed on, and the damaged line does not stop the run', async () => {
    await establish()
    await appendFile(storeFile(), 'garbage\n')
    const o = await finishRun(input({ parse: 1e6, render: 2e6 }))
    expect(o.warnings).toEqual([{ file: storeFile(), line: 6, message: 'not valid JSON; skipped' }])
    expect(o.verdicts.map((v) => v.kind)).toEqual(['unchanged', 'unchanged'])
  })

  test('an absolute store path is used as is', async () => {
    const file = path.join(dir, 'abs', 'h.jsonl')
    const o = await finishRun(input({ parse: 1e6 }, { cfg: { store: file } }))
    expect(o.storePath).toBe(file)
    expect((await readStore(file)).runs).toHaveLength(1)
  })

  test('a random run id when none is given', async () => {
    const a = await finishRun(input({ parse: 1e6 }, { record: false }))
    const b = await finishRun(input({ parse: 1e6 }, { record: false }))
    expect(a.record.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(a.record.id).not.toBe(b.record.id)
  })
})

describe('buildRecord', () => {
  test('a schema-1 run record with the env key of each runner', () => {
    const jest = { name: 'jest' as const, version: '30.0.0', pool: 'workers' }
    const record = buildRecord({
      samples: [...samples({ a: 5 }), { test: ref('b', { bench: 'x' }), runner: jest, sample: sample(7) }],
      config: config({ baselineMode: 'establish' }),
      env: ENV,
      git: { commit: 'c' },
      now: NOW,
      runId: 'id-1',
    })
    expect(record).toEqual({
      schema: 1,
      kind: 'run',
      id: 'id-1',
      time: '2025-06-01T12:00:00.000Z',
      mode: 'baseline',
      git: { commit: 'c' },
      env: ENV,
      results: [
        { test: ref('a'), runner: RUNNER, env_key: envKey(ENV, RUNNER), sample: sample(5) },
        { test: ref('b', { bench: 'x' }), runner: jest, env_key: envKey(ENV, jest), sample: sample(7) },
      ],
    })
    expect(buildRecord({ samples: [], config: config(), env: ENV, git: {}, now: NOW, runId: 'x' }).mode).toBe('compare')
  })
})
