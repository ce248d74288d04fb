import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { inspect } from 'node:util'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import type { ResolvedConfig } from '../../src/config/options.js'
import { mergeOptions } from '../../src/config/file.js'
import { ConfigError, validateOptions } from '../../src/config/validate.js'
import { completeRun, type CompleteDeps } from '../../src/core/complete.js'
import type { CollectedSample } from '../../src/core/run.js'
import { ciRunUrl, notifyRun } from '../../src/core/notify.js'
import { envKey } from '../../src/env/environment.js'
import { buildNotification, NOTIFY_MAX_TESTS, shouldNotify, type NotifyPayload } from '../../src/report/notify-payload.js'
import { appendRecord } from '../../src/store/store.js'
import { baselineRuns, config, ENV, NOW, noisy, outputCapture, ref, RUNNER, sample, tempDir } from './helpers.js'
import { buildFixtureModel, FIXTURE_TESTS } from './report-fixtures.js'

const GITHUB = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'octo/app', GITHUB_RUN_ID: '42' }

describe('the notification (pure)', () => {
  const model = buildFixtureModel()

  test('text: verdict, branch and commit, the worst test, the CI link; fields: counts and regressed tests', () => {
    const payload = buildNotification(model, ciRunUrl(GITHUB))
    expect(payload.text).toBe(
      'perf-regression: run failed on feature/faster-parser at a1b2c3d: 2 regressions (1 critical, 1 moderate), 2 failing tests; worst: test/parse.test.ts &gt; parser &gt; large file [tokenize] 2.31× (critical). https://github.com/octo/app/actions/runs/42',
    )
    expect(payload).toMatchObject({
      source: 'perf-regression',
      schema: 1,
      failed: true,
      fail_on: 'minor',
      run: { commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', branch: 'feature/faster-parser', url: 'https://github.com/octo/app/actions/runs/42', mode: 'compare' },
      counts: { regression: 2, improvement: 1, unchanged: 1, inconclusive: 1, 'insufficient-data': 1, new: 1 },
      regressions_total: 2,
    })
    expect(payload.regressions.map((t) => [t.test, t.severity, t.metric, t.ratio?.toFixed(2), t.failing])).toEqual([
      ['test/parse.test.ts > parser > large file [tokenize]', 'critical', 'wall', '2.31', true],
      ['test/format.test.ts > formatNs > many values', 'moderate', 'wall', '1.60', true],
    ])
  })

  test('when: "failure" on a failing run; "critical" on a compare run with a critical regression, failing or not', () => {
    expect(shouldNotify(model, 'failure')).toBe(true)
    expect(shouldNotify(model, 'critical')).toBe(true)
    const reportOnly = buildFixtureModel({ config: { failOn: 'never' } })
    expect(shouldNotify(reportOnly, 'failure')).toBe(false)
    expect(shouldNotify(reportOnly, 'critical')).toBe(true)
    const moderate = buildFixtureModel({ tests: [FIXTURE_TESTS[0]!] })
    expect(shouldNotify(moderate, 'failure')).toBe(true)
    expect(shouldNotify(moderate, 'critical')).toBe(false)
    const establish = buildFixtureModel({ config: { baselineMode: 'establish' } })
    expect(shouldNotify(establish, 'failure')).toBe(false)
    expect(shouldNotify(establish, 'critical')).toBe(false)
  })

  test('names cannot ping a Slack channel, break the text or run a workflow command; the list is capped', () => {
    const hostile = FIXTURE_TESTS.map((t, i) => ({ ...t, test: { ...t.test, name: `<!channel> & <https://evil|x>\n::error::${i}` } }))
    const many = Array.from({ length: NOTIFY_MAX_TESTS + 5 }, (_, i) => ({ ...FIXTURE_TESTS[1]!, test: { ...FIXTURE_TESTS[1]!.test, name: `t${i}` } }))
    const text = buildNotification(buildFixtureModel({ tests: hostile })).text
    expect(text).not.toMatch(/[<>\n]/)
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;https://evil|x&gt;⏎:')
    const capped = buildNotification(buildFixtureModel({ tests: many }))
    expect(capped.regressions).toHaveLength(NOTIFY_MAX_TESTS)
    expect(capped.regressions_total).toBe(NOTIFY_MAX_TESTS + 5)
  })

  test('the CI link only from well-formed GitHub Actions variables', () => {
    expect(ciRunUrl({})).toBeUndefined()
    expect(ciRunUrl({ ...GITHUB, GITHUB_RUN_ATTEMPT: '2' })).toBe('https://github.com/octo/app/actions/runs/42/attempts/2')
    expect(ciRunUrl({ ...GITHUB, GITHUB_REPOSITORY: 'octo/app <x>' })).toBeUndefined()
    expect(ciRunUrl({ ...GITHUB, GITHUB_SERVER_URL: 'javascript:alert(1)' })).toBeUndefined()
    expect(ciRunUrl({ ...GITHUB, GITHUB_RUN_ID: '42; rm' })).toBeUndefined()
  })
})

describe('the notify option', () => {
  const SECRET = 'https://hooks.example.com/services/T000/B000/very-secret-token'

  test('false by default; true and objects resolve with the defaults', () => {
    expect(validateOptions({}).notify).toBe(false)
    expect(validateOptions({ notify: true }).notify).toEqual({ url: undefined, urlEnv: 'PERF_WEBHOOK_URL', on: 'failure' })
    const resolved = validateOptions({ notify: { url: SECRET, on: 'critical', urlEnv: 'SLACK_URL' } }).notify
    expect(resolved && resolved.url?.reveal()).toBe(SECRET)
    expect(resolved && [resolved.on, resolved.urlEnv]).toEqual(['critical', 'SLACK_URL'])
  })

  test('a config file and options from code merge one level deep', () => {
    const merged = validateOptions(mergeOptions({ notify: { urlEnv: 'SLACK_URL', on: 'failure' } }, { notify: { on: 'critical' } })).notify
    expect(merged).toEqual({ url: undefined, urlEnv: 'SLACK_URL', on: 'critical' })
    expect(validateOptions(mergeOptions({ notify: { on: 'critical' } }, { notify: false })).notify).toBe(false)
  })

  test('the URL never shows in a dump of the configuration', () => {
    const resolved = validateOptions({ notify: { url: SECRET } })
    for (const dump of [JSON.stringify(resolved), inspect(resolved, { depth: 10, showHidden: true }), String(resolved.notify && resolved.notify.url)]) {
      expect(dump).not.toContain('very-secret-token')
      expect(dump).toContain('[redacted]')
    }
  })

  test('bad values are listed together, each saying what is wanted, and a bad URL is not echoed', () => {
    const bad = (notify: unknown) => {
      try {
        validateOptions({ notify })
      } catch (error) {
        if (error instanceof ConfigError) return error.message
        throw error
      }
      throw new Error('expected a ConfigError')
    }
    expect(bad('yes')).toBe(`perf-regression: invalid configuration: notify must be true, false or an object like { on: 'failure', urlEnv: 'PERF_WEBHOOK_URL' } (got "yes")`)
    const message = bad({ url: 'ftp://user:very-secret-token@x', urlEnv: '1BAD', on: 'always', to: 'x' })
    expect(message).not.toContain('very-secret-token')
    expect(message).toContain('unknown option notify.to (allowed: url, urlEnv, on)')
    expect(message).toContain('notify.url must be an http:// or https:// URL (the value is not shown: it may hold a secret)')
    expect(message).toContain('notify.urlEnv must be the name of an environment variable, like "PERF_WEBHOOK_URL" (got "1BAD")')
    expect(message).toContain('notify.on must be one of "failure", "critical" (got "always")')
    expect(bad({ url: 42 })).toContain('notify.url must be an http:// or https:// URL')
  })
})

// Runs judged and recorded end to end, and real requests: allow for a busy machine.
describe('delivery to a webhook at the end of a run', { timeout: 60_000 }, () => {
  let server: Server
  let base: string
  let mode: 'ok' | 'error' | 'hang' = 'ok'
  const received: { path: string; type: string | undefined; body: NotifyPayload }[] = []
  const hanging: ServerResponse[] = []

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = ''
      req.on('data', (d: Buffer) => (body += d.toString()))
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'], body: JSON.parse(body) as NotifyPayload })
        if (mode === 'hang') return void hanging.push(res)
        res.writeHead(mode === 'ok' ? 200 : 500).end(mode === 'ok' ? 'ok' : 'boom')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  let dir: string
  let cleanup: () => Promise<void>
  const io = outputCapture()
  beforeEach(async () => {
    ;({ dir, cleanup } = await tempDir())
    received.length = 0
    mode = 'ok'
  })
  afterEach(async () => {
    for (const res of hanging.splice(0)) res.destroy()
    io.reset()
    await cleanup()
  })

  const STORE = '.perf/benchmarks.jsonl'
  const hook = () => `${base}/services/T1/very-secret-token`

  /** Six baseline runs of `parse` around 1 ms, then a run at `median` with `cfg`, judged by completeRun. */
  async function runWith(median: number, cfg: Partial<ResolvedConfig>, deps: Partial<CompleteDeps> = {}) {
    const key = envKey(ENV, RUNNER)
    for (const r of baselineRuns('parse', noisy(1e6, 6, 0.01, 7), { envKey: key })) await appendRecord(path.join(dir, STORE), r)
    const logged: string[] = []
    const samples: CollectedSample[] = [{ test: ref('parse'), runner: RUNNER, sample: sample(median) }]
    const result = await completeRun(
      {
        samples,
        config: config({ store: STORE, reports: { markdown: false, json: false, html: false, issue: false }, ...cfg }),
        root: dir,
        record: true,
        color: false,
        establishHint: 'x',
        log: (text) => logged.push(text),
      },
      { env: {}, now: () => NOW, stdout: io.outputs.stdout, stderr: io.outputs.stderr, machine: () => ENV, git: () => ({ commit: 'c0ffee0', branch: 'main' }), ...deps },
    )
    const everything = [...logged, ...io.out, ...io.err].join('\n')
    return { result, logged: logged.join('\n'), everything }
  }
  const notifyCfg = (extra: object = {}) => ({ notify: validateOptions({ notify: { url: hook(), ...extra } }).notify })

  test('a failing run is posted as JSON, with the URL from the config; nothing is said', async () => {
    const { result, everything } = await runWith(3e6, notifyCfg())
    expect(result).toEqual({ regressions: 1 })
    expect(received).toHaveLength(1)
    expect(received[0]!.path).toBe('/services/T1/very-secret-token')
    expect(received[0]!.type).toBe('application/json')
    expect(received[0]!.body.text).toMatch(/^perf-regression: run failed on main at c0ffee0: 1 regression \(1 critical\), 1 failing test; worst: test\/bench\.test\.ts &gt; parse \d\.\d\d× \(critical\)\.$/)
    expect(received[0]!.body.regressions).toMatchObject([{ test: 'test/bench.test.ts > parse', severity: 'critical', failing: true }])
    expect(everything).not.toContain('notify')
  })

  test('the URL from the environment variable; a passing run, or a moderate one with on: critical, posts nothing', async () => {
    const env = { PERF_WEBHOOK_URL: hook(), ...GITHUB }
    await runWith(1e6, { notify: validateOptions({ notify: true }).notify }, { env })
    expect(received).toHaveLength(0)
    await runWith(1.6e6, { notify: validateOptions({ notify: { on: 'critical' } }).notify }, { env })
    expect(received).toHaveLength(0)
    await runWith(3e6, { notify: validateOptions({ notify: { on: 'critical' } }).notify }, { env })
    expect(received).toHaveLength(1)
    expect(received[0]!.body.run.url).toBe('https://github.com/octo/app/actions/runs/42')
  })

  test('an answer of 500 is a warning, the run is judged as before, and the URL appears nowhere', async () => {
    mode = 'error'
    const { result, logged, everything } = await runWith(3e6, notifyCfg())
    expect(result).toEqual({ regressions: 1 })
    expect(logged).toContain('perf-regression: warning: notify: the webhook (notify.url) answered HTTP 500: the run was not announced')
    expect(everything).not.toContain('very-secret-token')
    expect(everything).not.toContain(base)
  })

  test('no answer: a timeout warning, never a failed run; the URL appears nowhere', async () => {
    mode = 'hang'
    const { result, logged, everything } = await runWith(3e6, notifyCfg(), { notify: (m, n, e) => notifyRun(m, n, e, { timeoutMs: 200 }) })
    expect(received).toHaveLength(1)
    expect(result).toEqual({ regressions: 1 })
    expect(logged).toContain('perf-regression: warning: notify: cannot reach the webhook (notify.url): no answer within 200 ms; the run was not announced')
    expect(everything).not.toContain('very-secret-token')
    expect(everything).not.toContain(base)
  })

  test('a refused connection, a missing or a malformed URL in the environment: warnings without the URL', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const refused = await runWith(3e6, { notify: validateOptions({ notify: { url: `http://127.0.0.1:${port}/very-secret-token` } }).notify })
    expect(refused.logged).toContain('perf-regression: warning: notify: cannot reach the webhook (notify.url): the connection was refused; the run was not announced')
    expect(refused.everything).not.toContain('very-secret-token')
    expect(refused.everything).not.toContain(String(port))

    const notify = validateOptions({ notify: { urlEnv: 'SLACK_HOOK' } }).notify
    const missing = await runWith(3e6, { notify }, { env: {} })
    expect(missing.logged).toContain('perf-regression: warning: notify: no webhook URL (set $SLACK_HOOK, or notify.url): the run was not announced')
    const malformed = await runWith(3e6, { notify }, { env: { SLACK_HOOK: 'hooks.example.com/very-secret-token' } })
    expect(malformed.logged).toContain('perf-regression: warning: notify: $SLACK_HOOK is not an http:// or https:// URL (the value is not shown): the run was not announced')
    expect(malformed.everything).not.toContain('very-secret-token')
    expect(received).toHaveLength(0)
  })
})
