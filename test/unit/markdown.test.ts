import { describe, expect, test } from 'vitest'
import { label } from '../../src/report/model.js'
import { escapeMarkdownCell, headline, renderIssueFile, renderMarkdown, renderRegressionIssue } from '../../src/report/markdown.js'
import { buildFixtureModel, FIXTURE_TESTS, type FixtureTest } from './report-fixtures.js'

const QUIET = [1.0e6, 1.01e6, 0.99e6, 1.02e6, 0.98e6, 1.0e6, 1.01e6, 0.99e6]
const only = (...names: string[]) => FIXTURE_TESTS.filter((x) => names.some((n) => x.test.name.startsWith(n)))

/** Cells of a table row, split on pipes not escaped by a backslash. */
function cells(row: string): string[] {
  return row.split(/(?<=(?:^|[^\\])(?:\\\\)*)\|/).slice(1, -1)
}

/** The rows (header and delimiter included) of the table right after `heading`. */
function tableAfter(md: string, heading: string): string[] {
  const lines = md.split('\n')
  const start = lines.findIndex((l) => l.startsWith(heading))
  const rest = lines.slice(lines.findIndex((l, i) => i > start && l.startsWith('|')))
  return rest.slice(0, rest.findIndex((l) => !l.startsWith('|')))
}

describe('renderMarkdown on the fixed model', () => {
  const model = buildFixtureModel()
  const md = renderMarkdown(model)

  test('the whole report', () => {
    expect(md).toMatchInlineSnapshot(`
      "<!-- perf-regression -->
      ## ❌ 2 performance regressions (worst: critical 2.31×)

      2 regressions · 1 improvement · 1 unchanged · 1 inconclusive · 2 not judged yet — fails on minor and above: **the run fails** (2 tests).

      ### Regressions

      | Test | Baseline → Current | Ratio | 95% interval | Severity |
      | :-- | --: | --: | --: | :-- |
      | test/parse.test.ts &gt; parser &gt; large file \\[tokenize\\] | 1.00 ms → 2.31 ms | **2.31× (+131%)** | 2.23–2.40× | 🔴 critical |
      | test/format.test.ts &gt; formatNs &gt; many values | 50.0 µs → 80.0 µs | **1.60× (+60%)** | 1.54–1.66× | 🟠 moderate |

      <details><summary>✅ 1 improvement</summary>

      | Test | Baseline → Current | Ratio | 95% interval | Severity |
      | :-- | --: | --: | --: | :-- |
      | test/render.test.ts &gt; render &gt; table | 2.00 ms → 1.20 ms | 0.60× (-40%) | 0.58–0.62× | 🟠 moderate |

      </details>

      <details><summary>❔ 1 inconclusive (too noisy to tell)</summary>

      | Test | Baseline → Current | Ratio | 95% interval |
      | :-- | --: | --: | --: |
      | test/io.test.ts &gt; io &gt; read file | 1.05 ms → 1.30 ms | 1.24× (+24%) | 0.67–2.28× |

      </details>

      <details><summary>🆕 2 not judged yet</summary>

      | Test | Current | Baseline | Status |
      | :-- | --: | --: | :-- |
      | test/cache.test.ts &gt; cache &gt; warm | 44.0 µs | 40.5 µs | 2 of 5 baseline runs |
      | test/cli.test.ts &gt; cli &gt; --help | 3.20 ms | — | new: no baseline run yet |

      </details>

      <details><summary>➖ 1 unchanged</summary>

      | Test | Baseline → Current | Ratio | 95% interval |
      | :-- | --: | --: | --: |
      | test/store.test.ts &gt; store &gt; append | 300 µs → 302 µs | 1.01× (+0.7%) | 0.97–1.04× |

      </details>

      #### Environment and commits

      - Machine: AMD EPYC 7763 64-Core Processor (4 cores), linux/x64, Node 20.19.0, CI: github-actions
      - Commit: \`a1b2c3d\` (feature/faster-parser) compared with baseline commits \`1394a5a\`, \`1283949\`, \`1172838\`, \`1061727\`, \`0f50616\`, … (8 in all)
      - Run: 3f2a9c1e at 2025-06-01T12:00:00.000Z

      ### Next steps

      **Reproduce locally.** Run the tests again on your machine (compared with the history in your own \`.perf/\`):

      \`\`\`sh
      npx vitest run test/parse.test.ts -t '(?:^| )(?:parser(?: | > )large file)$' --reporter=default --reporter=perf-regression
      npx vitest run test/format.test.ts -t '(?:^| )(?:formatNs(?: | > )many values)$' --reporter=default --reporter=perf-regression
      \`\`\`

      **If the slowdown is intended,** accept it where the history is kept (the main branch, once the change has landed): the latest run becomes the start of the baseline of every test it measured, and your reason is recorded. \`--run\` and a run id accept another run.

      \`\`\`sh
      npx perf-regression baseline accept --reason 'why the slowdown is intended'
      \`\`\`
      "
    `)
  })

  test('regressions worst first, five columns', () => {
    const rows = tableAfter(md, '### Regressions')
    expect(rows).toHaveLength(4)
    expect(rows[2]).toContain('parser &gt; large file')
    expect(rows[2]).toContain('🔴 critical')
    expect(rows[3]).toContain('🟠 moderate')
    for (const row of rows) expect(cells(row)).toHaveLength(5)
  })

  test('collapsible sections and the environment', () => {
    expect(md.match(/<details><summary>/g)).toHaveLength(4)
    expect(md.match(/<\/details>/g)).toHaveLength(4)
    expect(md).toContain('- Machine: AMD EPYC 7763 64-Core Processor (4 cores), linux/x64, Node 20.19.0, CI: github-actions')
    expect(md).toMatch(/- Commit: `a1b2c3d` \(feature\/faster-parser\) compared with baseline commits `1394a5a`, /)
  })

  test('pure: same text twice, model untouched', () => {
    const before = structuredClone(model)
    expect(renderMarkdown(model)).toBe(md)
    expect(model).toEqual(before)
  })

  test('title and maxRows', () => {
    const text = renderMarkdown(model, { title: 'api @team <b>', maxRows: 1 })
    expect(text.split('\n')[1]).toBe('## ❌ api @\u200dteam &lt;b&gt;: 2 performance regressions (worst: critical 2.31×)')
    expect(tableAfter(text, '### Regressions')).toHaveLength(3)
    expect(text).toContain('_… and 1 more not shown._')
  })

  test('store warnings are listed, escaped', () => {
    const text = renderMarkdown(buildFixtureModel({ warnings: [{ file: '/p/.perf/b.jsonl', line: 3, message: 'not valid JSON <x>' }] }))
    expect(text).toContain('#### ⚠️ 1 store warning\n\n- /p/.perf/b.jsonl:3: not valid JSON &lt;x&gt;')
    expect(md).not.toContain('store warning')
  })
})

