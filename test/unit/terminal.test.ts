import { describe, test, expect } from 'vitest'
import type { RunOutcome } from '../../src/core/run.js'
import { buildRecord } from '../../src/core/run.js'
import { detect } from '../../src/detect/detect.js'
import { fails, type TestVerdict } from '../../src/detect/verdict.js'
import { cut, printable, printableLines, renderTerminal } from '../../src/report/terminal.js'
import { buildReportModel, type ReportModel } from '../../src/report/model.js'
import type { ResolvedConfig } from '../../src/config/options.js'
import type { RunRecord, TestResult } from '../../src/types.js'
import { COMMANDS, readsAsCommand } from './commands.js'
import { baselineRuns, config, ENV, noisy, NOW, ref, result, RUNNER } from './helpers.js'

const STORE = '/project/.perf/benchmarks.jsonl'

function outcome(current: TestResult[], verdicts: TestVerdict[], cfg: ResolvedConfig = config(), history: RunRecord[] = []): ReportModel {
  const record = buildRecord({
    samples: current.map((r) => ({ test: r.test, runner: RUNNER, sample: r.sample })),
    config: cfg,
    env: ENV,
    git: {},
    now: NOW,
    runId: '0123456789abcdef',
  })
  const failing = cfg.baselineMode === 'establish' ? [] : verdicts.filter((v) => fails(v, cfg.failOn))
  // The fixtures' environment key, so that history and current results line up.
  record.results = current
  const run: RunOutcome = { record, verdicts, failing, warnings: [], storePath: STORE, recorded: true, history, config: cfg }
  return buildReportModel(run)
}

/** Six tests, one of each verdict kind, judged with detect() on fixed data. */
function mixed(cfg: ResolvedConfig = config()): ReportModel {
  const flat = (name: string) => baselineRuns(name, Array(10).fill(1e6))
  const history = [
    ...flat('parse'),
    ...flat('render'),
    ...flat('fast'),
    ...baselineRuns('noisy', noisy(1e6, 10, 0.3, 5)),
    ...baselineRuns('few', [1e6, 1e6]),
  ]
  const current = [
    result('parse', 2.5e6),
    result('render', 1e6),
    result('fast', 0.4e6),
    result('noisy', 1.25e6),
    result('few', 1.5e6),
    result('fresh', 3e3),
  ]
  return outcome(current, detect({ current, history, config: cfg, now: NOW }), cfg, history)
}

describe('renderTerminal in compare mode', () => {
  const text = renderTerminal(mixed(), { color: false })

  test('header, column titles and every test name', () => {
    expect(text).toContain(' perf-regression  comparing with the baseline (fails on minor)')
    expect(text).toMatch(/ {2}Test +Baseline +Current +Ratio +History +Verdict/)
    // Grouped by file: the file once, then its tests indented.
    expect(text.split('\n').filter((l) => l === '  test/bench.test.ts')).toHaveLength(1)
    for (const name of ['parse', 'render', 'fast', 'noisy', 'few', 'fresh']) expect(text).toMatch(new RegExp(`^ {4}${name} `, 'm'))
  })

  test('one verdict word per kind, with numbers', () => {
    expect(text).toContain('✗ regression (critical)')
    expect(text).toContain('✓ unchanged')
    expect(text).toContain('✓ improvement (critical)')
    expect(text).toContain('? inconclusive')
    expect(text).toContain('· 2/5 baseline runs')
    expect(text).toContain('· new (no baseline)')
    expect(text).toMatch(/^ {4}parse +1\.00 ms +2\.50 ms +2\.50× +▁+█ +✗ regression \(critical\) [\d.]+–[\d.]+×/m)
    expect(text).toMatch(/^ {4}few +1\.00 ms +1\.50 ms +1\.50× +▁▁█ +· 2\/5/m)
    expect(text).toMatch(/^ {4}fresh +— +3\.00 µs +— +▄ +· new/m)
  })

  test('summary counts, the unjudged note and the failing lines', () => {
    expect(text).toContain('  1 regression (1 critical) · 1 improvement · 1 unchanged · 1 inconclusive · 2 not judged yet')
    expect(text).toContain('  5 baseline runs are needed before a test is judged')
    expect(text).toMatch(/ {2}✗ test\/bench\.test\.ts > parse: 2\.50× slower \(2\.50 ms vs [\d.]+ [µm]s over 10 baseline runs; 95% interval [\d.]+–[\d.]+×\), critical band from 2\.00×$/m)
    expect(text).toContain('  perf-regression: 1 failing test at or above "minor": failing the run.')
    expect(text).not.toContain('No baseline yet')
  })

  test('no failing line when nothing fails', () => {
    const lenient = renderTerminal(mixed(config({ failOn: 'never' })), { color: false })
    expect(lenient).toContain('(fails on never)')
    expect(lenient).toContain('✗ regression (critical)')
    expect(lenient).not.toContain('failing the run')
    expect(lenient).not.toContain('  ✗ test/bench.test.ts > parse:')
  })

  test('pure: the same outcome renders the same text', () => {
    const o = mixed()
    expect(renderTerminal(o, { color: false })).toBe(renderTerminal(o, { color: false }))
  })

  test('store warnings are listed', () => {
    const o = { ...mixed(), warnings: [{ file: STORE, line: 3, message: 'not valid JSON; skipped' }] }
    expect(renderTerminal(o, { color: false })).toContain(`  warning: ${STORE}:3: not valid JSON; skipped`)
  })
})

