import { execFileSync } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { installCommand, linkDependencies, runLogged, sameDependencies } from '../../src/ab/deps.js'
import { AbError, addWorktree } from '../../src/ab/git.js'

const temps: string[] = []
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, text)
  }
}

const PKG = JSON.stringify({ name: 'app', scripts: { test: 'vitest' }, devDependencies: { vitest: '^4.0.0' } })
const SUB = JSON.stringify({ name: 'sub', dependencies: { lodash: '4.17.21' } })

/**
 * A repository with a project in `pkg/`, the base checked out as a worktree of the first
 * commit, and the head's working tree changed by `headChanges` (uncommitted, as in an A/B run).
 */
function trees(headChanges: Record<string, string> = {}, files: Record<string, string> = {}) {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'ab-deps-')))
  temps.push(root)
  git(root, 'init', '--quiet')
  write(root, { 'package.json': PKG, 'package-lock.json': '{"lockfileVersion":3}', 'pkg/package.json': SUB, 'pkg/index.js': 'x', ...files })
  git(root, 'add', '-A')
  git(root, 'commit', '--quiet', '-m', 'base')
  const wt = addWorktree(root, 'HEAD')
  temps.push(path.dirname(wt.dir))
  write(root, headChanges)
  return { root, head: path.join(root, 'pkg'), base: path.join(wt.dir, 'pkg'), baseTop: wt.dir, remove: wt.remove }
}

describe('sameDependencies', () => {
  test('identical package.json files and lockfiles', () => {
    const t = trees()
    expect(sameDependencies(t.head, t.base, t.root)).toBe(true)
    t.remove()
  })

  test('scripts and other fields may differ', () => {
    const t = trees({ 'package.json': JSON.stringify({ name: 'renamed', scripts: { test: 'vitest run' }, devDependencies: { vitest: '^4.0.0' } }) })
    expect(sameDependencies(t.head, t.base, t.root)).toBe(true)
  })

  test('devDependencies differ at the repository top', () => {
    const t = trees({ 'package.json': JSON.stringify({ name: 'app', scripts: { test: 'vitest' }, devDependencies: { vitest: '^4.1.0' } }) })
    expect(sameDependencies(t.head, t.base, t.root)).toBe(false)
  })

  test('dependencies differ in the project folder', () => {
    const t = trees({ 'pkg/package.json': JSON.stringify({ name: 'sub', dependencies: { lodash: '4.17.20' } }) })
    expect(sameDependencies(t.head, t.base, t.root)).toBe(false)
  })

  test('overrides differ', () => {
    const t = trees({ 'package.json': JSON.stringify({ ...JSON.parse(PKG), overrides: { semver: '7.6.0' } }) })
    expect(sameDependencies(t.head, t.base, t.root)).toBe(false)
  })

  test('a lockfile differs, or is new in the head', () => {
    expect(sameDependencies(...args(trees({ 'package-lock.json': '{"lockfileVersion":3,"x":1}' })))).toBe(false)
    expect(sameDependencies(...args(trees({ 'pkg/pnpm-lock.yaml': 'lockfileVersion: 9' })))).toBe(false)
  })

  test('a package.json that is not JSON is compared as text', () => {
    const t = trees({}, { 'pkg/package.json': '{ not json' })
    expect(sameDependencies(t.head, t.base, t.root)).toBe(true)
    write(t.root, { 'pkg/package.json': '{ not json either' })
    expect(sameDependencies(t.head, t.base, t.root)).toBe(false)
  })
})

const args = (t: ReturnType<typeof trees>): [string, string, string] => [t.head, t.base, t.root]

describe('linkDependencies', () => {
  test("links every node_modules of the head into the base tree as a symlink", () => {
    const t = trees({ 'node_modules/vitest/package.json': '{}', 'pkg/node_modules/lodash/package.json': '{}' })
    expect(linkDependencies(t.head, t.base, t.root)).toBe(2)
    for (const [from, to] of [
      [path.join(t.base, 'node_modules'), path.join(t.head, 'node_modules')],
      [path.join(t.baseTop, 'node_modules'), path.join(t.root, 'node_modules')],
    ] as const) {
      expect(lstatSync(from).isSymbolicLink()).toBe(true)
      expect(readlinkSync(from)).toBe(to)
    }
    expect(existsSync(path.join(t.base, 'node_modules', 'lodash', 'package.json'))).toBe(true)
    // Linking again finds them in place.
    expect(linkDependencies(t.head, t.base, t.root)).toBe(0)
    // Removing the worktree leaves the head's node_modules alone.
    t.remove()
    expect(existsSync(path.join(t.head, 'node_modules', 'lodash', 'package.json'))).toBe(true)
  })

  test('folders without node_modules are skipped', () => {
    const t = trees({ 'node_modules/.keep': '' })
    expect(linkDependencies(t.head, t.base, t.root)).toBe(1)
    expect(existsSync(path.join(t.base, 'node_modules'))).toBe(false)
    expect(lstatSync(path.join(t.baseTop, 'node_modules')).isSymbolicLink()).toBe(true)
  })
})

