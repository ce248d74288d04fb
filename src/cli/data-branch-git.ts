/**
 * The git side of the data branch, with plumbing only: objects are written to
 * the repository's object store and a commit is pushed by its id, so the
 * working tree, the index and the current branch are never touched. Works in a
 * shallow clone and with the credentials `actions/checkout` configures for the
 * remote.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { GitError, gitText, runGit, type GitOptions } from '../util/git.js'

export { GitError }

/** Where the data branch lives. */
export interface DataBranch {
  /** The git repository's top folder. */
  root: string
  /** Environment of git (the user's, so the checkout's credentials apply). */
  env: NodeJS.ProcessEnv
  remote: string
  branch: string
}

/** What a push came to. `retry`: rejected because the branch moved meanwhile (another job pushed first). */
export type PushResult = { ok: true } | { ok: false; retry: boolean; reason: string }

/** The operations `sync` needs, replaceable in tests. */
export interface DataBranchGit {
  /** Fetches the branch; its tip commit, or undefined when the remote has no such branch. */
  fetch(at: DataBranch): Promise<string | undefined>
  /** The file at `file` (a path inside the branch, with `/`) in `commit`; undefined when the commit has none. */
  read(at: DataBranch, commit: string, file: string): Promise<Buffer | undefined>
  /** A new commit: `parent`'s tree (or an empty one) with `file` set to `data`. Returns its id. */
  commit(at: DataBranch, parent: string | undefined, file: string, data: Buffer, message: string): Promise<string>
  /** Pushes `commit` as the branch's new tip, never forcing it. */
  push(at: DataBranch, commit: string): Promise<PushResult>
}

const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/

const opts = (at: DataBranch, extra: Partial<GitOptions> = {}): GitOptions => ({ cwd: at.root, env: at.env, ...extra })

/** The top folder of the repository around `cwd`. */
export async function repositoryRoot(cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runGit(['rev-parse', '--show-toplevel'], { cwd, env })
  if (r.code !== 0) throw new GitError(`${cwd} is not inside a git repository: the history is kept on a branch of the repository, so run this in a git checkout (${r.stderr})`)
  return r.stdout.toString('utf8').trim()
}

/** Refuses a remote or branch name that git would not take (or would read as an option). */
export async function checkNames(at: DataBranch): Promise<void> {
  if (at.remote === '' || at.remote.startsWith('-') || /[\s\p{Cc}]/u.test(at.remote)) {
    throw new GitError(`--remote must name a git remote, like origin (got ${JSON.stringify(at.remote)})`)
  }
  const r = await runGit(['check-ref-format', `refs/heads/${at.branch}`], opts(at))
  if (at.branch.startsWith('-') || r.code !== 0) {
    throw new GitError(`--branch must be a valid branch name, like perf-data (got ${JSON.stringify(at.branch)})`)
  }
}

/** Identity for the commit when git has none configured (a fresh CI runner): the Actions bot there, else perf-regression. */
async function identity(at: DataBranch): Promise<NodeJS.ProcessEnv> {
  const configured = async (key: string) => (await runGit(['config', key], opts(at))).stdout.toString('utf8').trim() !== ''
  const env: NodeJS.ProcessEnv = {}
  const bot = at.env.GITHUB_ACTIONS === 'true'
  if (!at.env.GIT_AUTHOR_NAME && !at.env.GIT_COMMITTER_NAME && !(await configured('user.name'))) {
    env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = bot ? 'github-actions[bot]' : 'perf-regression'
  }
  if (!at.env.GIT_AUTHOR_EMAIL && !at.env.GIT_COMMITTER_EMAIL && !(await configured('user.email'))) {
    env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = bot ? '41898282+github-actions[bot]@users.noreply.github.com' : 'perf-regression@localhost'
  }
  return env
}

