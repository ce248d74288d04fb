/**
 * writeOutputs: the report files a configuration asks for, each in its own format, the job
 * summary and annotations inside GitHub Actions, and write failures as problems.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { ResolvedConfig } from '../../src/config/options.js'
import { writeOutputs } from '../../src/core/outputs.js'
import { ANNOTATION } from './commands.js'
import { config, outputCapture, tempDir } from './helpers.js'
import { buildFixtureModel } from './report-fixtures.js'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(async () => {
  await cleanup()
})

const io = outputCapture()
afterEach(io.reset)

type Reports = ResolvedConfig['reports']
const NONE: Reports = { markdown: false, json: false, html: false, issue: false }
const ALL: Reports = { markdown: 'out/report.md', json: 'out/analysis.json', html: 'out/dashboard.html', issue: 'out/issue.md' }

const write = (reports: Partial<Reports>, env: Record<string, string | undefined> = {}, extra: Partial<ResolvedConfig> = {}, model = buildFixtureModel()) =>
  writeOutputs(model, config({ reports: { ...NONE, ...reports }, ...extra }), dir, env, io.outputs.stderr)

/** Every file under `folder`, recursively, relative to it. */
async function files(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.relative(folder, path.join(e.parentPath, e.name))).sort()
}

describe('writeOutputs', () => {
  test('each configured report is written in its format, with folders made as needed', async () => {
    const result = await write(ALL)
    expect(result.problems).toEqual([])
    expect(result.annotations).toEqual([])
    expect(result.written).toEqual(['report.md', 'analysis.json', 'dashboard.html', 'issue.md'].map((f) => path.join(dir, 'out', f)))
    const read = (f: string) => readFile(path.join(dir, 'out', f), 'utf8')
    expect(await read('report.md')).toMatch(/^<!-- perf-regression -->/)
    const json = JSON.parse(await read('analysis.json')) as { schema: number; failed: boolean; verdicts: unknown[] }
    expect(json).toMatchObject({ schema: 1, failed: true })
    expect(json.verdicts.length).toBeGreaterThan(0)
    expect(await read('dashboard.html')).toMatch(/^<!doctype html>/i)
    // The fixture has a critical regression: the issue file has a title line and a body.
    expect(await read('issue.md')).toMatch(/critical performance regression/)
    expect(await files(dir)).toEqual(['out/analysis.json', 'out/dashboard.html', 'out/issue.md', 'out/report.md'])
    expect(io.err).toEqual([])
  })

  test('the dashboard inlines the chart library; the reports link to the commit and the CI run from the variables', async () => {
    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/widgets', GITHUB_RUN_ID: '77' }
    const result = await write(ALL, env)
    expect(result.problems).toEqual([])
    const read = (f: string) => readFile(path.join(dir, 'out', f), 'utf8')
    const html = await read('dashboard.html')
    expect(html).toContain('<script>/*! https://github.com/leeoniya/uPlot')
    expect(html).toContain('.uplot, .uplot *')
    expect(html).toContain('"repo":"https://github.com/acme/widgets"')
    const links = '**Links:** commit [`a1b2c3d`](https://github.com/acme/widgets/commit/a1b2c3d4e5f60718293a4b5c6d7e8f9012345678) · [the CI run](https://github.com/acme/widgets/actions/runs/77), whose artifacts hold the dashboard (`dashboard.html`)'
    expect(await read('report.md')).toContain(links)
    expect(await read('issue.md')).toContain(links)
  })

  test('only the reports configured are written', async () => {
    const result = await write({ json: 'a.json' })
    expect(result.written).toEqual([path.join(dir, 'a.json')])
    expect(await files(dir)).toEqual(['a.json'])
  })

  test('without a critical regression, an issue file left by an earlier run is removed', async () => {
    const issue = path.join(dir, 'issue.md')
    await writeFile(issue, 'an issue from yesterday')
    const calm = buildFixtureModel({ tests: [] })
    const result = await write({ issue: 'issue.md' }, {}, {}, calm)
    expect(result).toEqual({ written: [], annotations: [], problems: [] })
    expect(await files(dir)).toEqual([])
  })

  test('an issue path that cannot be removed is a problem, not a throw', async () => {
    await mkdir(path.join(dir, 'issue.md', 'inside'), { recursive: true })
    const result = await write({ issue: 'issue.md' }, {}, {}, buildFixtureModel({ tests: [] }))
    expect(result.problems).toHaveLength(1)
    expect(result.problems[0]).toMatch(new RegExp(`^cannot remove the regression issue ${path.join(dir, 'issue.md')} left by an earlier run: `))
  })

  test('a report that cannot be written is a problem; the others are still written and no temporary file is left', async () => {
    // A non-empty folder where the Markdown report should be: the rename over it fails.
    await mkdir(path.join(dir, 'out', 'report.md'), { recursive: true })
    await writeFile(path.join(dir, 'out', 'report.md', 'keep'), '')
    const result = await write(ALL)
    expect(result.problems).toHaveLength(1)
    expect(result.problems[0]).toMatch(new RegExp(`^cannot write the Markdown report ${path.join(dir, 'out', 'report.md')}: E[A-Z]+`))
    expect(result.written).toEqual(['analysis.json', 'dashboard.html', 'issue.md'].map((f) => path.join(dir, 'out', f)))
    expect(await files(dir)).toEqual(['out/analysis.json', 'out/dashboard.html', 'out/issue.md', 'out/report.md/keep'])
  })

  test('a report under a file instead of a folder is a problem too', async () => {
    await writeFile(path.join(dir, 'out'), 'a file in the way')
    const result = await write({ json: 'out/analysis.json' })
    expect(result.written).toEqual([])
    expect(result.problems).toHaveLength(1)
    expect(result.problems[0]).toMatch(/^cannot write the JSON report .*analysis\.json: E[A-Z]+/)
    expect(await files(dir)).toEqual(['out'])
  })

  describe('GitHub Actions', () => {
    const summary = () => path.join(dir, 'summary.md')

    test('inside Actions (github: auto), the Markdown is appended to the job summary and annotations are returned', async () => {
      await writeFile(summary(), 'an earlier step\n')
      const result = await write({}, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary() })
      expect(result.problems).toEqual([])
      const text = await readFile(summary(), 'utf8')
      expect(text.startsWith('an earlier step\n<!-- perf-regression -->')).toBe(true)
      expect(result.annotations.length).toBeGreaterThan(0)
      expect(result.annotations.every((a) => ANNOTATION.test(a))).toBe(true)
      expect(result.annotations.some((a) => a.startsWith('::error '))).toBe(true)
    })

    test('outside Actions nothing is annotated or summarised; github: true does both anywhere, github: false never', async () => {
      const outside = await write({}, { GITHUB_STEP_SUMMARY: summary() })
      expect(outside.annotations).toEqual([])
      await expect(readFile(summary(), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' })

      const off = await write({}, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary() }, { github: false })
      expect(off.annotations).toEqual([])
      await expect(readFile(summary(), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' })

      const on = await write({}, { GITHUB_STEP_SUMMARY: summary() }, { github: true })
      expect(on.annotations.length).toBeGreaterThan(0)
      expect(await readFile(summary(), 'utf8')).toMatch(/^<!-- perf-regression -->/)
    })

    test('a job summary that cannot be appended to is a problem; the annotations still come', async () => {
      await mkdir(summary())
      const result = await write({}, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary() })
      expect(result.problems).toHaveLength(1)
      expect(result.problems[0]).toMatch(new RegExp(`^cannot append to \\$GITHUB_STEP_SUMMARY \\(${summary()}\\): EISDIR`))
      expect(result.annotations.length).toBeGreaterThan(0)
    })
  })

  test('a lot of space freed by sweeping old temporary files is said on the stderr it is given', async () => {
    await mkdir(path.join(dir, 'out'))
    await writeFile(path.join(dir, 'out', `.report.md.${2 ** 30}.a1b2c3d4e5f6.tmp`), Buffer.alloc(2 * 1024 * 1024))
    const result = await write({ markdown: 'out/report.md' })
    expect(result.problems).toEqual([])
    expect(io.err).toEqual([`perf-regression: removed 1 temporary file left by interrupted writes in ${JSON.stringify(path.join(dir, 'out'))} (2.00 MiB freed)\n`])
    expect(await files(dir)).toEqual(['out/report.md'])
  })
})
