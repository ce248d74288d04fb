import { describe, expect, test } from 'vitest'
import { validateOptions } from '../../src/config/validate.js'
import { detect } from '../../src/detect/detect.js'
import { failingVerdicts } from '../../src/detect/verdict.js'
import { renderJson } from '../../src/report/json.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { buildReportModel, type ReportModel } from '../../src/report/model.js'
import { formatRate, formatShare } from '../../src/report/load-format.js'
import { renderTerminal } from '../../src/report/terminal.js'
import type { PerfSample, RunRecord, TestRef } from '../../src/types.js'
import { ENV, ENV_KEY, NOW, RUNNER, sample } from './helpers.js'
import { loadSample } from './load-fixtures.js'

const HOUR = 3_600_000
const SEARCH: TestRef = { file: 'test/api.test.js', name: 'api > search under load', project: '' }
const PLAIN: TestRef = { file: 'test/api.test.js', name: 'api > parse', project: '' }

function record(id: string, hoursAgo: number, mode: RunRecord['mode'], load: PerfSample): RunRecord {
  return {
    schema: 1,
    kind: 'run',
    id,
    time: new Date(NOW.getTime() - hoursAgo * HOUR).toISOString(),
    mode,
    git: {},
    env: ENV,
    results: [
      { test: SEARCH, runner: RUNNER, env_key: ENV_KEY, sample: load },
      { test: PLAIN, runner: RUNNER, env_key: ENV_KEY, sample: sample(1e6) },
    ],
  }
}

/** Six baseline runs at 1000 calls/s, then the current run. */
function modelOf(current: PerfSample, options: object = {}): ReportModel {
  const spread = [0.99, 1.01, 1, 0.98, 1.02, 1]
  const history = spread.map((k, i) => record(`base-${i}`, 6 - i, 'baseline', loadSample({ throughput: 1000 * k, p50: 5 * k, p95: 8 * k, p99: 10 * k })))
  const now = record('current', 0, 'compare', current)
  const config = validateOptions(options)
  const verdicts = detect({ current: now.results, history, config, now: NOW, runId: now.id })
  return buildReportModel({
    record: now,
    verdicts,
    failing: failingVerdicts(verdicts, 'compare', config.failOn),
    warnings: [],
    storePath: '/project/.perf/benchmarks.jsonl',
    recorded: true,
    history,
    config: { baselineMode: 'compare', failOn: config.failOn, minSamples: config.minSamples },
  })
}

const hostile = '::error::owned\n| <img src=x> @team'
const failing = () =>
  loadSample(
    { throughput: 450, p50: 5, p95: 30, p99: 40, errors: 50, messages: [{ message: 'HTTP 500', count: 40 }, { message: hostile, count: 6 }], unfinished: 2 },
    {},
  )

describe('load tests in the report model', () => {
  test('each load test with its figures and the medians of the baseline runs its verdict used; plain tests have none', () => {
    const model = modelOf(failing())
    expect(model.load).toHaveLength(1)
    const [row] = model.load!
    expect(row).toMatchObject({ key: expect.any(String), test: SEARCH, model: 'closed', failing: true, unfinished: 2 })
    expect(row!.current).toEqual({ throughput: 450, p50_ns: 5e6, p95_ns: 30e6, p99_ns: 40e6, calls: 1000, errors: 50, error_rate: 5 })
    expect(row!.baseline).toMatchObject({ runs: 6, throughput: 1000, p50_ns: 5e6, p95_ns: 8e6, errors: 0, error_rate: 0 })
    expect(row!.levels).toEqual([{ level: 8, throughput: 450, p95_ns: 30e6, errors: 50, efficiency: 1 }])
    expect(model.history[row!.key]!.at(-1)).toMatchObject({ throughput: 450, latency_p95_ns: 30e6, error_rate: 5 })
  })

  test('no load test: no load section anywhere', () => {
    const model = modelOf(sample(1e6))
    expect(model.load).toBeUndefined()
    expect(renderTerminal(model, { color: false })).not.toContain('Load tests')
    expect(renderMarkdown(model)).not.toContain('Load tests')
    expect(JSON.parse(renderJson(model))).not.toHaveProperty('load')
  })
})

