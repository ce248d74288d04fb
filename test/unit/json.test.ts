import { describe, expect, test } from 'vitest'
import { ANALYSIS_SCHEMA_VERSION, buildAnalysisDocument, renderJson, type AnalysisDocument } from '../../src/report/json.js'
import { buildFixtureModel, FIXTURE_RUN_ID } from './report-fixtures.js'

describe('renderJson on the fixed model', () => {
  const model = buildFixtureModel()
  const text = renderJson(model)
  const doc = JSON.parse(text) as AnalysisDocument

  test('the whole document', async () => {
    await expect(text).toMatchFileSnapshot('./__snapshots__/analysis.json')
  })

  test('round trip: the text parses back to the document', () => {
    expect(doc).toEqual(buildAnalysisDocument(model))
    expect(text.endsWith('}\n')).toBe(true)
    // Indented by two spaces, but each history point on one line.
    const points = Object.values(doc.history).flat()
    expect(points.length).toBeGreaterThan(0)
    const pointLines = text.split('\n').filter((l) => l.includes('"run_id"'))
    expect(pointLines.map((l) => JSON.parse(l.trim().replace(/,$/, '')))).toEqual(points)
    expect(pointLines.every((l) => l.startsWith('      {'))).toBe(true)
    const { history: _history, ...rest } = doc
    expect(text).toContain(JSON.stringify(rest, null, 2).split('\n').slice(1, 5).join('\n'))
  })

  test('header fields and their order', () => {
    expect(doc.schema).toBe(1)
    expect(ANALYSIS_SCHEMA_VERSION).toBe(1)
    expect(doc.generator).toBe('perf-regression')
    expect(Object.keys(doc)).toEqual([
      'schema', 'generator', 'run', 'recorded', 'min_samples', 'fail_on', 'failed', 'failing', 'summary', 'baseline_commits', 'verdicts', 'history', 'warnings', 'store',
    ])
    expect(doc.run.id).toBe(FIXTURE_RUN_ID)
    expect(doc.run.git.commit).toBe('a1b2c3d4e5f60718293a4b5c6d7e8f9012345678')
    expect(doc.run.env).toEqual(model.run.env)
    expect(doc.recorded).toBe(true)
    expect(doc.min_samples).toBe(5)
    expect(doc.fail_on).toBe('minor')
    expect(doc.failed).toBe(true)
  })

  test('counts add up', () => {
    const { summary } = doc
    expect(summary).toMatchInlineSnapshot(`
      {
        "by_kind": {
          "improvement": 1,
          "inconclusive": 1,
          "insufficient-data": 1,
          "new": 1,
          "regression": 2,
          "unchanged": 1,
        },
        "by_severity": {
          "improvement": {
            "critical": 0,
            "minor": 0,
            "moderate": 1,
          },
          "regression": {
            "critical": 1,
            "minor": 0,
            "moderate": 1,
          },
        },
        "failing": 2,
        "judged": 5,
        "total": 7,
      }
    `)
    expect(Object.values(summary.by_kind).reduce((a, b) => a + b, 0)).toBe(summary.total)
    expect(summary.total).toBe(doc.verdicts.length)
    expect(Object.values(summary.by_severity.regression).reduce((a, b) => a + b, 0)).toBe(summary.by_kind.regression)
    expect(Object.values(summary.by_severity.improvement).reduce((a, b) => a + b, 0)).toBe(summary.by_kind.improvement)
    expect(summary.failing).toBe(doc.failing.length)
    expect(doc.verdicts.filter((v) => v.failing).map((v) => v.key).sort()).toEqual([...doc.failing].sort())
  })

  test('a regression carries all its evidence, as numbers, in a fixed key order', () => {
    const v = doc.verdicts.find((x) => x.kind === 'regression' && x.severity === 'critical')!
    expect(Object.keys(v)).toEqual(['kind', 'key', 'test', 'failing', 'severity', 'reason', 'evidence'])
    expect(v.test).toEqual({ file: 'test/parse.test.ts', name: 'parser > large file', project: '', bench: 'tokenize' })
    if (!('evidence' in v)) throw new Error('no evidence')
    expect(Object.keys(v.evidence)).toEqual([
      'metric', 'baseline_runs', 'window', 'baseline', 'current', 'ratio', 'interval', 'p_value', 'q_value', 'confidence', 'noise', 'detectable', 'thresholds',
    ])
    const source = model.verdicts.find((x) => x.key === v.key)!
    if (!('evidence' in source)) throw new Error('no evidence')
    expect(v.evidence).toEqual(source.evidence)
    expect(v.reason).toBe(source.reason)
    for (const n of [v.evidence.ratio, v.evidence.p_value, v.evidence.q_value, v.evidence.noise, ...v.evidence.interval]) expect(typeof n).toBe('number')
    expect(v.evidence.baseline_runs).toBe(8)
    const withLine = { ...model, verdicts: model.verdicts.map((x) => ({ ...x, test: { ...x.test, line: 12 } })) }
    expect((JSON.parse(renderJson(withLine)) as AnalysisDocument).verdicts[0]!.test.line).toBe(12)
    expect(v.evidence.thresholds).toEqual({ minor: 1.2, moderate: 1.5, critical: 2 })
  })

  test('unjudged verdicts keep their own fields', () => {
    const few = doc.verdicts.find((x) => x.kind === 'insufficient-data')!
    expect(few).toMatchObject({ current: 44e3, baseline: 40.5e3, baseline_runs: 2, required: 5, failing: false })
    const fresh = doc.verdicts.find((x) => x.kind === 'new')!
    expect(fresh).toMatchObject({ current: 3.2e6, foreign_baseline_runs: 0, reason: 'no baseline run yet: this run is not judged' })
    expect('evidence' in fresh).toBe(false)
  })

  test('history: one entry per test, in verdict order, the current run last', () => {
    expect(Object.keys(doc.history)).toEqual(doc.verdicts.map((v) => v.key))
    const key = doc.failing[0]!
    const points = doc.history[key]!
    expect(points).toHaveLength(9)
    expect(points.at(-1)).toEqual({ run_id: FIXTURE_RUN_ID, time: '2025-06-01T12:00:00.000Z', mode: 'compare', commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', wall_ns: 2.31e6, flagged: true })
    expect(Object.keys(points[0]!)).toEqual(['run_id', 'time', 'mode', 'commit', 'wall_ns'])
    expect(doc.baseline_commits).toEqual(model.baseline_commits)
  })
})

describe('renderJson is pure and stable', () => {
  test('same model, same text; the model is not changed', () => {
    const model = buildFixtureModel()
    const before = structuredClone(model)
    expect(renderJson(model)).toBe(renderJson(model))
    expect(model).toEqual(before)
  })

  test('key order does not depend on how the input objects were built', () => {
    const model = buildFixtureModel()
    const reversed = (o: object) => Object.fromEntries(Object.entries(o).reverse())
    const shuffled = {
      ...model,
      run: { ...model.run, env: reversed(model.run.env), git: reversed(model.run.git) },
      verdicts: model.verdicts.map((v) => reversed({ ...v, test: reversed(v.test), ...('evidence' in v ? { evidence: reversed(v.evidence) } : {}) })),
      history: Object.fromEntries(Object.entries(model.history).reverse().map(([k, ps]) => [k, ps.map(reversed)])),
    } as typeof model
    expect(renderJson(shuffled)).toBe(renderJson(model))
  })

  test('establish mode: nothing fails; warnings are kept', () => {
    const warnings = [{ file: '/p/b.jsonl', line: 2, message: 'bad line' }]
    const doc = JSON.parse(renderJson(buildFixtureModel({ config: { baselineMode: 'establish' }, warnings }))) as AnalysisDocument
    expect(doc.run.mode).toBe('establish')
    expect(doc.failed).toBe(false)
    expect(doc.summary.failing).toBe(0)
    expect(doc.verdicts.every((v) => !v.failing)).toBe(true)
    expect(doc.warnings).toEqual(warnings)
  })

  test('an empty run', () => {
    const doc = JSON.parse(renderJson(buildFixtureModel({ tests: [] }))) as AnalysisDocument
    expect(doc.summary.total).toBe(0)
    expect(doc.verdicts).toEqual([])
    expect(doc.history).toEqual({})
  })
})
