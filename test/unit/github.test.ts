import { describe, expect, test } from 'vitest'
import type { Finding } from '../../src/detect/verdict.js'
import { escapeData, escapeProperty, renderAnnotations } from '../../src/report/github.js'
import { label } from '../../src/report/model.js'
import { printable } from '../../src/report/printable.js'
import { ANNOTATION, COMMANDS, readsAsCommand, runnerLines } from './commands.js'
import { buildFixtureModel, buildFixtureModelWith, FIXTURE_TESTS } from './report-fixtures.js'

/** The runner's unescaping (`ActionCommand.UnescapeData`, `UnescapeProperty`). */
const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeProperty = (s: string) => unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','))

const LIMIT: Finding = {
  kind: 'limit',
  metric: 'errors ::error::x ##[add-mask]m',
  unit: '',
  direction: 'worse',
  severity: 'critical',
  gates: true,
  current: 3,
  limit: 0,
  reason: 'errors\n::error::x is 3, above its limit of 0 ##[stop-commands]t',
}

describe('escaping', () => {
  test('data: %, CR and LF; properties also : and ,', () => {
    expect(escapeData('50% a\r\nb::c,d')).toBe('50%25 a%0D%0Ab::c,d')
    expect(escapeProperty('50% a\r\nb::c,d')).toBe('50%25 a%0D%0Ab%3A%3Ac%2Cd')
    expect(unescapeProperty(escapeProperty('x%0A:%,'))).toBe('x%0A:%,')
  })
})

describe('annotations next to hostile names', () => {
  const hostile = COMMANDS.join('\n')
  const plainModel = buildFixtureModel()
  const tests = FIXTURE_TESTS.map((t, i) => ({
    ...t,
    test: { ...t.test, file: `${COMMANDS[i % COMMANDS.length]}\n${t.test.file}`, name: `${hostile}\r${t.test.name}`, ...(t.test.bench ? { bench: hostile } : {}) },
  }))
  const model = buildFixtureModel({ tests })
  const target = model.verdicts.find((v) => v.kind === 'unchanged')!
  const withFinding = buildFixtureModelWith((verdicts) => verdicts.map((v) => (v.key === target.key ? { ...v, findings: [LIMIT] } : v)), { tests })

  test('one line each, ours, as many as with plain names', () => {
    const plain = renderAnnotations(plainModel)
    const lines = renderAnnotations(model)
    expect(plain.length).toBeGreaterThan(0)
    expect(lines).toHaveLength(plain.length)
    expect(lines.map((l) => l.slice(0, l.indexOf(' ')))).toEqual(plain.map((l) => l.slice(0, l.indexOf(' '))))
    for (const line of lines) {
      expect(runnerLines(line)).toEqual([line])
      expect(line).toMatch(ANNOTATION)
    }
  })

  test('the message and properties read back as the printable name and reason, with no command in them', () => {
    const lines = renderAnnotations(withFinding)
    expect(lines.some((l) => l.includes('Performance limit crossed'))).toBe(true)
    for (const line of lines) {
      const [, , props, message] = ANNOTATION.exec(line)!
      const fields = Object.fromEntries(props!.split(',').map((p) => [p.slice(0, p.indexOf('=')), unescapeProperty(p.slice(p.indexOf('=') + 1))]))
      const v = withFinding.verdicts.find((x) => printable(x.test.file) === fields.file)!
      expect(v).toBeDefined()
      const text = unescapeData(message!)
      expect(text.startsWith(`${printable(label(v.test))}: `)).toBe(true)
      for (const part of [text, fields.file!, fields.title!]) {
        expect(part).not.toMatch(/[\r\n]/)
        expect(readsAsCommand(part), part).toBe(false)
      }
    }
  })
})
