import { describe, expect, test } from 'vitest'
import { failingVerdicts, type Finding, type TestVerdict } from '../../src/detect/verdict.js'
import { renderAnnotations } from '../../src/report/github.js'
import { buildAnalysisDocument } from '../../src/report/json.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { buildReportModel, type ReportModel } from '../../src/report/model.js'
import { renderTerminal } from '../../src/report/terminal.js'
import { buildFixtureModelWith, buildFixtureOutcome } from './report-fixtures.js'

const LIMIT: Finding = {
  kind: 'limit',
  metric: 'errors',
  unit: '',
  direction: 'worse',
  severity: 'critical',
  gates: true,
  current: 3,
  limit: 0,
  reason: 'errors is 3, above its limit of 0',
}
const MINOR_METRIC: Finding = { ...LIMIT, kind: 'metric', metric: 'cpu', severity: 'minor', reason: 'CPU time per call 1.25× higher' }
const STEP: Finding = { ...LIMIT, kind: 'step', metric: 'wall', severity: 'moderate', gates: false, reason: 'a step change' }

const withFindings = (key: (v: TestVerdict) => boolean, findings: Finding[]) => (verdicts: TestVerdict[]) =>
  verdicts.map((v) => (key(v) ? { ...v, findings } : v))
const isKind = (kind: TestVerdict['kind']) => (v: TestVerdict) => v.kind === kind

describe('failingVerdicts: the failure policy of a run', () => {
  const { verdicts } = buildFixtureOutcome()
  test('compare mode: the verdicts that fail at failOn; establish mode: none', () => {
    expect(failingVerdicts(verdicts, 'compare', 'minor').map((v) => v.kind)).toEqual(['regression', 'regression'])
    expect(failingVerdicts(verdicts, 'compare', 'critical')).toHaveLength(1)
    expect(failingVerdicts(verdicts, 'compare', 'never')).toEqual([])
    expect(failingVerdicts(verdicts, 'establish', 'minor')).toEqual([])
  })
})

describe('buildReportModel decides the failing flags once', () => {
  test('each verdict carries whether it fails and why; the model lists the failing keys worst first', () => {
    const model = buildFixtureModelWith((v) => v, { config: { failOn: 'critical' } })
    const failing = model.verdicts.filter((v) => v.failing)
    expect(failing.map((v) => v.kind === 'regression' && v.severity)).toEqual(['critical'])
    expect(failing[0]!.failures).toEqual([failing[0]!.reason])
    expect(model.failing).toEqual([failing[0]!.key])
    expect(model.failed).toBe(true)
    for (const v of model.verdicts.filter((x) => !x.failing)) expect(v.failures).toEqual([])
  })

  test('findings: failing when they fail at failOn; a gating finding fails a verdict whose regression does not', () => {
    const model = buildFixtureModelWith(withFindings((v) => v.kind === 'regression' && v.severity === 'moderate', [LIMIT, MINOR_METRIC, STEP]), { config: { failOn: 'critical' } })
    const v = model.verdicts.find((x) => x.findings)!
    expect(v.failing).toBe(true)
    expect(v.findings!.map((f) => [f.kind, f.failing])).toEqual([
      ['limit', true],
      ['metric', false],
      ['step', false],
    ])
    // Its own moderate regression is below failOn: only the limit is why it fails.
    expect(v.failures).toEqual([LIMIT.reason])
  })

  test('establish mode: nothing fails, findings included', () => {
    const model = buildFixtureModelWith(withFindings(isKind('unchanged'), [LIMIT]), { config: { baselineMode: 'establish' } })
    expect(model.failed).toBe(false)
    expect(model.failing).toEqual([])
    expect(model.verdicts.every((v) => !v.failing && v.failures.length === 0)).toBe(true)
    expect(model.verdicts.flatMap((v) => v.findings ?? []).map((f) => f.failing)).toEqual([false])
  })

  test('the run-level decision it is given is the one it shows: a verdict left out of `failing` is not flagged', () => {
    const outcome = buildFixtureOutcome()
    const model = buildReportModel({ ...outcome, failing: [] })
    expect(model.failed).toBe(false)
    expect(model.verdicts.some((v) => v.failing)).toBe(false)
  })
})

describe('renderers read the flags and decide nothing', () => {
  /** The fixture model with a limit finding on its unchanged test, and the flags then turned off by hand. */
  function unflagged(): ReportModel {
    const model = buildFixtureModelWith(withFindings(isKind('unchanged'), [LIMIT]))
    const verdicts = model.verdicts.map((v) => ({ ...v, failing: false, failures: [], ...(v.findings ? { findings: v.findings.map((f) => ({ ...f, failing: false })) } : {}) }))
    return { ...model, verdicts, failing: [], failed: false }
  }

  test('a finding not flagged is shown as not failing everywhere', () => {
    const model = unflagged()
    expect(renderTerminal(model, { color: false })).toContain(`      ! ${LIMIT.reason}`)
    expect(renderMarkdown(model)).toContain('⚠️ limit: errors')
    expect(renderAnnotations(model).find((l) => l.includes('Performance limit'))).toMatch(/^::warning /)
    const doc = buildAnalysisDocument(model)
    expect(doc.verdicts.flatMap((v) => v.findings ?? []).map((f) => f.failing)).toEqual([false])
    expect(doc.verdicts.some((v) => v.failing)).toBe(false)
  })

  test('the failing reasons printed are the ones the model carries', () => {
    const model = buildFixtureModelWith((v) => v)
    const first = model.verdicts.find((v) => v.failing)!
    const edited = { ...model, verdicts: model.verdicts.map((v) => (v === first ? { ...v, failures: ['the reason in the model'] } : v)) }
    const text = renderTerminal(edited, { color: false })
    expect(text).toMatch(/✗ .*: the reason in the model/)
    expect(text).not.toContain(`: ${first.reason}`)
  })
})
