import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { main } from '../../src/cli/main.js'
import { detect } from '../../src/detect/detect.js'
import { appendRecord, readStore } from '../../src/store/store.js'
import { SCHEMA_VERSION, type BaselineEvent } from '../../src/types.js'
import { baselineRuns, detectConfig, NOW, result, run, tempDir, outputCapture } from './helpers.js'

const event = (action: 'accept' | 'reset', time: Date, runId?: string): BaselineEvent => ({
  schema: SCHEMA_VERSION,
  kind: 'baseline-event',
  id: `event-${action}-${time.getTime()}`,
  time: time.toISOString(),
  action,
  ...(runId ? { run_id: runId } : {}),
  reason: 'intended',
  who: 'tester',
})
const hours = (h: number) => new Date(NOW.getTime() - h * 3_600_000)

describe('baseline events in the detector', () => {
  const base = baselineRuns('parse', [1e6, 1e6, 1e6, 1e6, 1e6, 1e6]) // 1 h to 6 h ago
  const slow = run({ id: 'slow', time: hours(0.5), mode: 'compare', medians: { parse: 2e6 } })
  const current = [result('parse', 2e6)]
  const judge = (events: BaselineEvent[], history = [...base, slow]) =>
    detect({ current, history, events, config: detectConfig(), now: NOW })[0]!

  test('without events, 2x is a regression', () => {
    expect(judge([]).kind).toBe('regression')
  })

  test('an accepted run starts the baseline: earlier runs stop counting, the accepted one counts', () => {
    const v = judge([event('accept', hours(0.2), 'slow')])
    expect(v.kind).toBe('insufficient-data')
    expect(v.kind === 'insufficient-data' && v.baseline_runs).toBe(1)
    expect(v.kind === 'insufficient-data' && v.baseline).toBe(2e6)
  })

  test('a reset drops every earlier baseline; events after now do not count yet', () => {
    expect(judge([event('reset', hours(0.2))]).kind).toBe('new')
    expect(judge([event('reset', new Date(NOW.getTime() + 60_000))]).kind).toBe('regression')
  })

  test('new baseline runs after an accept are judged against the accepted level', () => {
    const after = baselineRuns('parse', [2e6, 2.02e6, 1.98e6, 2e6], { time: undefined }).map((r, i) => ({ ...r, id: `after-${i}`, time: new Date(NOW.getTime() - (i + 1) * 60_000).toISOString() }))
    const v = detect({ current, history: [...base, slow, ...after], events: [event('accept', hours(0.2), 'slow')], config: detectConfig(), now: NOW })[0]!
    expect(v.kind).toBe('unchanged')
    expect('evidence' in v && v.evidence.baseline_runs).toBe(5)
  })
})

