import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { main } from '../../src/cli/main.js'
import { rejudge } from '../../src/core/rejudge.js'
import { colorEnabled } from '../../src/report/color.js'
import { appendRun } from '../../src/store/store.js'
import { baselineRuns, config, NOW, run, tempDir, outputCapture } from './helpers.js'

describe('colorEnabled', () => {
  test.each([
    [{}, true, true],
    [{}, false, false],
    [{ TERM: 'dumb' }, true, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: 'false' }, true, false],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true, false],
  ])('%j on a TTY: %s → %s', (env, tty, expected) => {
    expect(colorEnabled(env, tty)).toBe(expected)
  })
})

const history = [...baselineRuns('parse', [1e6, 1.01e6, 0.99e6, 1e6, 1.02e6, 0.98e6]).reverse()]
const slow = run({ id: 'current-run', time: NOW, mode: 'compare', medians: { parse: 2e6 } })

describe('rejudge', () => {
  test('judges the latest run against the runs before it', () => {
    const outcome = rejudge([...history, slow], config(), '/s', [])!
    expect(outcome.record.id).toBe('current-run')
    expect(outcome.verdicts[0]!.kind).toBe('regression')
    expect(outcome.failing).toHaveLength(1)
    expect(outcome.history).toHaveLength(6)
  })

  test('an earlier run by id prefix is judged only against runs before it; baseline runs never fail', () => {
    const third = history[2]!
    const outcome = rejudge([...history, slow], config(), '/s', [], third.id)!
    expect(outcome.record.id).toBe(third.id)
    expect(outcome.history.every((r) => Date.parse(r.time) <= Date.parse(third.time))).toBe(true)
    expect(outcome.verdicts[0]!.kind).toBe('insufficient-data')
    expect(outcome.failing).toEqual([])
  })

  test('a run of a repeat group is judged again on the median of its group, as when it was recorded', () => {
    const member = (id: string, minutes: number, median: number) => ({ ...run({ id, time: new Date(NOW.getTime() - minutes * 60_000), mode: 'compare', medians: { parse: median } }), group: 'g' })
    const outcome = rejudge([...history, member('g-1', 2, 2e6), member('g-2', 1, 1e6), { ...slow, group: 'g' }], config(), '/s', [])!
    const v = outcome.verdicts[0]!
    if (!('evidence' in v)) throw new Error(v.kind)
    expect(v.evidence.repeats).toBe(3)
    expect(v.evidence.current).toBe(2e6)
  })

  test('no such run', () => {
    expect(rejudge([], config(), '/s', [])).toBeUndefined()
    expect(rejudge(history, config(), '/s', [], 'nope')).toBeUndefined()
  })
})

describe('perf-regression report', () => {
  const { out, err, outputs, reset } = outputCapture()
  afterEach(reset)
  const withStore = async (fn: (dir: string) => Promise<void>) => {
    const { dir, cleanup } = await tempDir()
    try {
      for (const r of [...history, slow]) await appendRun(path.join(dir, '.perf/benchmarks.jsonl'), r)
      await fn(dir)
    } finally {
      await cleanup()
    }
  }

  test('renders the latest run as JSON on standard output', async () => {
    await withStore(async (dir) => {
      const code = await main(['report', '--format', 'json'], { ...outputs, cwd: dir, env: {} })
      expect(code).toBe(0)
      const doc = JSON.parse(out.join('')) as { schema: number; failed: boolean; run: { id: string } }
      expect(doc.schema).toBe(1)
      expect(doc.run.id).toBe('current-run')
      expect(doc.failed).toBe(true)
    })
  })

  test('--html writes the dashboard next to the store; --fail-on is honoured', async () => {
    await withStore(async (dir) => {
      expect(await main(['report', '--html', '--fail-on', 'never'], { ...outputs, cwd: dir, env: {} })).toBe(0)
      const html = await readFile(path.join(dir, '.perf/dashboard.html'), 'utf8')
      expect(html).toMatch(/^<!doctype html>/i)
      expect(err.join('')).toContain('wrote')
    })
  })

  test('terminal output without colour when NO_COLOR is set; markdown to a file', async () => {
    await withStore(async (dir) => {
      expect(await main(['report'], { ...outputs, cwd: dir, env: { NO_COLOR: '1' } })).toBe(0)
      expect(out.join('')).toContain('✗ regression (critical)')
      expect(out.join('')).not.toContain('\u001b[')
      expect(await main(['report', '--format', 'md', '--out', 'r.md'], { ...outputs, cwd: dir, env: {} })).toBe(0)
      expect(await readFile(path.join(dir, 'r.md'), 'utf8')).toContain('<!-- perf-regression -->')
    })
  })

  test('usage and data errors exit 2 with a message', async () => {
    await withStore(async (dir) => {
      expect(await main(['report', '--format', 'pdf'], { ...outputs, cwd: dir, env: {} })).toBe(2)
      expect(err.join('')).toContain('--format must be one of "terminal", "md", "json", "html" (got "pdf")')
      expect(await main(['report', '--bogus'], { ...outputs, cwd: dir, env: {} })).toBe(2)
      expect(await main(['report', '--run', 'zzz'], { ...outputs, cwd: dir, env: {} })).toBe(2)
      expect(err.join('')).toContain('has no run with the id "zzz"')
      expect(await main(['report', '--store', 'missing.jsonl'], { ...outputs, cwd: dir, env: {} })).toBe(2)
      expect(err.join('')).toContain('has no runs')
    })
  })

  test('colour follows the output it is given: a terminal gets it, a capture does not', async () => {
    await withStore(async (dir) => {
      const terminal: string[] = []
      const tty = { write: (t: string) => (terminal.push(t), true), isTTY: true }
      expect(await main(['report'], { cwd: dir, env: {}, stdout: tty, stderr: outputs.stderr })).toBe(0)
      expect(terminal.join('')).toContain('\u001b[')
      expect(await main(['report'], { ...outputs, cwd: dir, env: {} })).toBe(0)
      expect(out.join('')).toContain('✗ regression (critical)')
      expect(out.join('')).not.toContain('\u001b[')
    })
  })

  test('--help', async () => {
    expect(await main(['report', '--help'], { ...outputs, cwd: '/', env: {} })).toBe(0)
    expect(out.join('')).toContain('Usage: perf-regression report')
  })
})
