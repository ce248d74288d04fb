import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { confirmationArgs } from '../../src/confirm/args.js'
import { testNamePattern } from '../../src/util/pattern.js'
import { runConfirmations, suspectKey, type RunnerCommand } from '../../src/confirm/run.js'
import { confirmSettings, CONFIRM_ENV } from '../../src/confirm/settings.js'
import { sample, tempDir } from './helpers.js'

const suspects = [
  { file: 'test/parse.test.ts', name: 'parser > parses 1k rows' },
  { file: 'test/render.test.ts', name: 'render (400 rows)' },
]

describe('confirmationArgs', () => {
  test('Vitest: the same command cut to the suspects, with no reporter, output file, coverage or watch of its own', () => {
    const args = ['run', 'bench/', '--reporter=junit', '--outputFile', 'junit.xml', '--coverage', '--coverage.provider=v8', '-t', 'x', '--pool=forks']
    expect(confirmationArgs('vitest', args, suspects)).toEqual([
      'run',
      'bench/',
      '--pool=forks',
      'test/parse.test.ts',
      'test/render.test.ts',
      '--testNamePattern',
      testNamePattern(suspects.map((s) => s.name)),
      '--reporter=perf-regression',
      '--coverage.enabled=false',
    ])
  })

  test("Vitest without 'run' gets it", () => {
    expect(confirmationArgs('vitest', [], suspects.slice(0, 1))[0]).toBe('run')
  })

  test("'vitest bench' stays a benchmark run, without watching", () => {
    expect(confirmationArgs('vitest', ['bench', '--watch'], suspects.slice(0, 1)).slice(0, 3)).toEqual(['bench', '--run', 'test/parse.test.ts'])
    expect(confirmationArgs('vitest', ['bench', '--run'], suspects.slice(0, 1)).slice(0, 3)).toEqual(['bench', '--run', 'test/parse.test.ts'])
  })

  test('Jest: file filters are patterns, so they are escaped; in band, with only our reporter', () => {
    const args = ['--ci', '--reporters=default', '--reporters', 'jest-junit', '--json', '--outputFile=out.json', '--maxWorkers=2']
    expect(confirmationArgs('jest', args, suspects)).toEqual([
      '--ci',
      '--maxWorkers=2',
      'test/parse\\.test\\.ts',
      'test/render\\.test\\.ts',
      '--testNamePattern',
      testNamePattern(suspects.map((s) => s.name)),
      '--reporters=perf-regression',
      '--coverage=false',
      '--runInBand',
    ])
  })

  test('the name pattern matches the suspects as the runners name them, and nothing else', () => {
    const re = new RegExp(testNamePattern(suspects.map((s) => s.name)))
    expect(re.test('parser parses 1k rows')).toBe(true)
    expect(re.test('render (400 rows)')).toBe(true)
    expect(re.test('parser parses 1k rows twice')).toBe(false)
    expect(re.test('render (400 rows) again')).toBe(false)
    expect(re.test('xparser parses 1k rows')).toBe(false)
    // Vitest 5 joins suite and test names with ' > '.
    expect(re.test('parser > parses 1k rows')).toBe(true)
  })
})

describe('confirmSettings', () => {
  test('reads the output file, and refuses anything else with a clear message', () => {
    expect(confirmSettings({})).toBeUndefined()
    expect(confirmSettings({ [CONFIRM_ENV]: JSON.stringify({ out: '/tmp/x.json' }) })).toEqual({ out: '/tmp/x.json' })
    expect(() => confirmSettings({ [CONFIRM_ENV]: '{' })).toThrow('is not valid JSON')
    expect(() => confirmSettings({ [CONFIRM_ENV]: '{"out":1}' })).toThrow('does not hold confirmation settings')
  })
})

describe('runConfirmations', () => {
  /** A stand-in runner: a script that hands over one sample per suspect, as the reporter does in a confirmation run. */
  async function fakeRunner(dir: string, body: string): Promise<RunnerCommand> {
    const script = path.join(dir, 'runner.mjs')
    await writeFile(
      script,
      `import { writeFileSync, appendFileSync } from 'node:fs'
const { out } = JSON.parse(process.env.${CONFIRM_ENV})
appendFileSync(${JSON.stringify(path.join(dir, 'calls.log'))}, JSON.stringify(process.argv.slice(2)) + '\\n')
${body}
`,
    )
    return { runner: 'vitest', execPath: process.execPath, script, args: ['run'], cwd: dir, env: { ...process.env } }
  }
  const output = (median: number) =>
    JSON.stringify({
      runner: { name: 'vitest', version: '4.1.0', pool: 'forks' },
      root: '/p',
      samples: [{ file: 'test/parse.test.ts', abs: '/p/test/parse.test.ts', name: 'parser > parses 1k rows', project: '', sample: sample(median) }],
      notes: [],
    })

  test('runs up to the number asked for, one fresh process each, and collects the samples per test', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const command = await fakeRunner(dir, `writeFileSync(out, ${JSON.stringify(output(1e6))})`)
      const result = await runConfirmations(command, { suspects: suspects.slice(0, 1), runs: 3, budgetMs: 60_000 })
      expect(result.runs).toBe(3)
      expect(result.stopped).toBeUndefined()
      expect(result.samples.get(suspectKey('test/parse.test.ts', 'parser > parses 1k rows', undefined))).toHaveLength(3)
    } finally {
      await cleanup()
    }
  })

  test('stops as soon as the suspects are decided', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const command = await fakeRunner(dir, `writeFileSync(out, ${JSON.stringify(output(1e6))})`)
      const result = await runConfirmations(command, { suspects: suspects.slice(0, 1), runs: 4, budgetMs: 60_000, decided: (s) => [...s.values()][0]!.length >= 2 })
      expect(result.runs).toBe(2)
      expect(result.stopped).toBe('decided')
    } finally {
      await cleanup()
    }
  })

  test('a run that hands over nothing stops confirmation with a note, never an exception', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const command = await fakeRunner(dir, `console.error('Error: no test files found'); process.exit(1)`)
      const result = await runConfirmations(command, { suspects, runs: 3, budgetMs: 60_000 })
      expect(result.runs).toBe(0)
      expect(result.stopped).toBe('failed')
      expect(result.notes[0]).toMatch(/ended \(exit code 1\) without handing over measurements: Error: no test files found/)
    } finally {
      await cleanup()
    }
  })

  test('a run that would outlast the budget is stopped and dropped', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const command = await fakeRunner(dir, `setTimeout(() => writeFileSync(out, ${JSON.stringify(output(1e6))}), 60_000)`)
      const result = await runConfirmations(command, { suspects, runs: 3, budgetMs: 300 })
      expect(result.runs).toBe(0)
      expect(result.stopped).toBe('budget')
    } finally {
      await cleanup()
    }
  })
})