describe('headlines', () => {
  test('regressions that fail, and that do not', () => {
    expect(headline(buildFixtureModel())).toEqual({ icon: '❌', text: '2 performance regressions (worst: critical 2.31×)' })
    const lenient = buildFixtureModel({ config: { failOn: 'never' } })
    expect(headline(lenient)).toEqual({ icon: '⚠️', text: '2 performance regressions (worst: critical 2.31×)' })
    expect(renderMarkdown(lenient)).toContain('— reporting only (fail on: never).')
    const one = buildFixtureModel({ tests: only('formatNs') })
    expect(headline(one).text).toBe('1 performance regression (worst: moderate 1.60×)')
  })

  test('no regressions', () => {
    const text = renderMarkdown(buildFixtureModel({ tests: only('render', 'store', 'cli') }))
    expect(text.split('\n')[1]).toBe('## ✅ No performance regressions')
    expect(text).toContain('1 improvement · 1 unchanged · 1 not judged yet — fails on minor and above: the run passes.')
    expect(text).not.toContain('### Regressions')
  })

  test('establish mode records a baseline', () => {
    const text = renderMarkdown(buildFixtureModel({ config: { baselineMode: 'establish' } }))
    expect(text.split('\n')[1]).toBe('## 📏 Baseline recorded')
    expect(text).toContain('Recorded a baseline run of 7 tests; 5 already had the 5 baseline runs needed to be judged. Baseline runs never fail.')
  })

  test('everything new: no baseline yet', () => {
    const tests = FIXTURE_TESTS.map((x) => ({ ...x, baseline: [] }))
    const text = renderMarkdown(buildFixtureModel({ tests }))
    expect(text.split('\n')[1]).toBe('## 🆕 No baseline yet')
    expect(text).toContain('Nothing was judged for 7 tests and the run does not fail.')
    expect(text).toContain('compared with no baseline commit')
  })

  test('no tests at all', () => {
    expect(headline(buildFixtureModel({ tests: [] }))).toEqual({ icon: 'ℹ️', text: 'No performance tests ran' })
  })
})

const HOSTILE = [
  'pipe | in | name',
  'back`tick` and ``double``',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '@octocat please look',
  'cc @org/team',
  'line one\nline two\r\n| x | y |',
  '[click me](https://evil.example)',
  '![img](https://evil.example/x.png)',
  '**bold** _em_ ~~strike~~',
  '# heading',
  '- list item',
  '1. ordered',
  '> quote',
  'control \u0000\u0007\u001b[31m\u009b chars',
  'entity &lt;script&gt; &#64;octocat',
  '<!-- comment',
  'math $x^2$',
  'bare https://evil.example and www.evil.example',
  'fixes #123',
  'back\\slash \\| escape',
  'para\u2028sep',
]