/** The real operations, with the `git` found on the environment's PATH. */
export const realGit: DataBranchGit = {
  async fetch(at) {
    const where = `${at.remote} ${at.branch}`
    const listed = await runGit(['ls-remote', '--exit-code', at.remote, `refs/heads/${at.branch}`], opts(at))
    // --exit-code: 2 means the remote answered and has no such ref.
    if (listed.code === 2) return undefined
    if (listed.code !== 0) throw new GitError(`cannot reach the remote ${at.remote} to look for the branch ${at.branch}: ${listed.stderr}`)
    const shallow = (await gitText(['rev-parse', '--is-shallow-repository'], opts(at), 'inspect the repository')) === 'true'
    // A private ref per fetch (removed afterwards): no branch, remote-tracking ref or FETCH_HEAD of the user's is moved.
    const ref = `refs/perf-regression/fetch-${randomUUID()}`
    // In a shallow clone only the tip is fetched; a full clone stays full (--depth would make it shallow).
    const args = ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', ...(shallow ? ['--depth=1'] : []), at.remote, `+refs/heads/${at.branch}:${ref}`]
    try {
      await gitText(args, opts(at), `fetch ${where}`)
      return await gitText(['rev-parse', '--verify', `${ref}^{commit}`], opts(at), `read the tip of ${where}`)
    } finally {
      await runGit(['update-ref', '-d', ref], opts(at))
    }
  },

  async read(at, commit, file) {
    const spec = `${commit}:${file}`
    const exists = await runGit(['cat-file', '-e', spec], opts(at))
    if (exists.code !== 0) return undefined
    const r = await runGit(['cat-file', 'blob', spec], opts(at))
    if (r.code !== 0) throw new GitError(`cannot read ${file} from ${at.remote}/${at.branch} (${commit.slice(0, 12)}): ${r.stderr}`)
    return r.stdout
  },

  async commit(at, parent, file, data, message) {
    const blob = await gitText(['hash-object', '-w', '--stdin'], opts(at, { input: data }), 'store the history in the repository')
    // A temporary index of our own: the user's index is never read or written.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perf-regression-sync-'))
    try {
      const indexEnv = { ...at.env, GIT_INDEX_FILE: path.join(dir, 'index') }
      const withIndex = opts(at, { env: indexEnv })
      await gitText(parent ? ['read-tree', parent] : ['read-tree', '--empty'], withIndex, `read the tree of ${at.branch}`)
      await gitText(['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], withIndex, `put ${file} in the tree`)
      const tree = await gitText(['write-tree'], withIndex, 'write the tree')
      const env = { ...at.env, ...(await identity(at)) }
      const args = ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', message]
      const commit = await gitText(args, opts(at, { env }), `commit to ${at.branch}`)
      if (!COMMIT_ID.test(commit)) throw new GitError(`git commit-tree gave no commit id (got ${JSON.stringify(commit.slice(0, 80))})`)
      return commit
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  },

  async push(at, commit) {
    // An empty source would delete the branch: only ever push a commit id.
    if (!COMMIT_ID.test(commit)) throw new GitError(`refusing to push ${JSON.stringify(commit)}: not a commit id`)
    const target = `refs/heads/${at.branch}`
    // --no-verify: the project's own pre-push hooks (tests, linters) are not for this commit.
    const r = await runGit(['push', '--porcelain', '--no-verify', at.remote, `${commit}:${target}`], opts(at))
    if (r.code === 0) return { ok: true }
    const line = r.stdout
      .toString('utf8')
      .split('\n')
      .find((l) => l.startsWith('!\t') && l.includes(`:${target}\t`))
    if (!line) return { ok: false, retry: false, reason: r.stderr || `git push exited with code ${r.code}` }
    const reason = line.split('\t')[2] ?? 'rejected'
    // The branch moved (fetch first, non-fast-forward), or the remote lost a race on its ref lock.
    const retry = reason.startsWith('[rejected]') || /lock|failed to update ref|incorrect old value|stale info/i.test(reason)
    return { ok: false, retry, reason }
  },
}
