import { describe, expect, test } from 'vitest'
import { htmlForTerminal, jsonForTerminal } from '../../src/cli/documents.js'
import { renderHtml } from '../../src/report/html.js'
import { renderJson } from '../../src/report/json.js'
import { COMMANDS, readsAsCommand, runnerLines } from './commands.js'
import { buildFixtureModel, FIXTURE_TESTS } from './report-fixtures.js'

const HOSTILE = `${COMMANDS.join('\n')}\r\u202e\u200f\u2028\u0085 ❤\ufe0f`
const model = buildFixtureModel({
  tests: FIXTURE_TESTS.map((t, i) => ({ ...t, test: { ...t.test, name: `${HOSTILE} ${i}`, file: `${COMMANDS[i % COMMANDS.length]}\n${t.test.file}` } })),
})
const RAW = /[^\P{Cc}\n]|[\p{Cf}\p{Zl}\p{Zp}]/u

const DATA = /<script type="application\/json" id="perf-data">([\s\S]*?)<\/script>/
const ELEMENTS = /<(script|style)\b[^>]*>[\s\S]*?<\/\1>/g
/** Numeric character references back to their characters, as an HTML parser reads them. */
const decode = (html: string) => html.replace(/&#x([0-9a-f]+);|&#(\d+);/gi, (_, hex: string | undefined, dec: string | undefined) => String.fromCodePoint(hex ? parseInt(hex, 16) : Number(dec)))

describe('documents printed to a terminal', () => {
  test('JSON: the same document once parsed, without #, controls or format characters', () => {
    const json = renderJson(model)
    const shown = jsonForTerminal(json)
    expect(JSON.parse(shown)).toEqual(JSON.parse(json))
    expect(shown).not.toContain('#')
    expect(shown).not.toMatch(RAW)
    for (const line of runnerLines(shown)) expect(readsAsCommand(line), line).toBe(false)
    expect(json).toContain('##[add-mask]')
  })

  test('HTML: the same page once parsed; its own style and script untouched', () => {
    const html = renderHtml(model)
    const shown = htmlForTerminal(html)
    expect(shown).not.toMatch(RAW)
    for (const line of runnerLines(shown)) expect(readsAsCommand(line), line.slice(0, 200)).toBe(false)
    expect(JSON.parse(DATA.exec(shown)![1]!)).toEqual(JSON.parse(DATA.exec(html)![1]!))
    const own = (page: string) => [...page.matchAll(ELEMENTS)].map((m) => m[0]).filter((e) => !e.includes('id="perf-data"'))
    expect(own(shown)).toEqual(own(html))
    expect(own(html).length).toBeGreaterThanOrEqual(2)
    expect(decode(shown.replace(ELEMENTS, ''))).toBe(decode(html.replace(ELEMENTS, '')))
    expect(html.replace(ELEMENTS, '').split('\n').filter((l) => readsAsCommand(l)).length).toBeGreaterThan(0)
  })
})