describe('hostile test names', () => {
  const tests: FixtureTest[] = HOSTILE.map((name, i) => ({
    test: { file: 'test/evil.test.ts', name, project: '', ...(i % 5 === 0 ? { bench: `@bench|${i}` } : {}) },
    baseline: QUIET,
    current: 2.31e6,
  }))
  const model = buildFixtureModel({ tests, git: { commit: '<b>not-a-sha</b>', branch: 'x\n# @evil | [a](b)' } })
  const md = renderMarkdown(model)

  test('every name is a regression row with five cells', () => {
    const rows = tableAfter(md, '### Regressions')
    expect(rows).toHaveLength(HOSTILE.length + 2)
    for (const row of rows) expect(cells(row)).toHaveLength(5)
    for (const v of model.verdicts) expect(md).toContain(`| ${escapeMarkdownCell(label(v.test))} |`)
  })

  test('no HTML, links, mentions, math or control characters get through', () => {
    // Fenced code is shown as it is (no math, links or mentions there): it is checked on its own below.
    const fenced = [...md.matchAll(/^```sh\n([\s\S]*?)\n```$/gm)].flatMap((m) => m[1]!.split('\n'))
    expect(fenced).toHaveLength(6) // five regressed tests to run again, and accepting the slowdown
    for (const line of fenced) expect(line).toMatch(/^npx [\p{L}\p{N} _,=+>.\\/'()?:|^$-]+$/u)
    const prose = md.replace(/^```sh\n[\s\S]*?\n```$/gm, '')
    const own = prose.replace(/<\/?details>|<\/?summary>|<!-- perf-regression -->/g, '')
    expect(own).not.toContain('<')
    expect(md).not.toMatch(/@[A-Za-z0-9]/)
    expect(md).not.toMatch(/(^|[^\\])\]\(/m)
    expect(md).not.toMatch(/:\/\/|www\./i)
    expect(md).not.toMatch(/#\d/)
    expect(prose).not.toMatch(/(^|[^\\])\$/m)
    const names = tableAfter(md, '### Regressions').slice(2).map((row) => cells(row)[0]!)
    for (const name of names) expect(name).not.toMatch(/(^|[^\\])(\\\\)*[`*_~[\]]/)
    // eslint-disable-next-line no-control-regex
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/)
  })

  test('the branch and a non-hex commit are escaped too', () => {
    expect(md).toContain('- Commit: &lt;b&gt;not-a-sha&lt;/b&gt; (x⏎\\# @\u200devil \\| \\[a\\](b)) compared with')
  })

  test('escapeMarkdownCell, case by case', () => {
    expect(escapeMarkdownCell('a | b')).toBe('a \\| b')
    expect(escapeMarkdownCell('<script>&')).toBe('&lt;script&gt;&amp;')
    expect(escapeMarkdownCell('@octocat')).toBe('@\u200doctocat')
    expect(escapeMarkdownCell('[x](y)')).toBe('\\[x\\](y)')
    expect(escapeMarkdownCell('# h')).toBe('\\# h')
    expect(escapeMarkdownCell('- item')).toBe('\\- item')
    expect(escapeMarkdownCell('12) x')).toBe('12\\) x')
    expect(escapeMarkdownCell('a\nb\tc')).toBe('a⏎b�c')
    expect(escapeMarkdownCell('#12 http://x www.y')).toBe('\\#\u200d12 http:\u200d//x www\u200d.y')
    expect(escapeMarkdownCell('plain text > 1.5')).toBe('plain text &gt; 1.5')
  })

  test('issue title: one line, no mention, cut to length', () => {
    const one = renderRegressionIssue(buildFixtureModel({ tests: [{ ...tests[6]!, test: { ...tests[6]!.test, name: `@x\n${'y'.repeat(300)}` } }] }))!
    expect(one.title).toMatch(/^Critical performance regression: test\/evil\.test\.ts > @\u200dx⏎y+…y+ 2\.31× slower$/)
    expect(one.title.length).toBeLessThan(200)
    expect(renderRegressionIssue(model)!.title).toBe(`${HOSTILE.length} critical performance regressions`)
  })
})

describe('renderRegressionIssue', () => {
  test('only critical regressions', () => {
    const issue = renderRegressionIssue(buildFixtureModel())!
    expect(issue.title).toBe('Critical performance regression: test/parse.test.ts > parser > large file [tokenize] 2.31× slower')
    expect(issue.body).toContain('perf-regression found 1 critical performance regression at commit `a1b2c3d` (slower than the baseline by at least its critical band):')
    expect(issue.body).not.toContain('formatNs &gt; many values:')
    expect(issue.body).toContain('1 other regression below the critical band is in the run\'s report.')
    expect(issue.body).toContain('- Machine: AMD EPYC 7763')
    // Each number of the regression once: the ratio, both times, the baseline runs, the interval, the band.
    for (const n of ['2\\.31×', '2.31 ms', '1.00 ms', '8 baseline runs', '2.23–2.40×', '2.00×']) expect(issue.body.split(n), n).toHaveLength(2)
    expect(issue.body).toMatchInlineSnapshot(`
      "perf-regression found 1 critical performance regression at commit \`a1b2c3d\` (slower than the baseline by at least its critical band):

      - 🔴 test/parse.test.ts &gt; parser &gt; large file \\[tokenize\\]: 2\\.31× slower (2.31 ms vs 1.00 ms over 8 baseline runs; 95% interval 2.23–2.40×), critical band from 2.00×

      1 other regression below the critical band is in the run's report.

      #### Environment and commits

      - Machine: AMD EPYC 7763 64-Core Processor (4 cores), linux/x64, Node 20.19.0, CI: github-actions
      - Commit: \`a1b2c3d\` (feature/faster-parser) compared with baseline commits \`1394a5a\`, \`1283949\`, \`1172838\`, \`1061727\`, \`0f50616\`, … (8 in all)
      - Run: 3f2a9c1e at 2025-06-01T12:00:00.000Z

      ### Next steps

      **Reproduce locally.** Run the tests again on your machine (compared with the history in your own \`.perf/\`):

      \`\`\`sh
      npx vitest run test/parse.test.ts -t '(?:^| )(?:parser(?: | > )large file)$' --reporter=default --reporter=perf-regression
      npx vitest run test/format.test.ts -t '(?:^| )(?:formatNs(?: | > )many values)$' --reporter=default --reporter=perf-regression
      \`\`\`

      **If the slowdown is intended,** accept it where the history is kept (the main branch, once the change has landed): the latest run becomes the start of the baseline of every test it measured, and your reason is recorded. \`--run\` and a run id accept another run.

      \`\`\`sh
      npx perf-regression baseline accept --reason 'why the slowdown is intended'
      \`\`\`
      "
    `)
  })

  test('the issue ends with the next steps, and links when the CI run is known', () => {
    const links = { repository: 'https://github.com/acme/widgets', run: 'https://github.com/acme/widgets/actions/runs/42', dashboard: 'dashboard.html' }
    const body = renderRegressionIssue(buildFixtureModel(), links)!.body
    const steps = body.slice(body.indexOf('### Next steps'))
    expect(body.indexOf('### Next steps')).toBeGreaterThan(body.indexOf('#### Environment and commits'))
    expect(steps).toContain("npx vitest run test/parse.test.ts -t '(?:^| )(?:parser(?: | > )large file)$' --reporter=default --reporter=perf-regression")
    expect(steps).toContain("npx perf-regression baseline accept --reason 'why the slowdown is intended'")
    expect(steps.trimEnd().split('\n').at(-1)).toBe(
      '**Links:** commit [`a1b2c3d`](https://github.com/acme/widgets/commit/a1b2c3d4e5f60718293a4b5c6d7e8f9012345678) · [the CI run](https://github.com/acme/widgets/actions/runs/42), whose artifacts hold the dashboard (`dashboard.html`) with each test\'s history.',
    )
    expect(renderMarkdown(buildFixtureModel(), { links }).trimEnd().split('\n').at(-1)).toBe(steps.trimEnd().split('\n').at(-1))
    expect(renderRegressionIssue(buildFixtureModel())!.body).not.toContain('**Links:**')
  })

  test('undefined without a critical regression', () => {
    expect(renderRegressionIssue(buildFixtureModel({ tests: only('formatNs', 'render', 'store') }))).toBeUndefined()
    expect(renderRegressionIssue(buildFixtureModel({ tests: [] }))).toBeUndefined()
  })

  test('the issue file: title line, blank line, body, final newline', () => {
    const issue = renderRegressionIssue(buildFixtureModel())!
    const file = renderIssueFile(issue)
    const lines = file.split('\n')
    expect(lines[0]).toBe(issue.title)
    expect(lines[1]).toBe('')
    expect(lines.slice(2).join('\n')).toBe(issue.body)
    expect(file.endsWith('\n')).toBe(true)
    expect(renderIssueFile({ title: 't', body: 'b' })).toBe('t\n\nb\n')
  })
})
