import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { loadConfigFile, mergeOptions } from '../../src/config/file.js'
import { resolveConfig } from '../../src/config/resolve.js'
import { ConfigError } from '../../src/config/validate.js'
import { tempDir } from './helpers.js'

async function inDir(files: Record<string, string>, fn: (dir: string) => void | Promise<void>) {
  const { dir, cleanup } = await tempDir()
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text)
    await fn(dir)
  } finally {
    await cleanup()
  }
}

describe('loadConfigFile', () => {
  test('no file: no options', async () => {
    await inDir({}, (dir) => expect(loadConfigFile(dir)).toEqual({ options: {} }))
  })

  test.each([
    ['perf-regression.config.json', '{ "failOn": "moderate", "thresholds": { "minor": 1.3 } }'],
    ['perf-regression.config.yaml', 'failOn: moderate\nthresholds:\n  minor: 1.3\n'],
    ['perf-regression.config.yml', 'failOn: moderate\nthresholds: { minor: 1.3 }\n'],
    ['perf-regression.config.mjs', "export default { failOn: 'moderate', thresholds: { minor: 1.3 } }\n"],
    ['perf-regression.config.cjs', "module.exports = { failOn: 'moderate', thresholds: { minor: 1.3 } }\n"],
    [
      'perf-regression.config.ts',
      "import type { PerfRegressionOptions } from 'perf-regression'\nconst minor: number = 1.3\nexport default { failOn: 'moderate', thresholds: { minor } } satisfies PerfRegressionOptions\n",
    ],
  ])('reads %s', async (name, text) => {
    await inDir({ [name]: text }, (dir) => {
      const loaded = loadConfigFile(dir)
      expect(loaded.file).toBe(path.join(dir, name))
      expect(loaded.options).toEqual({ failOn: 'moderate', thresholds: { minor: 1.3 } })
    })
  })

  test('every problem of the file at once, each naming the file', async () => {
    await inDir({ 'perf-regression.config.json': '{ "failOn": "often", "thresholds": { "minor": 0.5 }, "colour": true }' }, (dir) => {
      const error = (() => {
        try {
          loadConfigFile(dir)
        } catch (e) {
          return e
        }
      })() as ConfigError
      expect(error).toBeInstanceOf(ConfigError)
      expect(error.problems).toHaveLength(3)
      for (const p of error.problems) expect(p.startsWith('perf-regression.config.json: ')).toBe(true)
      expect(error.problems.join('\n')).toContain('thresholds.minor must be a number greater than 1 (got 0.5)')
      expect(error.problems.join('\n')).toContain('unknown option colour')
    })
  })

  test('two config files are refused; broken syntax says which file', async () => {
    await inDir({ 'perf-regression.config.json': '{}', 'perf-regression.config.yaml': '{}' }, (dir) => {
      expect(() => loadConfigFile(dir)).toThrow(/found perf-regression\.config\.json and perf-regression\.config\.yaml .*keep one/)
    })
    await inDir({ 'perf-regression.config.json': '{ "failOn": ' }, (dir) => {
      expect(() => loadConfigFile(dir)).toThrow(/cannot read .*perf-regression\.config\.json/)
    })
  })
})

describe('mergeOptions and resolveConfig with a root', () => {
  test('options from code win, nested objects merge one level deep', () => {
    expect(
      mergeOptions(
        { failOn: 'critical', thresholds: { minor: 1.3, moderate: 1.6 }, measure: { time: 50 } },
        { failOn: 'moderate', thresholds: { minor: 1.25 } },
      ),
    ).toEqual({ failOn: 'moderate', thresholds: { minor: 1.25, moderate: 1.6 }, measure: { time: 50 } })
  })

  test('the file is read from the root; the flag still decides the mode', async () => {
    await inDir({ 'perf-regression.config.yaml': 'failOn: critical\nminSamples: 3\nbaselineMode: establish\n' }, (dir) => {
      const config = resolveConfig({ root: dir, options: { failOn: 'moderate' }, argv: ['--baseline-mode=compare'] })
      expect(config.failOn).toBe('moderate')
      expect(config.minSamples).toBe(3)
      expect(config.baselineMode).toBe('compare')
      expect(resolveConfig({ root: dir }).baselineMode).toBe('establish')
    })
  })

  test('the A/B flags of the command merge over the file\'s ab options', async () => {
    await inDir({ 'perf-regression.config.yaml': 'ab:\n  budget: 60\n  cycles: 4\n  base: origin/develop\n' }, (dir) => {
      const config = resolveConfig({ root: dir, options: { ab: { budget: 10 } } })
      expect(config.ab).toMatchObject({ budget: 10, cycles: 4, base: 'origin/develop', roundTime: 5 })
      expect(resolveConfig({ root: dir, options: { ab: {} } }).ab.budget).toBe(60)
    })
  })

  test('a merged result that breaks the band order is reported', async () => {
    await inDir({ 'perf-regression.config.json': '{ "thresholds": { "moderate": 1.3 } }' }, (dir) => {
      expect(() => resolveConfig({ root: dir, options: { thresholds: { minor: 1.4 } } })).toThrow(/increasing order/)
    })
  })
})