describe('check, history and baseline commands', () => {
  const { out, err, outputs, reset } = outputCapture()
  afterEach(reset)
  const store = async (fn: (dir: string, file: string) => Promise<void>) => {
    const { dir, cleanup } = await tempDir()
    const file = path.join(dir, '.perf/benchmarks.jsonl')
    try {
      // Times relative to the real clock: the commands judge against the window as of now.
      const values = [1e6, 1.01e6, 0.99e6, 1e6, 1.02e6]
      for (const [i, v] of values.entries()) {
        await appendRecord(file, run({ time: new Date(Date.now() - (values.length - i) * 3_600_000), medians: { parse: v } }))
      }
      await appendRecord(file, run({ id: 'slow-run', time: new Date(), mode: 'compare', medians: { parse: 2.1e6 } }))
      await fn(dir, file)
    } finally {
      await cleanup()
    }
  }
  const env = { NO_COLOR: '1', GITHUB_ACTOR: 'octocat' }

  test('check exits 1 on a regression, 0 with failOn never, 2 on bad input', async () => {
    await store(async (dir) => {
      expect(await main(['check'], { ...outputs, cwd: dir, env })).toBe(1)
      expect(out.join('')).toContain('✗ regression (critical)')
      expect(await main(['check', '--fail-on', 'never'], { ...outputs, cwd: dir, env })).toBe(0)
      expect(await main(['check', '--fail-on', 'sometimes'], { ...outputs, cwd: dir, env })).toBe(2)
      expect(err.join('')).toContain('failOn must be one of')
      expect(await main(['check', '--nope'], { ...outputs, cwd: dir, env })).toBe(2)
    })
  })

  test('history lists the runs of matching tests with the baseline band', async () => {
    await store(async (dir) => {
      expect(await main(['history', 'par*'], { ...outputs, cwd: dir, env })).toBe(0)
      const text = out.join('')
      expect(text).toContain('test/bench.test.ts > parse')
      expect(text).toMatch(/baseline 1\.00 ms over 5 runs/)
      expect(text.match(/ baseline {2}/g)).toHaveLength(5)
      expect(text.match(/ compare {3}/g)).toHaveLength(1)
      expect(await main(['history', 'nothing*'], { ...outputs, cwd: dir, env })).toBe(2)
      expect(await main(['history', '--runs', '0'], { ...outputs, cwd: dir, env })).toBe(2)
    })
  })

  test('baseline accept needs a reason, is recorded with who and why, and makes check pass', async () => {
    await store(async (dir, file) => {
      expect(await main(['baseline', 'accept'], { ...outputs, cwd: dir, env })).toBe(2)
      expect(err.join('')).toContain('needs --reason')
      expect(await main(['baseline', 'accept', '--reason', 'parser does more work now'], { ...outputs, cwd: dir, env })).toBe(0)
      const { events } = await readStore(file)
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({ action: 'accept', run_id: 'slow-run', who: 'octocat', reason: 'parser does more work now' })
      expect(await main(['check'], { ...outputs, cwd: dir, env })).toBe(0)
      expect(await main(['baseline', 'show'], { ...outputs, cwd: dir, env })).toBe(0)
      expect(out.join('')).toContain('accept run slow-run by octocat: parser does more work now')
    })
  })

  test('baseline reset, unknown actions and runs', async () => {
    await store(async (dir, file) => {
      expect(await main(['baseline', 'reset', '--reason', 'new CI machines'], { ...outputs, cwd: dir, env })).toBe(0)
      expect((await readStore(file)).events[0]!.action).toBe('reset')
      expect(await main(['baseline', 'drop'], { ...outputs, cwd: dir, env })).toBe(2)
      expect(await main(['baseline', 'accept', '--run', 'zzz', '--reason', 'x'], { ...outputs, cwd: dir, env })).toBe(2)
      expect(await main(['baseline'], { ...outputs, cwd: dir, env })).toBe(2)
    })
  })

  test('an A/B run is passed over by check and baseline accept, and can never be accepted', async () => {
    await store(async (dir, file) => {
      const ab = run({ id: 'ab-run', time: new Date(), mode: 'compare', medians: { parse: 1e6 } })
      await appendRecord(file, { ...ab, ab: { base_commit: 'abcdef1234567', base_ref: 'origin/main', design: 'paired', base_results: ab.results } })
      // The latest history run is still the slow one.
      expect(await main(['check'], { ...outputs, cwd: dir, env })).toBe(1)
      expect(await main(['baseline', 'accept', '--run', 'ab-run', '--reason', 'x'], { ...outputs, cwd: dir, env })).toBe(2)
      expect(err.join('')).toContain('is an A/B run (perf-regression ab), which never becomes a baseline')
      expect(await main(['baseline', 'accept', '--reason', 'intended'], { ...outputs, cwd: dir, env })).toBe(0)
      expect((await readStore(file)).events[0]).toMatchObject({ action: 'accept', run_id: 'slow-run' })
    })
  })

  test('an accept event that names an A/B run does not make it a baseline', () => {
    const base = baselineRuns('parse', [1e6, 1e6, 1e6, 1e6, 1e6, 1e6])
    const abRun = run({ id: 'ab', time: hours(0.5), mode: 'compare', medians: { parse: 2e6 } })
    const history = [...base, { ...abRun, ab: { base_commit: 'abcdef1', base_ref: 'main', design: 'paired' as const, base_results: abRun.results } }]
    const v = detect({ current: [result('parse', 2e6)], history, events: [event('accept', hours(0.2), 'ab')], config: detectConfig(), now: NOW })[0]!
    expect(v.kind).toBe('new')
  })
})
