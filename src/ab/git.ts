import { execFileSync } from 'node:child_process'
import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { printable } from '../report/terminal.js'

/** A problem that stops an A/B run before it measures: exit code 2, with a message that says what to do. */
export class AbError extends Error {
  override name = 'AbError'
}

function gitOut(args: string[], cwd: string): { ok: true; out: string } | { ok: false; err: string } {
  try {
    return { ok: true, out: execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim() }
  } catch (error) {
    const e = error as { stderr?: string; code?: string; message: string }
    if (e.code === 'ENOENT') throw new AbError('perf-regression ab: git is not installed (or not on PATH); A/B runs check out the base commit with git')
    return { ok: false, err: (e.stderr ?? e.message).trim() }
  }
}

/** The top folder of the git repository around `cwd`. */
export function repoRoot(cwd: string): string {
  const r = gitOut(['rev-parse', '--show-toplevel'], cwd)
  if (!r.ok) throw new AbError(`perf-regression ab: ${cwd} is not inside a git repository; A/B runs compare HEAD with a base commit, so run it in a git checkout`)
  return realpathSync(r.out)
}

/** Refuses a shallow clone: the merge-base is usually missing there. */
export function assertNotShallow(root: string): void {
  const r = gitOut(['rev-parse', '--is-shallow-repository'], root)
  if (r.ok && r.out === 'true') {
    throw new AbError(
      'perf-regression ab: this is a shallow clone, so the base commit and the merge-base may be missing. Fetch the history: actions/checkout with fetch-depth: 0 (or git fetch --unshallow)',
    )
  }
}

const verify = (ref: string, root: string): string | undefined => {
  const r = gitOut(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root)
  return r.ok && r.out ? r.out : undefined
}

/**
 * The base ref: `--base`, else the pull request's base branch from the CI variables
 * (GitHub Actions, GitLab), else the remote's default branch, else main or master.
 */
export function resolveBaseRef(given: string | undefined, env: Record<string, string | undefined>, root: string): string {
  if (given !== undefined) {
    if (given.startsWith('-')) throw new AbError(`perf-regression ab: --base takes a branch, tag or commit, not an option (got ${JSON.stringify(given)})`)
    if (verify(given, root)) return given
    throw new AbError(`perf-regression ab: base ${JSON.stringify(given)} not found in this repository. Name a branch, tag or commit that exists here (git fetch origin ${given}, or --base origin/main)`)
  }
  const candidates: string[] = []
  const prBase = env.GITHUB_BASE_REF || env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME || env.BITBUCKET_PR_DESTINATION_BRANCH
  if (prBase) candidates.push(`origin/${prBase}`, prBase)
  const head = gitOut(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'], root)
  if (head.ok && head.out) candidates.push(head.out)
  candidates.push('origin/main', 'origin/master', 'main', 'master')
  for (const c of candidates) if (verify(c, root)) return c
  throw new AbError(
    `perf-regression ab: base not found: tried ${candidates.join(', ')}. Say which commit to compare with: perf-regression ab --base <branch or commit>`,
  )
}

/** The merge-base of HEAD and `ref`. */
export function mergeBase(ref: string, root: string): string {
  const r = gitOut(['merge-base', 'HEAD', ref], root)
  if (!r.ok || !r.out) {
    throw new AbError(`perf-regression ab: HEAD and ${printable(ref)} have no common commit here${r.ok ? '' : ` (${printable(r.err)})`}. Fetch the full history (fetch-depth: 0) or pick another --base`)
  }
  return r.out
}

/** A short form of a commit, for people. */
export function shortCommit(sha: string, root: string): string {
  const r = gitOut(['rev-parse', '--short', sha], root)
  return r.ok ? r.out : sha.slice(0, 7)
}

/** A git worktree of `commit` in a fresh folder under the system's temp folder. */
export interface Worktree {
  /** The worktree's top folder (real path). */
  dir: string
  /** Removes the worktree and its folder; safe to call more than once, and from an exit handler. */
  remove: () => void
}

export function addWorktree(root: string, commit: string): Worktree {
  const parent = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'perf-regression-ab-')))
  const dir = path.join(parent, 'base')
  const r = gitOut(['worktree', 'add', '--detach', '--quiet', dir, commit], root)
  if (!r.ok) {
    rmSync(parent, { recursive: true, force: true })
    throw new AbError(`perf-regression ab: cannot check out the base ${commit.slice(0, 12)} as a worktree: ${printable(r.err)}`)
  }
  let removed = false
  return {
    dir,
    remove: () => {
      if (removed) return
      gitOut(['worktree', 'remove', '--force', dir], root)
      // Files may still be in use for a moment after a child was told to stop.
      rmSync(parent, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
      gitOut(['worktree', 'prune'], root)
      removed = true
    },
  }
}
