import { afterEach, describe, test, expect } from 'vitest'
import path from 'node:path'
import { resolveRunnerBin } from '../../src/cli/context.js'
import { extractRepeatFlag, HELP, main } from '../../src/cli/main.js'
import { ConfigError } from '../../src/config/validate.js'
import { outputCapture, tempDir } from './helpers.js'

const { out: stdout, err: stderr, outputs, reset } = outputCapture()
afterEach(reset)

const written = (lines: string[]) => lines.join('')
const ctx = () => ({ cwd: process.cwd(), env: {} as NodeJS.ProcessEnv, ...outputs })

describe('main', () => {
  test.each([['--help'], ['-h'], ['help']])('%s prints the help and exits 0', async (flag) => {
    expect(await main([flag], ctx())).toBe(0)
    expect(written(stdout)).toBe(HELP)
    expect(written(stderr)).toBe('')
  })

  test('no command prints the help and exits 2', async () => {
    expect(await main([], ctx())).toBe(2)
    expect(written(stdout)).toBe(HELP)
  })

  test('an unknown command exits 2 with the help on stderr', async () => {
    expect(await main(['bench', '--baseline-mode=establish'], ctx())).toBe(2)
    const err = written(stderr)
    expect(err.startsWith('perf-regression: unknown command "bench"\n\n')).toBe(true)
    expect(err).toContain(HELP)
    expect(written(stdout)).toBe('')
  })

  test('a bad --baseline-mode exits 2 before Vitest is started, leaving the environment alone', async () => {
    const c = ctx()
    expect(await main(['vitest', 'run', '--baseline-mode=fast'], c)).toBe(2)
    expect(written(stderr)).toBe(
      'perf-regression: invalid configuration: --baseline-mode must be one of "establish", "compare" (got "fast")\n',
    )
    expect(c.env.PERF_BASELINE_MODE).toBeUndefined()
  })

  test('an empty --baseline-mode= is rejected by the command', async () => {
    expect(await main(['vitest', '--baseline-mode='], ctx())).toBe(2)
    expect(written(stderr)).toContain('(got "")')
  })

  test('--baseline-mode without a value exits 2', async () => {
    expect(await main(['vitest', 'run', '--baseline-mode'], ctx())).toBe(2)
    expect(written(stderr)).toBe('perf-regression: invalid configuration: --baseline-mode needs a value: one of "establish", "compare"\n')
  })

  test('the help documents the flag and the commands', () => {
    expect(HELP).toContain('--baseline-mode=<mode>')
    expect(HELP).toContain('npx perf-regression vitest run --baseline-mode=establish')
  })
})

describe('paths outside the project', () => {
  test('a --store given on the command line is used wherever it is; one from the config file outside the project is refused', async () => {
    const project = await tempDir()
    const elsewhere = await tempDir()
    try {
      const store = path.join(elsewhere.dir, 'history.jsonl')
      // Read, not refused: the store is empty, so history has no test to show.
      expect(await main(['history', '--store', store], { ...ctx(), cwd: project.dir })).toBe(2)
      expect(written(stderr)).toContain(`no test in ${store} matches`)
      expect(written(stderr)).not.toContain('allowOutsideRoot')
      reset()
      const { writeFile } = await import('node:fs/promises')
      await writeFile(path.join(project.dir, 'perf-regression.config.json'), JSON.stringify({ store: store }))
      expect(await main(['history'], { ...ctx(), cwd: project.dir })).toBe(2)
      expect(written(stderr)).toMatch(/allowOutsideRoot/)
    } finally {
      await project.cleanup()
      await elsewhere.cleanup()
    }
  })
})

describe('resolveRunnerBin (resolution only, nothing is run)', () => {
  test("finds Vitest's command in this project", async () => {
    const bin = await resolveRunnerBin('vitest', process.cwd())
    expect(path.isAbsolute(bin)).toBe(true)
    expect(bin).toContain(`${path.sep}node_modules${path.sep}vitest${path.sep}`)
  })

  test('a folder without Vitest is a ConfigError that says how to install it', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const error = await resolveRunnerBin('vitest', dir).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).problems).toEqual([`vitest is not installed in ${dir}: install it with npm i -D vitest`])
    } finally {
      await cleanup()
    }
  })
})

describe('extractRepeatFlag', () => {
  test('takes --repeat out of the runner arguments, in both spellings', () => {
    expect(extractRepeatFlag(['run', '--repeat=3', '--reporter=dot'])).toEqual({ times: 3, rest: ['run', '--reporter=dot'] })
    expect(extractRepeatFlag(['run', '--repeat', '5'])).toEqual({ times: 5, rest: ['run'] })
    expect(extractRepeatFlag(['run'])).toEqual({ times: 1, rest: ['run'] })
  })

  test.each(['0', '2.5', 'three', '101', ''])('refuses --repeat=%j with a message saying what is allowed', (value) => {
    expect(() => extractRepeatFlag([`--repeat=${value}`])).toThrow(ConfigError)
    expect(() => extractRepeatFlag([`--repeat=${value}`])).toThrow(`--repeat must be a whole number of runs from 1 to 100, like --repeat=3 (got ${JSON.stringify(value)})`)
  })

  test('a missing value is refused too', () => {
    expect(() => extractRepeatFlag(['run', '--repeat'])).toThrow('(got "")')
  })
})
