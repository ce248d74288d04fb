import { describe, expect, test } from 'vitest'
import { suspectKey, type ConfirmPlan, type ConfirmResult } from '../../src/confirm/run.js'
import { confirmationLine } from '../../src/core/complete.js'
import { confirmSuspects } from '../../src/core/confirm.js'
import { finishRun, type FinishInput } from '../../src/core/run.js'
import { validateOptions } from '../../src/config/validate.js'
import type { PerfSample } from '../../src/types.js'
import { baselineRuns, ENV, NOW, ref, RUNNER, sample, tempDir } from './helpers.js'

/** Ten baseline runs around 1 ms with about 3% run-to-run noise. */
const BASELINE = [-1.5, -1, -0.6, -0.3, 0, 0, 0.3, 0.6, 1, 1.5].map((z) => 1e6 * Math.exp(0.03 * z))

async function withHistory<T>(body: (input: (medians: Record<string, number>, extra?: Partial<FinishInput>) => FinishInput) => Promise<T>): Promise<T> {
  const { dir, cleanup } = await tempDir()
  const config = validateOptions({ store: 'store.jsonl', confirm: { runs: 4, budget: 30 } })
  const input = (medians: Record<string, number>, extra: Partial<FinishInput> = {}): FinishInput => ({
    samples: Object.entries(medians).map(([name, median]) => ({ test: ref(name), runner: RUNNER, sample: sample(median) })),
    config,
    root: dir,
    env: ENV,
    git: {},
    now: NOW,
    ...extra,
  })
  try {
    const establish = validateOptions({ store: 'store.jsonl', baselineMode: 'establish' })
    for (const [i, median] of BASELINE.entries()) {
      await finishRun({ ...input({ parse: median, render: 2 * median }), config: establish, now: new Date(NOW.getTime() - (20 - i) * 3_600_000) })
    }
    return await body(input)
  } finally {
    await cleanup()
  }
}

/** A confirmer that hands out the given medians of `parse`, one per run, and records what it was asked. */
function fakeConfirmer(medians: number[]) {
  const asked: ConfirmPlan[] = []
  const confirm = async (plan: ConfirmPlan): Promise<ConfirmResult> => {
    asked.push(plan)
    const samples = new Map<string, PerfSample[]>()
    let runs = 0
    for (const m of medians.slice(0, plan.runs)) {
      runs++
      const key = suspectKey(ref('parse').file, 'parse', undefined)
      samples.set(key, [...(samples.get(key) ?? []), sample(m)])
      if (plan.decided?.(samples)) return { samples, runs, seconds: runs, ...(runs < plan.runs ? { stopped: 'decided' as const } : {}), notes: [] }
    }
    return { samples, runs, seconds: runs, notes: [] }
  }
  return { asked, confirm }
}

