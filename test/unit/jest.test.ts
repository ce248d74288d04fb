import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { attribute, environmentName } from '../../src/jest/reporter.js'
import { perf } from '../../src/jest/perf.js'
import { readSpool, writeSpooled, type SpooledSample } from '../../src/jest/spool.js'
import { sample, tempDir } from './helpers.js'

const ROOT = '/project'
const result = (file: string, tests: { ancestors: string[]; title: string; status?: string }[]) => ({
  testFilePath: `${ROOT}/${file}`,
  testResults: tests.map((t) => ({
    ancestorTitles: t.ancestors,
    title: t.title,
    fullName: [...t.ancestors, t.title].join(' '),
    status: t.status ?? 'passed',
  })),
})
const spooled = (file: string, testName: string, extra: Partial<SpooledSample> = {}): SpooledSample => ({
  testPath: `${ROOT}/${file}`,
  testName,
  sample: sample(1000),
  ...extra,
})

describe('attribute', () => {
  const results = [
    result('test/a.test.js', [
      { ancestors: ['parser'], title: 'parses rows' },
      { ancestors: ['parser'], title: 'fails', status: 'failed' },
      { ancestors: [], title: 'dup' },
      { ancestors: [], title: 'dup' },
    ]),
  ]
  const envs = new Map([[`${ROOT}/test/a.test.js`, 'jest-env-node']])

  test('names the test like Vitest does: file relative to the root, titles joined with " > "', () => {
    const { samples, notes } = attribute([spooled('test/a.test.js', 'parser parses rows')], results, envs, ROOT, '30.1.0')
    expect(notes).toEqual([])
    expect(samples).toHaveLength(1)
    expect(samples[0]!.test).toEqual({ file: 'test/a.test.js', name: 'parser > parses rows', project: '' })
    expect(samples[0]!.runner).toEqual({ name: 'jest', version: '30.1.0', pool: 'jest-env-node' })
  })

  test('a named benchmark keeps its label', () => {
    const named = spooled('test/a.test.js', 'parser parses rows', { sample: sample(5, { name: 'small' }) })
    const { samples } = attribute([named], results, envs, ROOT, '30.1.0')
    expect(samples[0]!.test.bench).toBe('small')
  })

  test('samples of concurrent tests, failed tests, unknown and ambiguous names are skipped with a reason', () => {
    const { samples, notes } = attribute(
      [
        spooled('test/a.test.js', 'parser parses rows', { concurrent: true }),
        spooled('test/a.test.js', 'parser fails'),
        spooled('test/a.test.js', 'nobody'),
        spooled('test/a.test.js', 'dup'),
        spooled('test/other.test.js', 'parser parses rows'),
      ],
      results,
      envs,
      ROOT,
      '30.1.0',
    )
    expect(samples).toEqual([])
    expect(notes).toHaveLength(5)
    expect(notes[0]).toMatch(/ran at the same time as another perf\(\).*skipped/)
    expect(notes[1]).toContain('did not pass')
    expect(notes[2]).toContain('no such test in the results')
    expect(notes[3]).toContain('several tests have this name')
    expect(notes[4]).toContain('no such test in the results')
  })
})

describe('environmentName', () => {
  test.each([
    [undefined, 'jest-env-node'],
    ['/p/node_modules/jest-environment-node/build/index.js', 'jest-env-node'],
    ['/p/node_modules/jest-environment-jsdom/build/index.js', 'jest-env-jsdom'],
    ['/p/test/custom-env.cjs', 'jest-env-custom-env'],
  ])('%s → %s', (input, expected) => {
    expect(environmentName(input)).toBe(expected)
  })
})

describe('spool', () => {
  test('round-trips samples and reports bad lines with their file and line', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      writeSpooled(dir, spooled('test/a.test.js', 'parser parses rows'))
      await writeFile(path.join(dir, '999.jsonl'), 'not json\n{"testPath":"/x","testName":"t","sample":{"iterations":0}}\n')
      const problems: string[] = []
      const read = readSpool(dir, (m) => problems.push(m))
      expect(read).toHaveLength(1)
      expect(read[0]!.testName).toBe('parser parses rows')
      expect(problems).toHaveLength(2)
      expect(problems[0]).toMatch(/^999\.jsonl:1: .*not valid JSON/)
      expect(problems[1]).toMatch(/^999\.jsonl:2: invalid measurement .*sample\.iterations: expected a number of 1 or more, got 0/)
    } finally {
      await cleanup()
    }
  })

  test('a missing spool folder reads as empty', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      expect(readSpool(path.join(dir, 'gone'), () => {})).toEqual([])
      await mkdir(path.join(dir, 'empty'))
      expect(readSpool(path.join(dir, 'empty'), () => {})).toEqual([])
    } finally {
      await cleanup()
    }
  })
})

describe('perf() for Jest', () => {
  test('refuses to run outside a Jest test, saying why', async () => {
    await expect(perf(() => 1)).rejects.toThrow('perf() must be called inside a Jest test')
  })

  test('refuses a non-function', async () => {
    await expect(perf(42 as never)).rejects.toThrow('perf() needs a function to benchmark')
  })
})
