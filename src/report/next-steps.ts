import type { TestRef } from '../types.js'
import { escapeRegExp, testNamePattern } from '../util/pattern.js'
import { worstFirst, type ReportModel, type ReportVerdict } from './model.js'

/**
 * Where a report can link to, read from the CI variables and the git remote where the
 * model is built (never from the environment here). Every address is checked when it is
 * made (`reportLinks`), so renderers can write it into a link as it is.
 */
export interface ReportLinks {
  /** The repository's web page, like `https://github.com/owner/name`. */
  repository?: string
  /** The CI run's page, where its artifacts (the dashboard among them) are. */
  run?: string
  /** The dashboard's file name, when this run wrote one. */
  dashboard?: string
}

/** An https address of plain path segments: nothing in it can end a Markdown link or an HTML attribute. */
const SAFE_URL = /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~-]+)*$/
const HEX = /^[0-9a-f]{7,64}$/i
const DASHBOARD_NAME = /^[A-Za-z0-9._-]{1,100}$/

/**
 * The web page of a repository from its git remote: `https://host/owner/name(.git)`,
 * `git@host:owner/name(.git)` or `ssh://git@host/owner/name(.git)`; undefined for
 * anything else (a local path, credentials in the address, odd characters).
 */
export function repositoryUrl(remote: string | undefined): string | undefined {
  if (remote === undefined) return undefined
  const text = remote.trim()
  const m =
    /^https:\/\/([A-Za-z0-9.-]+(?::\d{1,5})?)\/(.+?)(?:\.git)?\/?$/.exec(text) ??
    /^(?:ssh:\/\/)?git@([A-Za-z0-9.-]+)[:/](.+?)(?:\.git)?\/?$/.exec(text)
  if (!m) return undefined
  const url = `https://${m[1]}/${m[2]}`
  return SAFE_URL.test(url) && !url.includes('/../') ? url : undefined
}

/**
 * The links of a report from the CI variables (GitHub Actions: GITHUB_SERVER_URL,
 * GITHUB_REPOSITORY, GITHUB_RUN_ID) and, outside CI, the git remote. Pure.
 */
export function reportLinks(env: Record<string, string | undefined>, remote?: string, dashboard?: string): ReportLinks {
  const links: ReportLinks = {}
  const server = env.GITHUB_SERVER_URL?.replace(/\/+$/, '')
  const github = server && env.GITHUB_REPOSITORY ? `${server}/${env.GITHUB_REPOSITORY}` : undefined
  const repository = github && SAFE_URL.test(github) ? github : repositoryUrl(remote)
  if (repository) links.repository = repository
  if (github && SAFE_URL.test(github) && env.GITHUB_RUN_ID && /^\d{1,20}$/.test(env.GITHUB_RUN_ID)) links.run = `${github}/actions/runs/${env.GITHUB_RUN_ID}`
  if (dashboard !== undefined && DASHBOARD_NAME.test(dashboard)) links.dashboard = dashboard
  return links
}

/** The page of a commit, when the repository is known and the commit is a hexadecimal id. */
export function commitUrl(links: ReportLinks, commit: string | undefined): string | undefined {
  return links.repository && commit && HEX.test(commit) ? `${links.repository}/commit/${commit}` : undefined
}

/** `text` as one POSIX shell word: in single quotes, each `'` written as `'\''`. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./=:-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}

/** Characters a test name keeps in a command; any other is matched by `.`. */
const NAME_KEPT = /[^\p{L}\p{N} _,=+>.-]/gu
/** Characters a path or project name may have to be put in a command as it is. */
const PLAIN = /^[A-Za-z0-9_./+-]+$/
const MARK = '\u0001'

/**
 * The command that runs one test again with the perf-regression reporter, or undefined
 * for imported results. The name is matched by a pattern (both runners take a regular
 * expression) in which every character but letters, digits, spaces and `_,=+>.-` is
 * matched by `.`: the command is one line that no log reads as a workflow command and no
 * Markdown renders, whatever the name holds. A file or project with other characters is
 * left out (the name still selects the test); Jest's file pattern matches them by `.`.
 */
export function reproduceCommand(test: TestRef, runner: ReportModel['run']['runner']): string | undefined {
  if (runner !== 'vitest' && runner !== 'jest') return undefined
  const pattern = testNamePattern([test.name.replace(NAME_KEPT, MARK)]).split(MARK).join('.')
  const project = test.project && PLAIN.test(test.project) ? test.project : undefined
  if (runner === 'vitest') {
    const file = PLAIN.test(test.file) ? test.file : undefined
    return ['npx vitest run', ...(file ? [file] : []), '-t', shellQuote(pattern), ...(project ? ['--project', project] : []), '--reporter=default --reporter=perf-regression'].join(' ')
  }
  const file = escapeRegExp(test.file.replace(/[^\p{L}\p{N}_./-]/gu, MARK)).split(MARK).join('.')
  return ['npx jest', shellQuote(file), '-t', shellQuote(pattern), ...(project ? ['--selectProjects', project] : [])].join(' ')
}

/** The tests a next-steps section is about: regressions, then any other failing test, worst first. */
export function regressedTests(model: ReportModel): ReportVerdict[] {
  if (model.run.mode === 'establish') return []
  return model.verdicts.filter((v) => v.kind === 'regression' || v.failing).sort(worstFirst)
}

const SHOWN = 5

/**
 * The end of a Markdown report or issue when something regressed: how to run the tests
 * again, how to accept an intended slowdown, and links to the commit and the CI run.
 * Markdown lines, empty when nothing regressed. Pure: the links are data.
 */
export function nextStepsMarkdown(model: ReportModel, links: ReportLinks = {}): string[] {
  const tests = regressedTests(model)
  if (tests.length === 0) return []
  const out = ['### Next steps', '']
  const commands = tests.slice(0, SHOWN).map((v) => reproduceCommand(v.test, model.run.runner)).filter((c): c is string => c !== undefined)
  if (commands.length > 0) {
    const more = tests.length - Math.min(tests.length, SHOWN)
    out.push(
      `**Reproduce locally.** Run ${commands.length === 1 ? 'the test' : 'the tests'} again on your machine (compared with the history in your own \`.perf/\`)${more > 0 ? `; ${more} more regressed, not listed` : ''}:`,
      '',
      '```sh',
      ...commands,
      '```',
      '',
    )
  }
  if (model.ab) {
    out.push('**If the slowdown is intended,** there is nothing to accept: A/B runs judge the change against its base commit each time, so once it lands it is the base.', '')
  } else {
    out.push(
      '**If the slowdown is intended,** accept it where the history is kept (the main branch, once the change has landed): the latest run becomes the start of the baseline of every test it measured, and your reason is recorded. `--run` and a run id accept another run.',
      '',
      '```sh',
      `npx perf-regression baseline accept --reason 'why the slowdown is intended'`,
      '```',
      '',
    )
  }
  const commit = commitUrl(links, model.run.git.commit)
  const linked = [
    ...(commit ? [`commit [\`${model.run.git.commit!.slice(0, 7)}\`](${commit})`] : []),
    ...(links.run ? [`[the CI run](${links.run})${links.dashboard ? `, whose artifacts hold the dashboard (\`${links.dashboard}\`) with each test's history` : ''}`] : []),
  ]
  if (linked.length > 0) out.push(`**Links:** ${linked.join(' · ')}.`, '')
  return out
}