describe('installCommand', () => {
  function folders(files: Record<string, string>) {
    const top = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'ab-install-')))
    temps.push(top)
    write(top, { 'pkg/package.json': '{}', ...files })
    return { top, project: path.join(top, 'pkg') }
  }

  test('pnpm', () => {
    const { top, project } = folders({ 'pnpm-lock.yaml': '' })
    expect(installCommand(project, top)).toEqual({ cwd: top, command: 'pnpm', args: ['install', '--frozen-lockfile'] })
  })

  test('yarn classic and yarn berry', () => {
    const classic = folders({ 'yarn.lock': '' })
    expect(installCommand(classic.project, classic.top)).toEqual({ cwd: classic.top, command: 'yarn', args: ['install', '--frozen-lockfile'] })
    const berry = folders({ 'yarn.lock': '', '.yarnrc.yml': 'nodeLinker: node-modules' })
    expect(installCommand(berry.project, berry.top)).toEqual({ cwd: berry.top, command: 'yarn', args: ['install', '--immutable'] })
  })

  test('npm ci from package-lock.json or npm-shrinkwrap.json', () => {
    const lock = folders({ 'pkg/package-lock.json': '{}' })
    expect(installCommand(lock.project, lock.top)).toEqual({ cwd: lock.project, command: 'npm', args: ['ci', '--no-audit', '--no-fund'] })
    const shrink = folders({ 'npm-shrinkwrap.json': '{}' })
    expect(installCommand(shrink.project, shrink.top)).toEqual({ cwd: shrink.top, command: 'npm', args: ['ci', '--no-audit', '--no-fund'] })
  })

  test('the lockfile nearest the project wins', () => {
    const { top, project } = folders({ 'pnpm-lock.yaml': '', 'pkg/package-lock.json': '{}' })
    expect(installCommand(project, top).command).toBe('npm')
    expect(installCommand(project, top).cwd).toBe(project)
  })

  test('no lockfile: npm install in the project', () => {
    const { top, project } = folders({})
    expect(installCommand(project, top)).toEqual({ cwd: project, command: 'npm', args: ['install', '--no-audit', '--no-fund'] })
  })

  test('lockfiles above the top are not looked at', () => {
    const { top, project } = folders({ 'pnpm-lock.yaml': '' })
    expect(installCommand(project, project).command).toBe('npm')
    expect(installCommand(project, top).command).toBe('pnpm')
  })
})

describe('runLogged', () => {
  const cwd = os.tmpdir()

  test('resolves when the command succeeds', async () => {
    await expect(runLogged('a check', process.execPath, ['-e', 'process.exit(0)'], cwd, process.env)).resolves.toBeUndefined()
  })

  test('a failure names the step, the exit code and the last lines of output', async () => {
    const script = 'for (let i = 1; i <= 30; i++) console.log("line " + i); console.log("boom"); process.exit(3)'
    const error = await runLogged('the setup', process.execPath, ['-e', script], cwd, process.env).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AbError)
    const message = (error as AbError).message
    expect(message).toContain(`perf-regression ab: the setup failed (exit code 3) in ${cwd}`)
    expect(message).toContain('boom')
    expect(message).not.toContain('line 5\n')
    expect(message).toContain('line 30\nboom')
    expect(message.split('\n').length).toBeLessThanOrEqual(21)
  })

  test('a command that cannot start', async () => {
    await expect(runLogged('installing', path.join(cwd, 'no-such-binary-ab-test'), [], cwd, process.env)).rejects.toThrow('installing could not start')
  })

  test('shell commands', async () => {
    await expect(runLogged('a shell step', 'exit 4', [], cwd, process.env, true)).rejects.toThrow('a shell step failed (exit code 4)')
  })
})
