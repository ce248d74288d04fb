import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { runningTest } from '../../src/jest/circus.js'
import { perf } from '../../src/jest/perf.js'
import { readSpool, SETTINGS_ENV, SPOOL_ENV } from '../../src/jest/spool.js'
import { tempDir } from './helpers.js'

/** A stand-in for jest-circus's state, under a symbol with the same description (as jest-circus keeps it). */
const STATE = Symbol('JEST_STATE_SYMBOL')
type FakeTest = { timeout?: number; startedAt: number; status?: string; errors: unknown[]; invocations: number; concurrent?: boolean }
const fakeTest = (extra: Partial<FakeTest> = {}): FakeTest => ({ startedAt: Date.now(), errors: [], invocations: 1, ...extra })
const globals = globalThis as unknown as Record<PropertyKey, unknown>

describe('runningTest', () => {
  const global = (state: unknown) => ({ [STATE]: state })

  test("the test's own timeout wins over the configured one", () => {
    const t = fakeTest({ timeout: 300, startedAt: 1000 })
    expect(runningTest(global({ currentlyRunningTest: t, testTimeout: 5000 }))).toMatchObject({ timeoutMs: 300, startedAt: 1000 })
    expect(runningTest(global({ currentlyRunningTest: fakeTest({ startedAt: 1000 }), testTimeout: 5000 }))).toMatchObject({ timeoutMs: 5000 })
  })

  test('is over once the test is done, has a new failure (a timeout), or was retried', () => {
    for (const end of [(t: FakeTest) => (t.status = 'done'), (t: FakeTest) => t.errors.push(new Error('timeout')), (t: FakeTest) => t.invocations++]) {
      const t = fakeTest({ errors: [new Error('from a hook, before perf()')] })
      const running = runningTest(global({ currentlyRunningTest: t, testTimeout: 5000 }))!
      expect(running.isOver()).toBe(false)
      end(t)
      expect(running.isOver()).toBe(true)
    }
  })

  test('unknown for concurrent tests, a missing or odd state, and no current test', () => {
    expect(runningTest(global({ currentlyRunningTest: fakeTest({ concurrent: true }), testTimeout: 5000 }))).toBeUndefined()
    expect(runningTest({})).toBeUndefined()
    expect(runningTest(global(42))).toBeUndefined()
    expect(runningTest(global({ currentlyRunningTest: null, testTimeout: 5000 }))).toBeUndefined()
    expect(runningTest(global({ currentlyRunningTest: fakeTest({ startedAt: Number.NaN }), testTimeout: 5000 }))).toBeUndefined()
  })
})

describe('perf() for Jest and the test timeout', () => {
  let dir: string
  let cleanup: () => Promise<void>
  const state: { currentlyRunningTest: FakeTest | null; testTimeout: number } = { currentlyRunningTest: null, testTimeout: 5000 }
  let current = { currentTestName: 'a', testPath: '/project/a.test.js' }

  beforeEach(async () => {
    ;({ dir, cleanup } = await tempDir())
    globals[STATE] = state
    globals.expect = { getState: () => current }
    process.env[SPOOL_ENV] = dir
    process.env[SETTINGS_ENV] = JSON.stringify({ measure: { time: 20, iterations: 3, warmupTime: 0, warmupIterations: 5, metrics: [] }, rawSamples: 4 })
  })
  afterEach(async () => {
    delete globals[STATE]
    delete globals.expect
    delete process.env[SPOOL_ENV]
    delete process.env[SETTINGS_ENV]
    vi.restoreAllMocks()
    await cleanup()
  })

  test('a nearly spent timeout cuts the phases, records the sample and says so', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    state.currentlyRunningTest = fakeTest({ timeout: 1000, startedAt: Date.now() - 10_000 })
    current = { currentTestName: 'parses', testPath: '/project/a.test.js' }
    await expect(perf(() => 7)).resolves.toBe(7)
    const spooled = readSpool(dir, (m) => expect.fail(m))
    expect(spooled).toHaveLength(1)
    expect(spooled[0]!.concurrent).toBeUndefined()
    expect(spooled[0]!.sample.warmup.iterations).toBe(0)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toMatch(/^perf-regression: "parses": warm-up ran 0 of 5 iterations/)
  })

  test("a timed-out test's measurement is stopped and not recorded, and never makes the next test's sample look concurrent", async () => {
    const first = fakeTest()
    state.currentlyRunningTest = first
    current = { currentTestName: 'slow', testPath: '/project/a.test.js' }
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let calls = 0
    // The first call returns at once; later calls wait on the gate, as a slow async function would.
    const slow = perf(async () => {
      if (calls++ > 0) await gate
    })
    const settled = slow.then(
      () => 'resolved',
      (e: Error) => e.message,
    )
    await new Promise((resolve) => setTimeout(resolve, 5))
    // Jest gives up on the first test and starts the next one.
    first.errors.push(new Error('Exceeded timeout of 5000 ms for a test.'))
    first.status = 'done'
    state.currentlyRunningTest = fakeTest()
    current = { currentTestName: 'next', testPath: '/project/a.test.js' }
    await expect(perf(() => 1)).resolves.toBe(1)
    release()
    expect(await settled).toMatch(/the test ended \(it timed out or failed\) before its measurement finished/)
    const spooled = readSpool(dir, (m) => expect.fail(m))
    expect(spooled.map((s) => [s.testName, s.concurrent ?? false])).toEqual([['next', false]])
  })

  test('a measurement whose test times out while it waits is stopped by the poll', async () => {
    const t = fakeTest()
    state.currentlyRunningTest = t
    current = { currentTestName: 'waits', testPath: '/project/a.test.js' }
    let calls = 0
    const run = perf(async () => {
      if (calls++ === 2) t.errors.push(new Error('Exceeded timeout'))
      await new Promise((resolve) => setTimeout(resolve, 2))
    })
    await expect(run).rejects.toThrow('the test ended')
    expect(readSpool(dir, (m) => expect.fail(m))).toEqual([])
  })
})
