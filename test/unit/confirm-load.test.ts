import { describe, expect, test } from 'vitest'
import { suspectKey, type ConfirmPlan, type ConfirmResult } from '../../src/confirm/run.js'
import { validateOptions } from '../../src/config/validate.js'
import { finishRun, type FinishInput, type RunOutcome } from '../../src/core/run.js'
import { renderJson } from '../../src/report/json.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { buildReportModel } from '../../src/report/model.js'
import { renderTerminal } from '../../src/report/terminal.js'
import type { PerfSample } from '../../src/types.js'
import { ENV, NOW, ref, RUNNER, tempDir } from './helpers.js'
import { loadSample, type LoadFigures } from './load-fixtures.js'

const SPREAD = [0.99, 1.01, 1, 0.98, 1.02, 1, 0.99, 1.01]
const base = (k: number) => loadSample({ throughput: 1000 / k, p50: 5 * k, p95: 8 * k, p99: 10 * k })

/** Eight baseline runs of a load test (1000 calls/s, p50 5 ms), a first compare run of `first`, re-measured by runs of `again`. */
async function judged(first: LoadFigures, again: LoadFigures[]): Promise<{ outcome: RunOutcome; asked: number }> {
  const { dir, cleanup } = await tempDir()
  try {
    const input = (s: PerfSample, extra: Partial<FinishInput> = {}): FinishInput => ({
      samples: [{ test: ref('search under load'), runner: RUNNER, sample: s }],
      config: validateOptions({ store: 'store.jsonl', confirm: { runs: again.length, budget: 30 } }),
      root: dir,
      env: ENV,
      git: {},
      now: NOW,
      ...extra,
    })
    const establish = validateOptions({ store: 'store.jsonl', baselineMode: 'establish' })
    for (const [i, k] of SPREAD.entries()) await finishRun({ ...input(base(k)), config: establish, now: new Date(NOW.getTime() - (10 - i) * 3_600_000) })
    let asked = 0
    const confirm = async (plan: ConfirmPlan): Promise<ConfirmResult> => {
      asked++
      const samples = new Map<string, PerfSample[]>([[suspectKey(ref('search under load').file, 'search under load', undefined), again.map((f) => loadSample(f))]])
      return { samples, runs: again.length, seconds: again.length, notes: [] }
    }
    return { outcome: await finishRun(input(loadSample(first), { confirm })), asked }
  } finally {
    await cleanup()
  }
}

describe('load tests after confirmation', () => {
  test('the load section shows the figures the verdict judged (the latest re-measurement), not the first run', async () => {
    // A first run that looked slow; two fresh processes measure the usual figures.
    const { outcome, asked } = await judged({ throughput: 450, p50: 10, p95: 30, p99: 40 }, [
      { throughput: 990, p50: 5.05, p95: 8.1, p99: 10.1 },
      { throughput: 1010, p50: 4.95, p95: 7.9, p99: 9.9 },
    ])
    expect(asked).toBe(1)
    const verdict = outcome.verdicts[0]!
    expect(verdict.kind).not.toBe('regression')
    expect(verdict.reason).toContain('re-measured in 2 more processes')
    expect(outcome.failing).toEqual([])
    // The store keeps the first run as measured.
    expect(outcome.record.results[0]!.sample.metrics!.throughput!.value).toBe(450)

    const model = buildReportModel(outcome)
    const [row] = model.load!
    expect(row!.remeasured).toBe(2)
    expect(row!.current).toEqual({ throughput: 1010, p50_ns: 4.95e6, p95_ns: 7.9e6, p99_ns: 9.9e6, calls: 1000, errors: 0, error_rate: 0 })
    expect(row!.levels).toEqual([{ level: 8, throughput: 1010, p95_ns: 7.9e6, errors: 0, efficiency: 1 }])
    // This run's point on the load charts is the judged one too.
    expect(model.history[row!.key]!.at(-1)).toMatchObject({ run_id: outcome.record.id, throughput: 1010, latency_p95_ns: 7.9e6, latency_ns: { p50: 4.95e6, p95: 7.9e6 } })

    const text = renderTerminal(model, { color: false })
    expect(text).toMatch(/^ {4}now +1\.01k\/s +4\.95 ms +7\.90 ms +9\.90 ms +0 \(0%\)$/m)
    expect(text).not.toMatch(/now +450\/s/)
    expect(text).toContain('    re-measured in 2 fresh processes: figures of the last, as judged')
    expect(renderMarkdown(model)).toContain('1.01k/s')
    const doc = JSON.parse(renderJson(model))
    expect(doc.load[0]).toMatchObject({ remeasured: 2, current: { throughput: 1010, p95_ns: 7.9e6 } })
  })

  test('with three or more re-measurements pooled, the p50 shown is their median, as the verdict judged it', async () => {
    const { outcome } = await judged({ throughput: 450, p50: 10, p95: 30 }, [
      { throughput: 900, p50: 5.6, p95: 9 },
      { throughput: 1000, p50: 5.2, p95: 8 },
      { throughput: 950, p50: 5.4, p95: 8.5 },
    ])
    const v = outcome.verdicts[0]!
    if (!('evidence' in v)) throw new Error('expected a judged verdict')
    expect(v.evidence.repeats).toBe(3)
    expect(v.evidence.current).toBe(5.4e6)
    const [row] = buildReportModel(outcome).load!
    expect(row!.remeasured).toBe(3)
    // The metrics are judged on the latest run's sample; wall time (p50) on the median of the pooled runs.
    expect(row!.current).toMatchObject({ throughput: 950, p50_ns: 5.4e6, p95_ns: 8.5e6 })
  })

  test('without confirmation the figures are the run\'s own, and no note is added', async () => {
    const { outcome, asked } = await judged({ throughput: 1000, p50: 5, p95: 8 }, [])
    expect(asked).toBe(0)
    const model = buildReportModel(outcome)
    expect(model.load![0]!.remeasured).toBeUndefined()
    expect(model.load![0]!.current.throughput).toBe(1000)
    expect(renderTerminal(model, { color: false })).not.toContain('re-measured')
  })
})