describe('confirmation of suspects', () => {
  test('a slowdown that the fresh processes do not show is not a regression any more', async () => {
    await withHistory(async (input) => {
      const fake = fakeConfirmer([1.0e6, 1.01e6, 0.99e6, 1.0e6])
      const outcome = await finishRun(input({ parse: 1.5e6, render: 2e6 }, { confirm: fake.confirm }))
      expect(fake.asked).toHaveLength(1)
      // Only the suspect is re-measured.
      expect(fake.asked[0]!.suspects).toEqual([{ file: ref('parse').file, name: 'parse' }])
      const parse = outcome.verdicts.find((v) => v.test.name === 'parse')!
      expect(parse.kind).not.toBe('regression')
      expect(parse.reason).toMatch(/; re-measured in \d more process/)
      expect(outcome.failing).toEqual([])
      expect(outcome.confirmation).toMatchObject({ tests: 1, changed: 1 })
      // The history keeps the first run only, as it was measured.
      expect(outcome.record.results.find((r) => r.test.name === 'parse')!.sample.wall_ns.median).toBe(1.5e6)
    })
  })

  test('a real slowdown survives confirmation and fails the run; it stops once decided', async () => {
    await withHistory(async (input) => {
      const fake = fakeConfirmer([1.52e6, 1.49e6, 1.5e6, 1.51e6])
      const outcome = await finishRun(input({ parse: 1.5e6, render: 2e6 }, { confirm: fake.confirm }))
      const parse = outcome.verdicts.find((v) => v.test.name === 'parse')!
      expect(parse.kind).toBe('regression')
      expect(outcome.failing.map((v) => v.test.name)).toEqual(['parse'])
      expect(outcome.confirmation).toMatchObject({ tests: 1, runs: 2, changed: 0, stopped: 'decided' })
      expect(confirmationLine(outcome.confirmation!)).toBe(
        '  perf-regression: re-measured 1 suspect test (a regression or an inconclusive verdict) in 2 fresh processes (2.0 s; stopped once decided): no verdict changed.',
      )
    })
  })

  test('nothing to confirm, confirm: false, or establish mode: the confirmer is never called', async () => {
    await withHistory(async (input) => {
      const fake = fakeConfirmer([1e6])
      const quiet = await finishRun(input({ parse: 1e6, render: 2e6 }, { confirm: fake.confirm }))
      expect(quiet.confirmation).toBeUndefined()
      const off = await finishRun(input({ parse: 1.5e6, render: 2e6 }, { confirm: fake.confirm, config: validateOptions({ store: 'store.jsonl', confirm: false }) }))
      expect(off.verdicts.find((v) => v.test.name === 'parse')!.kind).toBe('regression')
      await finishRun(input({ parse: 1.5e6, render: 2e6 }, { confirm: fake.confirm, config: validateOptions({ store: 'store.jsonl', baselineMode: 'establish' }) }))
      expect(fake.asked).toEqual([])
    })
  })

  test('runs that measured none of the suspects decide nothing, and the first verdict stands', async () => {
    await withHistory(async (input) => {
      const decisions: boolean[] = []
      const confirm = async (plan: ConfirmPlan): Promise<ConfirmResult> => {
        const samples = new Map<string, PerfSample[]>()
        for (let i = 0; i < plan.runs; i++) decisions.push(plan.decided!(samples))
        return { samples, runs: plan.runs, seconds: 1, notes: [] }
      }
      const outcome = await finishRun(input({ parse: 1.5e6, render: 2e6 }, { confirm }))
      expect(decisions).toEqual([false, false, false, false])
      expect(outcome.verdicts.find((v) => v.test.name === 'parse')!.kind).toBe('regression')
      expect(outcome.confirmation).toMatchObject({ tests: 1, changed: 0 })
    })
  })

  test('an inconclusive verdict that reads faster or the same is not re-measured; one that reads slower is, until decided', async () => {
    const config = validateOptions({ confirm: { runs: 4, budget: 30 } })
    const bands = config.thresholds
    const verdict = (name: string, ratio: number) => ({
      kind: 'inconclusive' as const,
      test: ref(name),
      key: name,
      reason: 'too wide',
      evidence: { metric: 'wall_ns' as const, window: { runs: 30, days: 90 }, current: ratio * 1e6, baseline: 1e6, ratio, interval: [0.7, 1.4] as [number, number], p_value: 0.4, q_value: 0.4, confidence: 0.95, noise: 0.1, detectable: 1.3, baseline_runs: 10, thresholds: bands },
    })
    const asked: ConfirmPlan[] = []
    const record = { schema: 1 as const, kind: 'run' as const, id: 'r', time: NOW.toISOString(), mode: 'compare' as const, git: {}, env: ENV, results: [] }
    await confirmSuspects({
      verdicts: [verdict('faster', 0.96), verdict('same', 1), verdict('slower', 1.12)],
      record,
      history: [],
      events: [],
      config,
      now: NOW,
      confirm: async (plan) => {
        asked.push(plan)
        return { samples: new Map(), runs: 0, seconds: 0, notes: [] }
      },
    })
    expect(asked.map((p) => p.suspects.map((s) => s.name))).toEqual([['slower']])
  })

  test('a first run measured on a busy machine is left out of the pool once two quiet runs exist', async () => {
    const config = validateOptions({ confirm: { runs: 4, budget: 30 } })
    const share = (cpu: number) => ({ core: { source: 'schedstat' as const, timed: { cpu } } })
    const history = baselineRuns('parse', BASELINE)
    for (const r of history) r.results[0]!.sample = { ...r.results[0]!.sample, ...share(0.95) }
    const { detect } = await import('../../src/detect/detect.js')
    const current = [{ ...history[0]!.results[0]!, sample: sample(2.4e6, share(0.2)) }]
    const record = { schema: 1 as const, kind: 'run' as const, id: 'r', time: NOW.toISOString(), mode: 'compare' as const, git: {}, env: ENV, results: current }
    const verdicts = detect({ current, history, config, now: NOW, runId: 'r' })
    expect(verdicts[0]!.kind).toBe('inconclusive')
    // Quiet confirmation runs: their median is 1.15 ms, below the band; with the busy 2.4 ms run
    // in the pool the median of four would be 1.225 ms, a regression.
    const quiet = [1.1e6, 1.15e6, 1.3e6].map((m) => sample(m, share(0.95)))
    const key = suspectKey(ref('parse').file, 'parse', undefined)
    const { verdicts: after } = await confirmSuspects({
      verdicts,
      record,
      history,
      events: [],
      config,
      now: NOW,
      confirm: async () => ({ samples: new Map([[key, quiet]]), runs: 3, seconds: 3, notes: [] }),
    })
    expect(after[0]!.kind).not.toBe('regression')
    expect(after[0]!.reason).toContain('re-measured in 3 more processes')
  })
})
