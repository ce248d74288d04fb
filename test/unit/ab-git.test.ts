import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AbError, addWorktree, assertNotShallow, mergeBase, repoRoot, resolveBaseRef, shortCommit } from '../../src/ab/git.js'

const temps: string[] = []
const tempDir = (prefix: string) => {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)))
  temps.push(dir)
  return dir
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=trunk', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim()

function commit(cwd: string, file: string, text: string, message: string): string {
  writeFileSync(path.join(cwd, file), text)
  git(cwd, 'add', '-A')
  git(cwd, 'commit', '--quiet', '-m', message)
  return git(cwd, 'rev-parse', 'HEAD')
}

/** Throws an AbError whose message contains `text`. */
function expectAbError(fn: () => unknown, text: string): void {
  let caught: unknown
  try {
    fn()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(AbError)
  expect((caught as AbError).message).toContain(text)
  expect((caught as AbError).name).toBe('AbError')
}

/**
 * trunk: A - B - D
 *             \
 * feature:     C   (checked out)
 */
let repo: string
const sha: Record<'A' | 'B' | 'C' | 'D', string> = { A: '', B: '', C: '', D: '' }

beforeAll(() => {
  repo = tempDir('ab-git-repo-')
  git(repo, 'init', '--quiet')
  sha.A = commit(repo, 'a.txt', 'first', 'A')
  sha.B = commit(repo, 'a.txt', 'second', 'B')
  git(repo, 'checkout', '--quiet', '-b', 'feature')
  sha.C = commit(repo, 'c.txt', 'feature work', 'C')
  git(repo, 'checkout', '--quiet', 'trunk')
  sha.D = commit(repo, 'd.txt', 'trunk moved on', 'D')
  git(repo, 'branch', '--quiet', 'develop', sha.A)
  git(repo, 'checkout', '--quiet', 'feature')
})

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
})

describe('repoRoot', () => {
  test('the top folder, from a subfolder', () => {
    const sub = path.join(repo, 'deep', 'er')
    mkdirSync(sub, { recursive: true })
    expect(repoRoot(sub)).toBe(repo)
    expect(repoRoot(repo)).toBe(repo)
  })

  test('a folder outside any repository', () => {
    const dir = tempDir('ab-git-none-')
    expectAbError(() => repoRoot(dir), 'not inside a git repository')
  })
})

describe('assertNotShallow', () => {
  test('a full clone passes', () => {
    expect(() => assertNotShallow(repo)).not.toThrow()
  })

  test('a shallow clone is refused, saying how to fetch the history', () => {
    const dir = tempDir('ab-git-shallow-')
    execFileSync('git', ['clone', '--quiet', '--depth', '1', '--branch', 'trunk', `file://${repo}`, 'clone'], { cwd: dir, stdio: 'ignore' })
    expectAbError(() => assertNotShallow(path.join(dir, 'clone')), 'fetch-depth: 0')
  })
})

describe('resolveBaseRef', () => {
  test('a given ref that exists is returned as given', () => {
    expect(resolveBaseRef('trunk', {}, repo)).toBe('trunk')
    expect(resolveBaseRef(sha.A, {}, repo)).toBe(sha.A)
    expect(resolveBaseRef('HEAD~1', {}, repo)).toBe('HEAD~1')
  })

  test('a given ref that does not exist', () => {
    expectAbError(() => resolveBaseRef('no-such-branch', {}, repo), 'base "no-such-branch" not found')
  })

  test('the pull request base branch from the CI variables', () => {
    expect(resolveBaseRef(undefined, { GITHUB_BASE_REF: 'develop' }, repo)).toBe('develop')
    expect(resolveBaseRef(undefined, { CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'develop' }, repo)).toBe('develop')
    expect(resolveBaseRef(undefined, { BITBUCKET_PR_DESTINATION_BRANCH: 'develop' }, repo)).toBe('develop')
    // An empty GitHub variable (a push build) falls through to the next.
    expect(resolveBaseRef(undefined, { GITHUB_BASE_REF: '', CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'develop' }, repo)).toBe('develop')
  })

  test('nothing found: the candidates tried are listed', () => {
    expectAbError(() => resolveBaseRef(undefined, { GITHUB_BASE_REF: 'gone' }, repo), 'tried origin/gone, gone, origin/main, origin/master, main, master')
  })

  test('main (or master) when nothing else names the base', () => {
    const dir = tempDir('ab-git-main-')
    git(dir, 'init', '--quiet', '-b', 'master')
    commit(dir, 'x', 'x', 'x')
    expect(resolveBaseRef(undefined, {}, dir)).toBe('master')
    git(dir, 'branch', 'main')
    expect(resolveBaseRef(undefined, {}, dir)).toBe('main')
  })

  test("a clone: the remote's default branch, and origin/ before the local branch", () => {
    const dir = tempDir('ab-git-clone-')
    execFileSync('git', ['clone', '--quiet', `file://${repo}`, 'clone'], { cwd: dir, stdio: 'ignore' })
    const clone = path.join(dir, 'clone')
    // The origin's HEAD is feature (checked out in repo).
    expect(resolveBaseRef(undefined, {}, clone)).toBe('origin/feature')
    expect(resolveBaseRef(undefined, { GITHUB_BASE_REF: 'trunk' }, clone)).toBe('origin/trunk')
  })
})

