import { describe, expect, test } from 'vitest'
import { validateOptions } from '../../src/config/validate.js'
import { detect } from '../../src/detect/detect.js'
import { ImportError, type ImportContext } from '../../src/import/context.js'
import { parseK6Summary } from '../../src/import/k6.js'
import { checkRecord } from '../../src/store/record.js'
import { ENV, NOW } from './helpers.js'

const context = (extra: Partial<ImportContext> = {}): ImportContext => ({
  root: '/repo',
  file: '/repo/load/out.json',
  env: ENV,
  git: { commit: 'abc123', branch: 'main' },
  now: NOW,
  mode: 'baseline',
  runId: 'k6-1',
  runnerVersion: '0.52.0',
  ...extra,
})

/**
 * What `k6 run --summary-export out.json` writes for a 30 s test of 10 VUs against one
 * endpoint, with a p(95) threshold and a check (k6's default summaryTrendStats: avg, min,
 * med, max, p(90), p(95)). Rates are under "value"; http_req_failed's "passes" are the
 * failed requests.
 */
const SUMMARY = `{
    "root_group": {
        "name": "",
        "path": "",
        "id": "d41d8cd98f00b204e9800998ecf8427e",
        "groups": {},
        "checks": {
            "status is 200": {
                "name": "status is 200",
                "path": "::status is 200",
                "id": "548d37ca5f33793206f7832e7cea54fb",
                "passes": 2955,
                "fails": 45
            }
        }
    },
    "metrics": {
        "checks": { "passes": 2955, "fails": 45, "value": 0.985 },
        "data_received": { "count": 4512000, "rate": 150348.55 },
        "data_sent": { "count": 264000, "rate": 8796.8 },
        "http_req_blocked": { "avg": 0.0164, "min": 0.0016, "med": 0.0042, "max": 2.8115, "p(90)": 0.0071, "p(95)": 0.0089 },
        "http_req_connecting": { "avg": 0.0052, "min": 0, "med": 0, "max": 1.3126, "p(90)": 0, "p(95)": 0 },
        "http_req_duration": {
            "avg": 12.8419,
            "min": 1.9822,
            "med": 10.4717,
            "max": 212.5306,
            "p(90)": 21.3344,
            "p(95)": 27.0915,
            "thresholds": { "p(95)<500": false }
        },
        "http_req_duration{expected_response:true}": { "avg": 12.7012, "min": 1.9822, "med": 10.4413, "max": 212.5306, "p(90)": 21.1058, "p(95)": 26.8834 },
        "http_req_failed": { "passes": 45, "fails": 2955, "value": 0.015, "thresholds": { "rate<0.05": false } },
        "http_req_receiving": { "avg": 0.0612, "min": 0.0113, "med": 0.0487, "max": 3.0411, "p(90)": 0.0912, "p(95)": 0.1201 },
        "http_req_sending": { "avg": 0.0171, "min": 0.0041, "med": 0.0133, "max": 0.9817, "p(90)": 0.0241, "p(95)": 0.0302 },
        "http_req_tls_handshaking": { "avg": 0, "min": 0, "med": 0, "max": 0, "p(90)": 0, "p(95)": 0 },
        "http_req_waiting": { "avg": 12.7636, "min": 1.9411, "med": 10.4102, "max": 212.3312, "p(90)": 21.2512, "p(95)": 26.9904 },
        "http_reqs": { "count": 3000, "rate": 99.96 },
        "iteration_duration": { "avg": 100.1721, "min": 88.0194, "med": 99.8873, "max": 313.2209, "p(90)": 110.7012, "p(95)": 115.3321 },
        "iterations": { "count": 3000, "rate": 99.96 },
        "vus": { "value": 10, "min": 10, "max": 10 },
        "vus_max": { "value": 10, "min": 10, "max": 10 }
    }
}`

