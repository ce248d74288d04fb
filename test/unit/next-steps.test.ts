import { describe, expect, test } from 'vitest'
import { readReportLinks } from '../../src/core/report-context.js'
import { commitUrl, nextStepsMarkdown, regressedTests, reportLinks, repositoryUrl, reproduceCommand, shellQuote } from '../../src/report/next-steps.js'
import { buildFixtureModel } from './report-fixtures.js'

const GITHUB = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/widgets', GITHUB_RUN_ID: '123456', GITHUB_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' }

describe('links from the CI variables and the git remote', () => {
  test('GitHub Actions: the repository and the run page', () => {
    expect(reportLinks(GITHUB, undefined, 'dashboard.html')).toEqual({
      repository: 'https://github.com/acme/widgets',
      run: 'https://github.com/acme/widgets/actions/runs/123456',
      dashboard: 'dashboard.html',
    })
    expect(reportLinks({ ...GITHUB, GITHUB_SERVER_URL: 'https://ghe.example.com/' })).toMatchObject({ repository: 'https://ghe.example.com/acme/widgets' })
  })

  test('odd values are left out, not linked', () => {
    expect(reportLinks({ ...GITHUB, GITHUB_REPOSITORY: 'acme/widgets)](javascript:alert(1)' })).toEqual({})
    expect(reportLinks({ ...GITHUB, GITHUB_SERVER_URL: 'javascript:alert(1)//' })).toEqual({})
    expect(reportLinks({ ...GITHUB, GITHUB_RUN_ID: '12 34' })).toEqual({ repository: 'https://github.com/acme/widgets' })
    expect(reportLinks({}, undefined, 'dash board<.html')).toEqual({})
  })

  test('outside CI, the git remote names the repository', () => {
    expect(repositoryUrl('git@github.com:acme/widgets.git')).toBe('https://github.com/acme/widgets')
    expect(repositoryUrl('ssh://git@gitlab.example.com/group/sub/widgets.git')).toBe('https://gitlab.example.com/group/sub/widgets')
    expect(repositoryUrl('https://github.com/acme/widgets/')).toBe('https://github.com/acme/widgets')
    expect(repositoryUrl('https://user:token@github.com/acme/widgets.git')).toBeUndefined()
    expect(repositoryUrl('/srv/git/widgets.git')).toBeUndefined()
    expect(repositoryUrl('https://github.com/acme/../widgets')).toBeUndefined()
    expect(repositoryUrl(undefined)).toBeUndefined()
    expect(reportLinks({}, 'git@github.com:acme/widgets.git')).toEqual({ repository: 'https://github.com/acme/widgets' })
  })

  test('readReportLinks takes the variables first and the file name of the dashboard', () => {
    expect(readReportLinks(GITHUB, '/nonexistent', '.perf/dashboard.html')).toEqual({
      repository: 'https://github.com/acme/widgets',
      run: 'https://github.com/acme/widgets/actions/runs/123456',
      dashboard: 'dashboard.html',
    })
  })

  test('commit pages only for hexadecimal commits of a known repository', () => {
    const links = { repository: 'https://github.com/acme/widgets' }
    expect(commitUrl(links, 'a1b2c3d4')).toBe('https://github.com/acme/widgets/commit/a1b2c3d4')
    expect(commitUrl(links, 'main')).toBeUndefined()
    expect(commitUrl({}, 'a1b2c3d4')).toBeUndefined()
  })
})

describe('the command that runs a test again', () => {
  const ref = (name: string, extra: { file?: string; project?: string } = {}) => ({ file: extra.file ?? 'test/a.test.ts', name, project: extra.project ?? '' })

  test('Vitest and Jest, with the project when there is one', () => {
    expect(reproduceCommand(ref('parse > 1k rows', { project: 'web' }), 'vitest')).toBe(
      "npx vitest run test/a.test.ts -t '(?:^| )(?:parse(?: | > )1k rows)$' --project web --reporter=default --reporter=perf-regression",
    )
    expect(reproduceCommand(ref('parse > 1k rows'), 'jest')).toBe("npx jest 'test/a\\.test\\.ts' -t '(?:^| )(?:parse(?: | > )1k rows)$'")
    expect(reproduceCommand(ref('x'), 'locust')).toBeUndefined()
    expect(reproduceCommand(ref('x'), undefined)).toBeUndefined()
  })

  test('a hostile name becomes a pattern of plain characters that still matches it', () => {
    const name = "it's `rm -rf /` $(whoami) <b>@team</b> ##[error] ::x:: \t; done"
    const command = reproduceCommand(ref(name, { file: 'test/<x>.test.ts', project: "a'b" }), 'vitest')!
    expect(command).toMatch(/^npx vitest run -t '[^'\n]+' --reporter=default --reporter=perf-regression$/)
    const pattern = command.slice(command.indexOf("'") + 1, command.lastIndexOf("'"))
    expect(pattern).not.toMatch(/[`@#<\t;']|::/)
    expect(new RegExp(pattern).test(`describe ${name}`)).toBe(true)
    expect(new RegExp(pattern).test('something else')).toBe(false)
    const jest = reproduceCommand(ref(name, { file: 'test/<x>.test.ts' }), 'jest')!
    expect(jest.startsWith("npx jest 'test/.x.\\.test\\.ts' -t '")).toBe(true)
  })

  test('shellQuote', () => {
    expect(shellQuote('plain/path.ts')).toBe('plain/path.ts')
    expect(shellQuote("it's")).toBe("'it'\\''s'")
    expect(shellQuote('a b')).toBe("'a b'")
  })
})

describe('the next steps', () => {
  test('only when something regressed, and never for a baseline run', () => {
    const model = buildFixtureModel()
    expect(regressedTests(model).map((v) => v.test.name)).toEqual(['parser > large file', 'formatNs > many values'])
    expect(nextStepsMarkdown(buildFixtureModel({ config: { baselineMode: 'establish' } }))).toEqual([])
    const quiet = buildFixtureModel({ tests: [] })
    expect(nextStepsMarkdown(quiet)).toEqual([])
  })

  test('A/B runs have nothing to accept', () => {
    const model = buildFixtureModel()
    const text = nextStepsMarkdown({ ...model, ab: { base_commit: 'abcdef0', base_ref: 'origin/main', design: 'paired' } }).join('\n')
    expect(text).toContain('there is nothing to accept')
    expect(text).not.toContain('baseline accept')
  })

  test('more than five regressed tests: five commands, the rest counted', () => {
    const model = buildFixtureModel()
    const many = { ...model, verdicts: Array.from({ length: 8 }, (_, i) => ({ ...model.verdicts.find((v) => v.kind === 'regression')!, key: `k${i}`, test: { file: 'test/a.test.ts', name: `t${i}`, project: '' } })) }
    const text = nextStepsMarkdown(many).join('\n')
    expect(text.match(/^npx vitest run/gm)).toHaveLength(5)
    expect(text).toContain('; 3 more regressed, not listed:')
  })
})
