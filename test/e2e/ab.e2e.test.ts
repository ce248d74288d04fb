import { execFileSync, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, inject, test } from 'vitest'
import type { RunRecord } from '../../src/types.js'
import { cleanEnv, createProject, run, validRuns, WORK } from './helpers.js'

/** What is left in a temp folder, but for Jest's own cache (jest_<uid>), which Jest keeps there on purpose. */
const leftIn = (dir: string) => readdirSync(dir).filter((f) => !/^jest_/.test(f))

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: dir, encoding: 'utf8', env: cleanEnv() }).trim()

/** Turns an installed fixture project into a git repository: the base commit on main, then a branch. */
function initRepo(dir: string): void {
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n.perf/\n')
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'base')
  git(dir, 'checkout', '-q', '-b', 'feature')
}

/** A commit on the feature branch that changes src/work.js. */
function commitWork(dir: string, edit: (text: string) => string, message: string): void {
  const file = path.join(dir, 'src/work.js')
  writeFileSync(file, edit(readFileSync(file, 'utf8')))
  git(dir, 'commit', '-q', '-am', message)
}


interface Case {
  label: string
  fixture: string
  deps: Record<string, string>
  type: 'module' | 'commonjs'
  node: () => string
  env?: Record<string, string>
  /** A fixture whose src/ the project shares (the same ESM code). */
  src?: string
}

const CASES: Case[] = [
  { label: 'Vitest 4', fixture: 'ab-vitest', deps: { vitest: '~4.1.12' }, type: 'module', node: () => process.execPath },
  { label: 'Vitest 5', fixture: 'ab-vitest', deps: { vitest: '^5.1.0' }, type: 'module', node: () => inject('node22') },
  { label: 'Jest 30 CommonJS', fixture: 'ab-jest-cjs', deps: { jest: '^30.0.0' }, type: 'commonjs', node: () => process.execPath },
  {
    label: 'Jest 30 ESM',
    fixture: 'ab-jest-esm',
    deps: { jest: '^30.0.0' },
    type: 'module',
    node: () => process.execPath,
    env: { NODE_OPTIONS: '--experimental-vm-modules --no-warnings' },
    src: 'ab-vitest',
  },
]

describe.each(CASES)('perf-regression ab, $label', ({ label, fixture, deps, type, node, env = {}, src }) => {
  let dir = ''
  // A temp folder of this suite's own: whatever the command leaves there is its own.
  let tmp = ''
  const ab = (args: string[], cwd = dir) => run(node(), [path.join(dir, 'node_modules/perf-regression/dist/cli/bin.js'), 'ab', ...args], cwd, { ...env, TMPDIR: tmp })

  beforeAll(() => {
    dir = createProject(fixture, `ab-${label.replace(/\W+/g, '-').toLowerCase()}`, deps, inject('tarball'), type)
    if (src) cpSync(path.join(import.meta.dirname, 'fixtures', src, 'src'), path.join(dir, 'src'), { recursive: true })
    initRepo(dir)
    tmp = path.join(WORK, `tmp-${label.replace(/\W+/g, '-').toLowerCase()}`)
    mkdirSync(tmp, { recursive: true })
  })

  test('a commit that slows one function 1.5x fails with that test named; the worktree is gone afterwards', async () => {
    commitWork(dir, (t) => t.replace('const CHECKSUM_REPS = 2', 'const CHECKSUM_REPS = 3'), 'slower checksum')
    const r = await ab(['--base', 'main'])
    expect(r.code, r.output).toBe(1)
    expect(r.output).toMatch(/A\/B: HEAD against base [0-9a-f]+ \(main\), paired rounds in one process/)
    expect(r.output).toMatch(/✗ .*work > checksum: 1\.[3-7]\d× slower than base [0-9a-f]+ over \d+ paired rounds in \d+ processes/)
    expect(r.output).not.toMatch(/✗ .*work > digest/)
    // The worktree and every temporary file are removed, and git no longer lists the worktree.
    expect(leftIn(tmp)).toEqual([])
    expect(git(dir, 'worktree', 'list').split('\n')).toHaveLength(1)
    // Recorded as an A/B run with both sides, never as a baseline.
    const runs = validRuns(dir) as unknown as RunRecord[]
    const last = runs[runs.length - 1]!
    expect(last.mode).toBe('compare')
    expect(last.ab?.base_commit).toBe(git(dir, 'rev-parse', 'main'))
    expect(last.ab?.base_results.map((x) => x.test.name).sort()).toEqual(['work > checksum', 'work > digest'])
    expect(last.results.map((x) => x.test.name).sort()).toEqual(['work > checksum', 'work > digest'])
    // The reports are written like those of any run.
    expect(readFileSync(path.join(dir, '.perf/report.md'), 'utf8')).toContain('work &gt; checksum')
  })

  test('an unchanged commit passes', async () => {
    // Back to the base's code, plus a comment: the measured code is the same as the base's.
    commitWork(dir, (t) => t.replace('const CHECKSUM_REPS = 3', 'const CHECKSUM_REPS = 2') + '\n// unchanged\n', 'a comment')
    const r = await ab(['--base', 'main', '--max-rounds', '6'])
    expect(r.code, r.output).toBe(0)
    expect(r.output).not.toMatch(/✗ regression/)
    expect(r.output).toMatch(/work > checksum .*(unchanged|inconclusive)/)
  })

  test('a shallow clone and a missing base give their messages (exit 2)', async () => {
    const missing = await ab(['--base', 'no-such-branch'])
    expect(missing.code, missing.output).toBe(2)
    expect(missing.output).toContain('base "no-such-branch" not found')

    const shallow = path.join(WORK, `shallow-${label.replace(/\W+/g, '-').toLowerCase()}`)
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'feature', `file://${dir}`, shallow], { env: cleanEnv() })
    const r = await ab(['--base', 'origin/main'], shallow)
    expect(r.code, r.output).toBe(2)
    expect(r.output).toContain('shallow clone')
    expect(r.output).toContain('fetch-depth: 0')
  })
})

