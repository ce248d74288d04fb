import { describe, expect, test } from 'vitest'
import { suspectKey, type ConfirmPlan, type ConfirmResult } from '../../src/confirm/run.js'
import { validateOptions } from '../../src/config/validate.js'
import { finishRun, type FinishInput, type RunOutcome } from '../../src/core/run.js'
import type { TestVerdict } from '../../src/detect/verdict.js'
import type { PerfSample } from '../../src/types.js'
import { ENV, NOW, ref, RUNNER, tempDir } from './helpers.js'
import { loadSample, type LoadFigures } from './load-fixtures.js'

const NAME = 'search under load'
const SPREAD = [0.99, 1.01, 1, 0.98, 1.02, 1, 0.99, 1.01]

/**
 * Eight baseline runs of a load test (1000 calls/s, p50 5 ms, p95 8 ms, no errors), then a compare
 * run of `first`. The confirmer hands out one run of `again` per process and stops when told the
 * suspects are decided; `confirm: false` judges the first run alone.
 */
async function judged(first: LoadFigures, again: LoadFigures[], confirm = true): Promise<{ outcome: RunOutcome; asked: ConfirmPlan[] }> {
  const { dir, cleanup } = await tempDir()
  try {
    const input = (s: PerfSample, extra: Partial<FinishInput> = {}): FinishInput => ({
      samples: [{ test: ref(NAME), runner: RUNNER, sample: s }],
      config: validateOptions({ store: 'store.jsonl', confirm: confirm ? { runs: 4, budget: 30 } : false }),
      root: dir,
      env: ENV,
      git: {},
      now: NOW,
      ...extra,
    })
    const establish = validateOptions({ store: 'store.jsonl', baselineMode: 'establish' })
    for (const [i, k] of SPREAD.entries()) {
      const s = loadSample({ throughput: 1000 / k, p50: 5 * k, p95: 8 * k, p99: 10 * k })
      await finishRun({ ...input(s), config: establish, now: new Date(NOW.getTime() - (10 - i) * 3_600_000) })
    }
    const asked: ConfirmPlan[] = []
    const fake = async (plan: ConfirmPlan): Promise<ConfirmResult> => {
      asked.push(plan)
      const key = suspectKey(ref(NAME).file, NAME, undefined)
      const samples = new Map<string, PerfSample[]>()
      let runs = 0
      for (const f of again.slice(0, plan.runs)) {
        runs++
        samples.set(key, [...(samples.get(key) ?? []), loadSample(f)])
        if (plan.decided?.(samples)) return { samples, runs, seconds: runs, ...(runs < plan.runs ? { stopped: 'decided' as const } : {}), notes: [] }
      }
      return { samples, runs, seconds: runs, notes: [] }
    }
    return { outcome: await finishRun(input(loadSample(first), { confirm: fake })), asked }
  } finally {
    await cleanup()
  }
}

const findings = (v: TestVerdict) => (v.findings ?? []).map((f) => `${f.kind} ${f.metric} ${f.direction}`)

/** A first run whose calls are as fast as usual (p50 and p95) but whose throughput fell to 700 calls/s. */
const SLOW_THROUGHPUT: LoadFigures = { throughput: 700, p50: 5, p95: 8, p99: 10 }
const USUAL: LoadFigures = { throughput: 1000, p50: 5, p95: 8, p99: 10 }

describe('confirmation of load findings', () => {
  test('judged on its first run alone, a fall in throughput fails the run while the wall time is unchanged', async () => {
    const { outcome, asked } = await judged(SLOW_THROUGHPUT, [], false)
    const v = outcome.verdicts[0]!
    expect(v.kind).toBe('unchanged')
    expect(findings(v)).toEqual(['metric throughput worse'])
    expect(outcome.failing).toHaveLength(1)
    expect(asked).toEqual([])
  })

  test('a fall in throughput alone makes the test a suspect; it passes when the fresh runs are as usual', async () => {
    const { outcome, asked } = await judged(SLOW_THROUGHPUT, [USUAL, { ...USUAL, throughput: 1010 }, USUAL, USUAL])
    expect(asked.map((p) => p.suspects)).toEqual([[{ file: ref(NAME).file, name: NAME }]])
    const v = outcome.verdicts[0]!
    expect(findings(v)).toEqual([])
    expect(v.reason).toContain('re-measured in 2 more processes')
    expect(outcome.failing).toEqual([])
    // The wall-time verdict is the same, but the run no longer fails: that counts as a change.
    expect(outcome.confirmation).toMatchObject({ tests: 1, runs: 2, changed: 1, stopped: 'decided' })
    // The store keeps the first run as measured.
    expect(outcome.record.results[0]!.sample.metrics!.throughput!.value).toBe(700)
  })

  test('a fall in throughput that the fresh runs confirm still fails the run, on the figures re-measured', async () => {
    const { outcome } = await judged(SLOW_THROUGHPUT, [{ ...USUAL, throughput: 690 }, { ...USUAL, throughput: 710 }, USUAL, USUAL])
    const v = outcome.verdicts[0]!
    expect(outcome.failing.map((f) => f.test.name)).toEqual([NAME])
    const throughput = v.findings!.find((f) => f.metric === 'throughput')!
    expect(throughput).toMatchObject({ kind: 'metric', direction: 'worse' })
    // The finding is the latest re-measurement's, not the first run's 700 calls/s.
    expect(throughput.current).toBe(710)
    expect(outcome.confirmation).toMatchObject({ tests: 1, runs: 2, changed: 0, stopped: 'decided' })
  })

  test('a rise in the p95 latency is re-measured too', async () => {
    const { outcome, asked } = await judged({ ...USUAL, p95: 12 }, [USUAL, USUAL, USUAL, USUAL])
    expect(asked).toHaveLength(1)
    expect(findings(outcome.verdicts[0]!)).toEqual([])
    expect(outcome.failing).toEqual([])
  })

  test('an error rate above its limit is not re-measured: it fails the run at once', async () => {
    const { outcome, asked } = await judged({ ...USUAL, errors: 50 }, [USUAL, USUAL, USUAL, USUAL])
    expect(asked).toEqual([])
    const v = outcome.verdicts[0]!
    expect(findings(v)).toEqual(['limit error rate worse'])
    expect(outcome.failing.map((f) => f.test.name)).toEqual([NAME])
    expect(outcome.confirmation).toBeUndefined()
  })

  test('a test re-measured for its throughput keeps the error-rate limit its first run crossed', async () => {
    const { outcome, asked } = await judged({ ...SLOW_THROUGHPUT, errors: 50 }, [USUAL, USUAL, USUAL, USUAL])
    expect(asked).toHaveLength(1)
    const v = outcome.verdicts[0]!
    // The throughput is judged on the fresh runs (as usual: no finding); the errors of the first run stand.
    expect(findings(v)).toEqual(['limit error rate worse'])
    expect(v.findings![0]!.current).toBe(5)
    expect(outcome.failing.map((f) => f.test.name)).toEqual([NAME])
  })

  test('a throughput that got better is not a suspect', async () => {
    const { outcome, asked } = await judged({ ...USUAL, throughput: 1500 }, [USUAL])
    expect(findings(outcome.verdicts[0]!)).toEqual(['metric throughput better'])
    expect(asked).toEqual([])
  })
})