describe('parseK6Summary', () => {
  test('a --summary-export file becomes one run with the metrics of perf.load()', () => {
    const warnings: string[] = []
    const record = parseK6Summary(SUMMARY, context(), (m) => warnings.push(m))
    expect(checkRecord(JSON.parse(JSON.stringify(record)))).toMatchObject({ ok: true })
    expect(record).toMatchObject({ id: 'k6-1', mode: 'baseline', time: NOW.toISOString(), git: { commit: 'abc123' } })
    expect(record.results).toHaveLength(1)
    const [r] = record.results
    expect(r!.test).toEqual({ file: 'load/out.json', name: 'http requests', project: '' })
    expect(r!.runner).toEqual({ name: 'k6', version: '0.52.0', pool: '' })
    const s = r!.sample
    expect(s.iterations).toBe(3000)
    expect(s.wall_ns).toMatchObject({ n: 3000, mean: 12_841_900, median: 10_471_700, min: 1_982_200, max: 212_530_600, sd: 0 })
    // p(75) between med and p(90); p(99) between p(95) and max: estimated, and said so.
    expect(s.wall_ns.p75).toBeCloseTo(10_471_700 + ((21_334_400 - 10_471_700) * 25) / 40, 0)
    expect(s.wall_ns.p99).toBeCloseTo(27_091_500 + ((212_530_600 - 27_091_500) * 4) / 5, 0)
    expect(warnings).toEqual([expect.stringContaining('p(75) and p(99) not in the summary: estimated from the percentiles next to them')])
    expect(s.duration_ms).toBeCloseTo(30_012, 0)
    expect(s.metrics).toEqual({
      throughput: { value: 99.96, better: 'higher', unit: 'calls/s' },
      'latency p50': { value: 10_471_700, better: 'lower', unit: 'ns' },
      'latency p90': { value: 21_334_400, better: 'lower', unit: 'ns' },
      'latency p95': { value: 27_091_500, better: 'lower', unit: 'ns' },
      'latency max': { value: 212_530_600, better: 'lower', unit: 'ns' },
      errors: { value: 45, better: 'lower', unit: 'calls', absolute: true },
      'error rate': { value: 1.5, better: 'lower', unit: '%', absolute: true },
    })
    expect(s.load).toEqual({
      duration_ms: s.duration_ms,
      unfinished: 0,
      error_messages: [],
      steps: [{ level: 10, calls: 3000, errors: 45, throughput: 99.96, latency_ns: { p50: 10_471_700, p95: 27_091_500 } }],
    })
  })

  test('judged like a load test: its error rate of 1.5% is over the default limit', () => {
    const record = parseK6Summary(SUMMARY, context({ mode: 'compare' }))
    const [v] = detect({ current: record.results, history: [], config: validateOptions({}), now: NOW })
    expect(v!.kind).toBe('new')
    expect(v!.findings?.map((f) => f.reason)).toEqual(['error rate is 1.5%, above its limit of 1%'])
  })

  test('handleSummary data (values under "values", rates as "rate"), with p(99), dropped iterations and the run length', () => {
    const data = {
      state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 10_004.2 },
      metrics: {
        http_req_duration: { type: 'trend', contains: 'time', values: { avg: 5, min: 1, med: 4, max: 50, 'p(75)': 6, 'p(90)': 8, 'p(95)': 10, 'p(99)': 20 } },
        http_reqs: { type: 'counter', contains: 'default', values: { count: 2000, rate: 199.9 } },
        http_req_failed: { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: 2000 } },
        dropped_iterations: { type: 'counter', contains: 'default', values: { count: 12, rate: 1.2 } },
        vus_max: { type: 'gauge', contains: 'default', values: { value: 40, min: 40, max: 40 } },
      },
    }
    const warnings: string[] = []
    const s = parseK6Summary(JSON.stringify(data), context(), (m) => warnings.push(m)).results[0]!.sample
    expect(warnings).toEqual([])
    expect(s.wall_ns).toMatchObject({ median: 4e6, p75: 6e6, p99: 20e6 })
    expect(s.metrics?.['latency p99']).toEqual({ value: 20e6, better: 'lower', unit: 'ns' })
    expect(s.metrics?.['error rate']?.value).toBe(0)
    expect(s.duration_ms).toBe(10_004.2)
    expect(s.load?.unfinished).toBe(12)
    expect(s.load?.steps[0]).toMatchObject({ level: 40, latency_ns: { p50: 4e6, p95: 10e6, p99: 20e6 } })
  })

  test('a test without HTTP requests imports its iterations', () => {
    const data = { metrics: { iteration_duration: { avg: 3, min: 1, med: 2, max: 9 }, iterations: { count: 500, rate: 50 } } }
    const warnings: string[] = []
    const r = parseK6Summary(JSON.stringify(data), context(), (m) => warnings.push(m)).results[0]!
    expect(r.test.name).toBe('iterations')
    expect(r.sample.metrics?.throughput?.value).toBe(50)
    expect(r.sample.metrics).not.toHaveProperty('error rate')
    expect(r.sample.load?.steps[0]?.level).toBe(1)
  })

  test.each<[string, string, string]>([
    ['not JSON', 'method,name', 'not a k6 summary (the file of k6 run --summary-export): invalid JSON'],
    ['no metrics', '{"files": []}', 'no "metrics" object: expected an object with "metrics", found an object with keys files (this looks like a vitest bench report: import it as vitest-bench)'],
    ['no timings', '{"metrics": {"vus": {"value": 1}}}', 'no "http_req_duration" and "http_reqs" (nor "iteration_duration" and "iterations") in "metrics"'],
    ['a bad count', '{"metrics": {"http_req_duration": {"avg":1,"min":1,"med":1,"max":1}, "http_reqs": {"count": "many", "rate": 1}}}', 'metrics["http_reqs"]["count"] should be a number of 0 or more, found the string "many"'],
    ['no requests', '{"metrics": {"http_req_duration": {"avg":0,"min":0,"med":0,"max":0}, "http_reqs": {"count": 0, "rate": 0}}}', '"http_reqs" counts no request'],
    ['a metric that is not an object', '{"metrics": {"http_req_duration": 5}}', 'metrics["http_req_duration"] should be an object, found number 5'],
  ])('refuses %s, saying what is wrong', (_label, text, message) => {
    let error: unknown
    try {
      parseK6Summary(text, context())
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ImportError)
    expect((error as Error).message).toContain(message)
    expect((error as Error).message.startsWith('/repo/load/out.json: ')).toBe(true)
  })
})