describe('mergeBase', () => {
  test('the fork point of HEAD and the base', () => {
    expect(mergeBase('trunk', repo)).toBe(sha.B)
    expect(mergeBase('develop', repo)).toBe(sha.A)
    expect(mergeBase('feature', repo)).toBe(sha.C)
  })

  test('no common commit', () => {
    const dir = tempDir('ab-git-orphan-')
    git(dir, 'init', '--quiet')
    commit(dir, 'x', '1', 'one')
    git(dir, 'checkout', '--quiet', '--orphan', 'other')
    commit(dir, 'y', '2', 'two')
    expectAbError(() => mergeBase('trunk', dir), 'HEAD and trunk have no common commit here')
  })

  test('an unknown ref', () => {
    expectAbError(() => mergeBase('nope', repo), 'have no common commit here (')
  })
})

test('shortCommit: a prefix of the commit, or the first 7 characters when git does not know it', () => {
  const short = shortCommit(sha.B, repo)
  expect(short.length).toBeGreaterThanOrEqual(4)
  expect(sha.B.startsWith(short)).toBe(true)
  expect(shortCommit('f'.repeat(40), repo)).toBe('fffffff')
})

describe('addWorktree', () => {
  test('a folder with the commit files, removed again (twice is safe)', () => {
    const wt = addWorktree(repo, sha.B)
    expect(wt.dir).toBe(realpathSync(wt.dir))
    expect(wt.dir.startsWith(realpathSync(os.tmpdir()))).toBe(true)
    expect(readFileSync(path.join(wt.dir, 'a.txt'), 'utf8')).toBe('second')
    expect(existsSync(path.join(wt.dir, 'c.txt'))).toBe(false)
    expect(existsSync(path.join(wt.dir, 'd.txt'))).toBe(false)
    expect(git(wt.dir, 'rev-parse', 'HEAD')).toBe(sha.B)
    expect(git(repo, 'worktree', 'list')).toContain(wt.dir)
    // The checkout of HEAD is untouched.
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(sha.C)

    wt.remove()
    expect(existsSync(wt.dir)).toBe(false)
    expect(existsSync(path.dirname(wt.dir))).toBe(false)
    expect(git(repo, 'worktree', 'list')).not.toContain(wt.dir)
    expect(() => wt.remove()).not.toThrow()
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  test('a worktree with changes in it is still removed', () => {
    const wt = addWorktree(repo, sha.A)
    writeFileSync(path.join(wt.dir, 'a.txt'), 'edited')
    writeFileSync(path.join(wt.dir, 'untracked.txt'), 'x')
    wt.remove()
    expect(existsSync(wt.dir)).toBe(false)
    expect(git(repo, 'worktree', 'list')).not.toContain(wt.dir)
  })

  test('an unknown commit: an AbError and no folder left behind', () => {
    const tmp = tempDir('ab-git-tmpdir-')
    const saved = process.env.TMPDIR
    process.env.TMPDIR = tmp
    try {
      expect(os.tmpdir()).toBe(tmp)
      expectAbError(() => addWorktree(repo, '0123456789abcdef0123456789abcdef01234567'), 'cannot check out the base 0123456789ab as a worktree')
      expect(readdirSync(tmp)).toEqual([])
    } finally {
      if (saved === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = saved
    }
  })
})