describe('load sections of the reports', () => {
  test('terminal: now, the baseline and the ratios in columns; levels, errors and calls cut off below; the failing findings named', () => {
    const text = renderTerminal(modelOf(failing()), { color: false })
    const section = text.slice(text.indexOf('  Load tests'))
    expect(section).toMatch(/^ {2}Load tests {12,}Throughput +p50 +p95 +p99 +Errors$/m)
    expect(section).toContain('  test/api.test.js > api > search under load (closed model, 8 workers)')
    expect(section).toMatch(/^ {4}now +450\/s +5\.00 ms +30\.0 ms +40\.0 ms +50 \(5%\)$/m)
    expect(section).toMatch(/^ {4}baseline \(6 runs\) +1\.00k\/s +5\.00 ms +8\.00 ms +10\.0 ms +0 \(0%\)$/m)
    expect(section).toMatch(/^ {4}ratio +0\.45× +1\.00× +3\.75× +4\.00×$/m)
    // Messages are quoted as JSON strings: the line break shows as \n.
    expect(section).toContain('    errors: "HTTP 500" ×40, "::error::owned\\n| <img src=x> @team" ×6, and 4 more of other kinds')
    expect(section).toContain('2 calls were still running at the end and cut off')
    // The hostile message cannot start a workflow command or break the line.
    expect(text).not.toMatch(/^\s*::error::/m)
    expect(text).toContain('error rate is 5%, above its limit of 1%')
    expect(text).toMatch(/✗ .*throughput 0\.\d\d× lower, a regression/)
    expect(text).toMatch(/latency \(p95\) 3\.\d\d× higher, a regression/)
  })

  test('terminal: the failing figures are red, a worse one that does not fail is yellow', () => {
    const text = renderTerminal(modelOf(failing(), { failOn: 'critical' }), { color: true })
    const now = text.split('\n').find((l) => l.includes('now'))!
    // Throughput 0.45× and the error limit are critical (red); the p95 3.75× is critical too.
    expect(now).toContain('\u001b[31m')
    expect(now).not.toContain('\u001b[33m')
    const soft = renderTerminal(modelOf(loadSample({ p95: 10 }), { failOn: 'critical' }), { color: true }).split('\n').find((l) => l.includes('now'))!
    expect(soft).toContain('\u001b[33m')
    expect(soft).not.toContain('\u001b[31m')
  })

  test('Markdown: a table of baseline → current with ratios, the failing ones in bold, notes escaped', () => {
    const md = renderMarkdown(modelOf(failing()))
    expect(md).toContain('### Load tests')
    expect(md).toContain('| Test | Throughput | p50 | p95 | p99 | Errors |')
    expect(md).toContain(
      '| test/api.test.js &gt; api &gt; search under load<br>closed model, 8 workers | 1.00k/s → **450/s** (0.45×) | 5.00 ms → 5.00 ms (1.00×) | 8.00 ms → **30.0 ms** (3.75×) | 10.0 ms → 40.0 ms (4.00×) | 0 (0%) → **50 (5%)** |',
    )
    const note = md.split('\n').find((l) => l.startsWith('- ') && l.includes('errors:'))!
    expect(note).toContain('\\| &lt;img src=x&gt; @\u200dteam')
    expect(note).not.toContain('<img')
    expect(md).toContain('2 calls were still running at the end and cut off')
  })

  test('JSON: a load array with the figures, the baseline, the levels and the messages', () => {
    const doc = JSON.parse(renderJson(modelOf(failing())))
    expect(doc.load).toEqual([
      {
        key: expect.any(String),
        test: SEARCH,
        model: 'closed',
        failing: true,
        current: { throughput: 450, p50_ns: 5e6, p95_ns: 30e6, p99_ns: 40e6, calls: 1000, errors: 50, error_rate: 5 },
        baseline: { runs: 6, throughput: 1000, p50_ns: 5e6, p95_ns: 8e6, p99_ns: 10e6, calls: 1000, errors: 0, error_rate: 0 },
        unfinished: 2,
        error_messages: [{ message: 'HTTP 500', count: 40 }, { message: hostile, count: 6 }],
        levels: [{ level: 8, throughput: 450, p95_ns: 30e6, errors: 50, efficiency: 1 }],
      },
    ])
    expect(doc.history[doc.load[0].key].at(-1)).toMatchObject({ throughput: 450, latency_p95_ns: 30e6, error_rate: 5 })
  })

  test('rates and shares', () => {
    expect([0.5, 812, 999.4, 999.6, 1600, 45_678, 2_100_000].map(formatRate)).toEqual(['0.50/s', '812/s', '999/s', '1.00k/s', '1.60k/s', '45.7k/s', '2.10M/s'])
    expect([0, 1.234, 0.05, 12.34].map(formatShare)).toEqual(['0%', '1.23%', '0.05%', '12.3%'])
  })
})