describe('renderTerminal without a baseline', () => {
  const current = [result('a', 1e6), result('b', 2e6)]
  const fresh = () => outcome(current, detect({ current, history: [], config: config(), now: NOW }))

  test('the "No baseline yet" hint with the establish command', () => {
    const text = renderTerminal(fresh(), { color: false })
    expect(text).toContain('No baseline yet for these 2 tests: nothing was judged, and the run does not fail.')
    expect(text).toContain('Record one on your main branch with: npx perf-regression vitest run --baseline-mode=establish')
    expect(text).not.toContain('failing the run')
    expect(text).not.toContain('other machine')
  })

  test('a custom hint, a single test, and baselines from elsewhere', () => {
    const one = [result('a', 1e6)]
    const history = baselineRuns('a', [1e6, 1e6], { envKey: 'elsewhere' })
    const o = outcome(one, detect({ current: one, history, config: config(), now: NOW }))
    const text = renderTerminal(o, { color: false, establishHint: 'npm run perf:establish' })
    expect(text).toContain('No baseline yet for this test:')
    expect(text).toContain('Record one on your main branch with: npm run perf:establish')
    expect(text).toContain('from another machine, Node or runner major, or pool')
  })

  test('an empty verdict list renders nothing', () => {
    expect(renderTerminal(outcome([], []), { color: false })).toBe('')
    expect(renderTerminal(outcome([], []), { color: true })).toBe('')
  })
})

describe('renderTerminal in establish mode', () => {
  test('records the run and counts baseline runs', () => {
    const cfg = config({ baselineMode: 'establish' })
    const current = [result('a', 1e6), result('b', 1e6)]
    const history = baselineRuns('a', [1e6, 1e6, 1e6])
    const text = renderTerminal(outcome(current, detect({ current, history, config: cfg, now: NOW }), cfg), { color: false })
    expect(text).toContain(' perf-regression  recording a baseline run')
    expect(text).toContain(`  Recorded baseline run 01234567 with 2 tests in ${STORE}.`)
    expect(text).toContain('  Tests are judged once they have 5 baseline runs (the fewest so far: 1, counting this one).')
    expect(text).not.toContain('failing the run')
    expect(text).not.toContain('No baseline yet')
  })
})

describe('names', () => {
  test('long names are cut in the middle with … to the width', () => {
    const long = `suite > ${'very '.repeat(30)}long name`
    const current = [{ ...result('x', 1e6), test: ref(long) }]
    const o = outcome(current, detect({ current, history: [], config: config(), now: NOW }))
    const text = renderTerminal(o, { color: false, nameWidth: 30 })
    const row = text.split('\n').find((l) => l.includes('…'))!
    // Tests sit under their file, indented by 4; the name column is the width minus that indent.
    const name = [...row].slice(4, 32).join('')
    expect([...name]).toHaveLength(28)
    expect(name).toBe(cut(long, 28))
    expect(name.startsWith('suite > very')).toBe(true)
    expect(name.endsWith('long name')).toBe(true)
    expect(row.slice(4 + name.length, 4 + name.length + 2)).toBe('  ')
  })

  test('cut keeps short text and both ends of long text', () => {
    expect(cut('short', 10)).toBe('short')
    expect(cut('abcdefghij', 10)).toBe('abcdefghij')
    expect(cut('abcdefghijk', 5)).toBe('ab…jk')
    expect(cut('abcdefghijk', 6)).toBe('abc…jk')
    expect(cut('😀😀😀😀😀😀', 3)).toBe('😀…😀')
  })

  test('control characters in names are replaced; no raw escape without colour', () => {
    const evil = 'evil\u001b[2J\u0007name\nnext\u009b'
    const current = [{ ...result('x', 1e6), test: ref(evil, { bench: 'b\u001b[31m' }) }]
    const history = baselineRuns(evil, Array(10).fill(5e5)).map((r) => ({
      ...r,
      results: r.results.map((x) => ({ ...x, test: ref(evil, { bench: 'b\u001b[31m' }) })),
    }))
    const o = outcome(current, detect({ current, history, config: config(), now: NOW }))
    const text = renderTerminal(o, { color: false })
    expect(text).not.toContain('\u001b')
    expect(text).not.toContain('\u0007')
    expect(text).not.toContain('\u009b')
    expect(text).toContain('evil�[2J�name⏎next� [b�[31m]')
    expect(text).toContain('failing the run')
    expect(printable('a\tb\rc\u007f')).toBe('a�b�c�')
  })
})

