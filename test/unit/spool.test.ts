import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { DEFAULT_MEASURE } from '../../src/config/options.js'
import { parseSettings, readSpool, SETTINGS_ENV, writeSpooled } from '../../src/jest/spool.js'
import { sample, tempDir } from './helpers.js'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(async () => {
  await cleanup()
})

const entry = { testPath: '/p/test/a.test.js', testName: 'parses rows', sample: sample(100) }

describe('readSpool', () => {
  test('every field of a spooled line is checked, the first problem named by its path', async () => {
    const lines = [
      { ...entry, testPath: 42 },
      { ...entry, testName: ['a'] },
      { ...entry, concurrent: 'yes' },
      { ...entry, sample: { ...sample(100), wall_ns: { ...sample(100).wall_ns, median: '5' } } },
    ]
    await writeFile(path.join(dir, '1.jsonl'), lines.map((l) => JSON.stringify(l) + '\n').join(''))
    const problems: string[] = []
    expect(readSpool(dir, (m) => problems.push(m))).toEqual([])
    expect(problems).toEqual([
      '1.jsonl:1: invalid measurement from a test worker (testPath: expected a string, got 42); skipped',
      '1.jsonl:2: invalid measurement from a test worker (testName: expected a string, got ["a"]); skipped',
      '1.jsonl:3: invalid measurement from a test worker (concurrent: expected true or false, got "yes"); skipped',
      '1.jsonl:4: invalid measurement from a test worker (sample.wall_ns.median: expected a number, got "5"); skipped',
    ])
  })

  test('fields it does not know (the A/B side of a sample) travel on; a BOM is not part of a line', async () => {
    const ab = { ...entry, sample: { ...sample(100), ab: { side: 'base' } } }
    await writeFile(path.join(dir, '2.jsonl'), '\ufeff' + JSON.stringify(ab) + '\n')
    const problems: string[] = []
    expect(readSpool(dir, (m) => problems.push(m))).toEqual([ab])
    expect(problems).toEqual([])
  })

  test('many bad lines in a file: five named, the rest counted in one message', async () => {
    writeSpooled(dir, entry)
    await writeFile(path.join(dir, '3.jsonl'), 'garbage\n'.repeat(50))
    const problems: string[] = []
    expect(readSpool(dir, (m) => problems.push(m))).toEqual([entry])
    expect(problems).toEqual([
      '3.jsonl:1: a measurement from a test worker is not valid JSON; skipped',
      '3.jsonl:2: a measurement from a test worker is not valid JSON; skipped',
      '3.jsonl:3: a measurement from a test worker is not valid JSON; skipped',
      '3.jsonl:4: a measurement from a test worker is not valid JSON; skipped',
      '3.jsonl:5: a measurement from a test worker is not valid JSON; skipped',
      '3.jsonl: 45 more invalid measurements from a test worker; skipped',
    ])
  })
})

describe('parseSettings', () => {
  test('reads what the reporter sets', () => {
    const settings = { measure: DEFAULT_MEASURE, rawSamples: 64 }
    expect(parseSettings(JSON.stringify(settings))).toEqual(settings)
  })

  test.each([
    ['not JSON', '{', `perf-regression: ${SETTINGS_ENV} is not valid JSON; it is set by the perf-regression Jest reporter, do not set it by hand`],
    [
      'a wrong type',
      JSON.stringify({ measure: { ...DEFAULT_MEASURE, time: '100' }, rawSamples: 64 }),
      `perf-regression: ${SETTINGS_ENV} does not hold measurement settings (measure.time: expected a number, got "100"); it is set by the perf-regression Jest reporter, do not set it by hand`,
    ],
    [
      'an unknown metric',
      JSON.stringify({ measure: { ...DEFAULT_MEASURE, metrics: ['gpu'] }, rawSamples: 64 }),
      `perf-regression: ${SETTINGS_ENV} does not hold measurement settings (measure.metrics[0]: expected one of "cpu", "memory" or "leak", got "gpu"); it is set by the perf-regression Jest reporter, do not set it by hand`,
    ],
    ['no raw sample count', JSON.stringify({ measure: DEFAULT_MEASURE }), `perf-regression: ${SETTINGS_ENV} does not hold measurement settings (rawSamples is missing); it is set by the perf-regression Jest reporter, do not set it by hand`],
  ])('%s is refused with what is wrong', (_label, raw, message) => {
    expect(() => parseSettings(raw)).toThrow(message)
  })
})
