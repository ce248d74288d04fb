import { describe, expect, test } from 'vitest'
import type { Finding, TestVerdict } from '../../src/detect/verdict.js'
import { renderAnnotations } from '../../src/report/github.js'
import { renderHtml } from '../../src/report/html.js'
import { buildAnalysisDocument } from '../../src/report/json.js'
import { headline, renderMarkdown, renderRegressionIssue } from '../../src/report/markdown.js'
import type { ReportModel } from '../../src/report/model.js'
import { renderTerminal } from '../../src/report/terminal.js'
import { buildFixtureModelWith } from './report-fixtures.js'

const LIMIT: Finding = {
  kind: 'limit',
  metric: 'errors <b>@team',
  unit: '',
  direction: 'worse',
  severity: 'critical',
  gates: true,
  current: 3,
  limit: 0,
  reason: 'errors <b>@team is 3, above its limit of 0',
}
const STEP: Finding = {
  kind: 'step',
  metric: 'wall',
  unit: 'ns',
  direction: 'worse',
  severity: 'minor',
  gates: false,
  current: 1.3e6,
  ratio: 1.31,
  interval: [1.22, 1.4],
  p_value: 0.001,
  since: { run_id: 'base-06', time: '2025-05-27T12:00:00.000Z', commit: 'abc1234', runs: 3 },
  reason: 'a step change: 1.31× slower since run base-06 (commit abc1234), 3 runs ago counting this one',
}

/** Adds `findings` to the first unchanged verdict. */
const onFirstUnchanged = (findings: Finding[]) => (verdicts: TestVerdict[]) => {
  const target = verdicts.find((v) => v.kind === 'unchanged')!
  return verdicts.map((v) => (v === target ? { ...v, findings } : v))
}

/** The fixed model with findings on its first unchanged test, and the run's verdict on failing recomputed. */
function withFindings(findings: Finding[], failOn: ReportModel['fail_on'] = 'minor'): { model: ReportModel; target: ReportModel['verdicts'][number] } {
  const model = buildFixtureModelWith(onFirstUnchanged(findings), { config: { failOn } })
  return { model, target: model.verdicts.find((v) => v.findings !== undefined)! }
}

describe('findings in every report', () => {
  test('terminal: one line per finding under its test, and the failing reason', () => {
    const { model } = withFindings([LIMIT, STEP])
    const text = renderTerminal(model, { color: false })
    expect(text).toContain('      ✗ errors <b>@team is 3, above its limit of 0')
    expect(text).toContain('      ! a step change: 1.31× slower since run base-06')
    expect(text).toMatch(/✗ .*: errors <b>@team is 3, above its limit of 0/)
  })

  test('markdown: an escaped "Other findings" table, failing first, steps marked as reported only', () => {
    const { model } = withFindings([STEP, LIMIT])
    const md = renderMarkdown(model)
    const section = md.slice(md.indexOf('### Other findings'))
    expect(section).toContain('❌ limit: errors &lt;b&gt;@\u200dteam')
    expect(section.indexOf('❌ limit')).toBeLessThan(section.indexOf('⚠️ step change'))
    expect(section).toContain('🟡 minor (reported only)')
    expect(md).not.toContain('<b>')
  })

  test('markdown headline: a run failing only on findings says so', () => {
    const model = buildFixtureModelWith((verdicts) => onFirstUnchanged([LIMIT])(verdicts.filter((v) => v.kind !== 'regression')))
    expect(model.failing).toHaveLength(1)
    expect(headline(model)).toEqual({ icon: '❌', text: '1 failing finding (no wall-time regression)' })
  })

  test('JSON: findings with their evidence and whether they fail the run', () => {
    const { model, target } = withFindings([LIMIT, STEP])
    const doc = buildAnalysisDocument(model)
    const v = doc.verdicts.find((x) => x.key === target.key)!
    expect(v.failing).toBe(true)
    expect(v.findings).toEqual([
      { ...LIMIT, failing: true },
      { ...STEP, failing: false },
    ])
    const untouched = doc.verdicts.find((x) => x.key !== target.key)!
    expect('findings' in untouched).toBe(false)
  })

  test('GitHub: an error for a failing finding, a warning for a step, nothing for a better one', () => {
    const better: Finding = { ...STEP, kind: 'metric', metric: 'cpu', direction: 'better', gates: true, reason: 'CPU time per call 0.5× lower' }
    const { model } = withFindings([LIMIT, STEP, better])
    const lines = renderAnnotations(model).filter((l) => l.includes('Performance limit') || l.includes('step change') || l.includes('cpu'))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^::error file=.*title=Performance limit crossed \(errors <b>@team%2C critical\)::.*above its limit of 0$/)
    expect(lines[1]).toMatch(/^::warning .*title=Performance step change \(wall%2C minor\)::/)
  })

  test('GitHub: failOn never turns the failing finding into a warning', () => {
    const { model } = withFindings([LIMIT], 'never')
    expect(renderAnnotations(model).filter((l) => l.includes('Performance limit'))[0]).toMatch(/^::warning /)
  })

  test('the regression issue opens for a critical finding too, and lists it', () => {
    const noCritical = (verdicts: TestVerdict[]) => verdicts.filter((v) => !(v.kind === 'regression' && v.severity === 'critical'))
    const model = buildFixtureModelWith((verdicts) => onFirstUnchanged([LIMIT])(noCritical(verdicts)))
    const issue = renderRegressionIssue(model)!
    expect(issue.title).toBe(`Critical performance finding: test/store.test.ts > store > append: errors <b>@\u200dteam is 3, above its limit of 0`)
    expect(issue.body).toContain('#### Critical findings')
    expect(issue.body).toContain('errors &lt;b&gt;@\u200dteam is 3, above its limit of 0')
    expect(renderRegressionIssue(buildFixtureModelWith(noCritical))).toBeUndefined()
  })

  test('terminal, establish mode: a finding is shown but never marked as failing', () => {
    const model = buildFixtureModelWith(onFirstUnchanged([LIMIT]), { config: { baselineMode: 'establish' } })
    expect(model.run.mode).toBe('establish')
    const text = renderTerminal(model, { color: false })
    expect(text).toContain('      ! errors <b>@team is 3, above its limit of 0')
    expect(text).not.toContain('failing the run')
  })

  test('no baseline yet, but a limit fails: the summary does not say the run passes', () => {
    const model = buildFixtureModelWith((verdicts) => verdicts.filter((v) => v.kind === 'new').map((v) => ({ ...v, findings: [LIMIT] })))
    expect(model.failed).toBe(true)
    const text = renderTerminal(model, { color: false })
    expect(text).toContain('No baseline yet for this test: times were not compared, but limits and leaks were checked.')
    expect(text).not.toContain('the run does not fail')
    expect(text).toContain('failing the run')
    const md = renderMarkdown(model)
    expect(md).not.toContain('the run does not fail')
    expect(headline(model)).toEqual({ icon: '❌', text: '1 failing finding (no wall-time regression)' })
  })

  test('HTML: each finding escaped under its card', () => {
    const { model } = withFindings([LIMIT])
    const html = renderHtml(model)
    expect(html).toContain('<p class="reason finding f-worse">errors &lt;b&gt;@team is 3, above its limit of 0</p>')
  })
})