describe('colour', () => {
  test('color: true paints with ANSI escapes; the plain text is the same', () => {
    const o = mixed()
    const painted = renderTerminal(o, { color: true })
    // eslint-disable-next-line no-control-regex
    expect(painted).toMatch(/\u001b\[\d+m/)
    // eslint-disable-next-line no-control-regex
    expect(painted.replace(/\u001b\[\d+m/g, '')).toBe(renderTerminal(o, { color: false }))
  })
})

describe('printable', () => {
  test('bidirectional overrides and isolates cannot reorder a row', () => {
    expect(printable('a\u202eb\u2066c\u2069d\u202ae')).toBe('a�b�c�d�e')
    expect(printable('x\u2028y')).toBe('x⏎y')
  })

  test.each([
    ['U+200E left-to-right mark', '\u200e'],
    ['U+200F right-to-left mark', '\u200f'],
    ['U+061C Arabic letter mark', '\u061c'],
    ['U+FEFF byte-order mark', '\ufeff'],
    ['U+200B zero-width space', '\u200b'],
    ['U+200C zero-width non-joiner', '\u200c'],
    ['U+200D zero-width joiner', '\u200d'],
    ['U+2060 word joiner', '\u2060'],
    ['U+2061 function application', '\u2061'],
    ['U+2064 invisible plus', '\u2064'],
    ['U+206A inhibit symmetric swapping', '\u206a'],
    ['U+206F nominal digit shapes', '\u206f'],
    ['U+180E Mongolian vowel separator', '\u180e'],
    ['U+00AD soft hyphen', '\u00ad'],
    ['U+FFF9 interlinear annotation anchor', '\ufff9'],
    ['U+E0041 tag latin capital letter A', '\u{e0041}'],
    ['a lone surrogate', '\ud800'],
    ['U+0085 next line', '\u0085'],
    ['U+009B control sequence introducer', '\u009b'],
    ['ESC', '\u001b'],
    ['CR', '\r'],
  ])('%s becomes �', (_, c) => {
    expect(printable(`a${c}b`)).toBe('a�b')
  })

  test('line breaks become ⏎; letters, marks, emoji and variation selectors stay', () => {
    expect(printable('a\nb\u2028c\u2029d')).toBe('a⏎b⏎c⏎d')
    expect(printable('e\u0301 مرحبا ❤\ufe0f 😀 Foo::bar a ::x:: C#')).toBe('e\u0301 مرحبا ❤\ufe0f 😀 Foo::bar a ::x:: C#')
  })

  test.each([
    ['::error::x', ':∶error::x'],
    ['  ::warning file=a::m', '  :∶warning file=a::m'],
    ['\u00a0\u3000::notice::m', '\u00a0\u3000:∶notice::m'],
    ['\ufe0f::error::m', '\ufe0f:∶error::m'],
    [':\ufe0f:error::m', ':\ufe0f∶error::m'],
    ['::', ':∶'],
    // A tab is replaced first: the text then starts with �, which no runner trims.
    ['\t::error::m', '�::error::m'],
    // A line break inside the text never starts a line.
    ['a\n::error::m', 'a⏎::error::m'],
  ])('a GitHub command at the start is broken: %j', (text, shown) => {
    expect(printable(text)).toBe(shown)
  })

  test.each([
    ['x ##[stop-commands]tok', 'x #♯[stop-commands]tok'],
    ['##[add-mask]secret', '#♯[add-mask]secret'],
    ['###[error]', '##♯[error]'],
    ['#\ufe0f#[error]', '#\ufe0f♯[error]'],
    ['#\u200b#[error]', '#�#[error]'],
    ['##vso[task.setvariable variable=x]y', '#♯vso[task.setvariable variable=x]y'],
    ['##VSO[task.complete]', '#♯VSO[task.complete]'],
    ["##teamcity[buildStatus text='x']", "#♯teamcity[buildStatus text='x']"],
  ])('an old-style, Azure or TeamCity command anywhere is broken: %j', (text, shown) => {
    expect(printable(text)).toBe(shown)
  })

  test('## without a bracketed command stays', () => {
    expect(printable('## heading, #1 and ## 2, # #[x]')).toBe('## heading, #1 and ## 2, # #[x]')
  })

  test('nothing printable reads as a command, and printing twice changes nothing', () => {
    const hostile = [...COMMANDS, ...COMMANDS.map((c) => `  ${c}`), COMMANDS.join('\n'), COMMANDS.join('\r'), COMMANDS.join(' ')]
    for (const text of hostile) {
      expect(readsAsCommand(text) || text.includes('\n') || text.includes('\r'), text).toBe(true)
      const shown = printable(text)
      expect(readsAsCommand(shown), shown).toBe(false)
      expect(readsAsCommand(`    ${shown}`), shown).toBe(false)
      expect(printable(shown)).toBe(shown)
    }
  })

  test('printableLines keeps the block\'s lines and makes each one printable', () => {
    expect(printableLines('problems:\n::error::x\r\n  ##[add-mask]y\n\u202ez')).toBe('problems:\n:∶error::x\n  #♯[add-mask]y\n�z')
    for (const line of printableLines(COMMANDS.join('\n')).split('\n')) expect(readsAsCommand(line), line).toBe(false)
  })
})