describe('perf-regression ab, errors and interruption (Vitest 4)', () => {
  let dir = ''
  let tmp = ''
  const bin = () => path.join(dir, 'node_modules/perf-regression/dist/cli/bin.js')
  const ab = (args: string[]) => run(process.execPath, [bin(), 'ab', ...args], dir, { TMPDIR: tmp })

  beforeAll(() => {
    dir = createProject('ab-vitest', 'ab-errors', { vitest: '~4.1.12' }, inject('tarball'), 'module')
    initRepo(dir)
    commitWork(dir, (t) => t.replace('const CHECKSUM_REPS = 2', 'const CHECKSUM_REPS = 3'), 'slower checksum')
    tmp = path.join(WORK, 'tmp-ab-errors')
    mkdirSync(tmp, { recursive: true })
  })

  test('a failing setup command: exit 2 with the tail of its output, and nothing left behind', async () => {
    const r = await ab(['--base', 'main', '--setup', 'echo building the base; echo broken >&2; exit 3'])
    expect(r.code, r.output).toBe(2)
    expect(r.output).toContain('the setup command')
    expect(r.output).toContain('failed (exit code 3)')
    expect(r.output).toContain('broken')
    expect(leftIn(tmp)).toEqual([])
    expect(git(dir, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  test('Ctrl-C while measuring: the worktree and the temp files are removed', async () => {
    const child = spawn(process.execPath, [bin(), 'ab', '--base', 'main'], { cwd: dir, env: cleanEnv({ TMPDIR: tmp }), stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        // The worktree exists from here on: interrupt the first measuring process.
        if (out.includes('against main')) setTimeout(() => child.kill('SIGINT'), 300)
      })
      child.on('close', (c) => resolve(c))
    })
    expect(code, out).toBe(130)
    expect(leftIn(tmp)).toEqual([])
    expect(git(dir, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  test('no marked tests in common: exit 2', async () => {
    git(dir, 'mv', 'test/work.test.js', 'test/renamed.test.js')
    git(dir, 'commit', '-q', '-m', 'rename the tests')
    const r = await ab(['--base', 'main'])
    expect(r.code, r.output).toBe(2)
    expect(r.output).toMatch(/no marked tests in common between HEAD \(2 marked tests\) and base [0-9a-f]+ \(2\)/)
    expect(leftIn(tmp)).toEqual([])
  })
})

describe('perf-regression ab outside a repository', () => {
  test('not a git repository: exit 2 with the reason', async () => {
    const dir = path.join(WORK, 'ab-no-git')
    mkdirSync(dir, { recursive: true })
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', devDependencies: { vitest: '*' } }))
    const bin = path.resolve(import.meta.dirname, '../../dist/cli/bin.js')
    expect(existsSync(bin)).toBe(true)
    const r = await run(process.execPath, [bin, 'ab'], dir, { GIT_CEILING_DIRECTORIES: path.dirname(dir) })
    expect(r.code, r.output).toBe(2)
    expect(r.output).toContain('is not inside a git repository')
  })
})
