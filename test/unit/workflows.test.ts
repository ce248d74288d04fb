import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'

const DIR = path.resolve(import.meta.dirname, '../../examples/github-actions')
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'))

interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
  if?: string
}
interface Workflow {
  name: string
  on: Record<string, unknown>
  permissions?: Record<string, string>
  jobs: Record<string, { 'runs-on': string; steps: Step[]; if?: string }>
}

const load = (file: string) => parse(readFileSync(path.join(DIR, file), 'utf8'), { strict: true, uniqueKeys: true }) as Workflow
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps)

describe('example GitHub Actions workflows', () => {
  test('there are the five documented workflows', () => {
    expect(files.sort()).toEqual(['perf-ab.yml', 'perf-comment.yml', 'perf-main.yml', 'perf-nightly.yml', 'perf-pr.yml'])
  })

  test.each(files)('%s is valid YAML with a name, triggers, least-privilege permissions and jobs with steps', (file) => {
    const w = load(file)
    expect(typeof w.name).toBe('string')
    expect(Object.keys(w.on).length).toBeGreaterThan(0)
    expect(w.permissions).toBeTypeOf('object')
    expect(Object.values(w.permissions!)).not.toContain('write-all')
    for (const job of Object.values(w.jobs)) {
      expect(job['runs-on']).toBe('ubuntu-latest')
      expect(job.steps.length).toBeGreaterThan(0)
      for (const step of job.steps) expect(Boolean(step.uses) !== Boolean(step.run)).toBe(true)
    }
  })

  test('main pulls the history from the data branch, records a baseline, then pushes it, with write access for that alone', () => {
    const w = load('perf-main.yml')
    expect(w.on).toHaveProperty('push')
    expect(w.permissions).toEqual({ contents: 'write' })
    const runs = steps(w).map((s) => s.run ?? '')
    const pull = runs.findIndex((r) => r.includes('perf-regression sync pull'))
    const establish = runs.findIndex((r) => r.includes('--baseline-mode=establish'))
    const push = runs.findIndex((r) => r.includes('perf-regression sync push'))
    expect(pull).toBeGreaterThanOrEqual(0)
    expect(establish).toBeGreaterThan(pull)
    expect(push).toBeGreaterThan(establish)
    expect(steps(w)[push]!.if).toContain('!cancelled()')
    expect(steps(w).some((s) => s.uses?.startsWith('actions/cache'))).toBe(false)
  })

  test('pull requests and the nightly check only pull the history, with a read-only token; the pull request hands the report on', () => {
    const w = load('perf-pr.yml')
    expect(w.permissions).toEqual({ contents: 'read' })
    for (const file of ['perf-pr.yml', 'perf-nightly.yml']) {
      const runs = steps(load(file)).map((s) => s.run ?? '')
      const pull = runs.findIndex((r) => r.includes('perf-regression sync pull'))
      expect(pull, file).toBeGreaterThanOrEqual(0)
      expect(runs.findIndex((r) => r.includes('npx vitest run')), file).toBeGreaterThan(pull)
      expect(runs.some((r) => r.includes('sync push')), file).toBe(false)
    }
    expect(load('perf-nightly.yml').permissions?.contents).toBe('read')
    expect(steps(w).some((s) => s.uses?.startsWith('actions/upload-artifact'))).toBe(true)
  })

  test('the comment workflow runs after the check, in the base repository, without running pull-request code', () => {
    const w = load('perf-comment.yml')
    expect(w.on).toEqual({ workflow_run: { workflows: ['perf check'], types: ['completed'] } })
    expect(load('perf-pr.yml').name).toBe('perf check')
    const all = steps(w)
    expect(all.some((s) => s.uses?.startsWith('actions/checkout'))).toBe(false)
    expect(all.some((s) => s.uses?.startsWith('actions/github-script'))).toBe(true)
  })

  test('the A/B workflow fetches the full history and runs perf-regression ab with a read-only token', () => {
    const w = load('perf-ab.yml')
    expect(w.on).toHaveProperty('pull_request')
    expect(w.permissions).toEqual({ contents: 'read' })
    const all = steps(w)
    expect(all.find((s) => s.uses?.startsWith('actions/checkout'))?.with?.['fetch-depth']).toBe(0)
    expect(all.some((s) => s.run?.includes('perf-regression ab'))).toBe(true)
    expect(all.some((s) => s.uses?.startsWith('actions/upload-artifact'))).toBe(true)
  })

  test('the nightly run opens an issue from the generated regression-issue.md', () => {
    const w = load('perf-nightly.yml')
    expect(w.on).toHaveProperty('schedule')
    expect(w.permissions?.issues).toBe('write')
    expect(steps(w).some((s) => s.run?.includes('.perf/regression-issue.md') && s.run.includes('gh issue create'))).toBe(true)
  })
})
