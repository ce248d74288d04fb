import { spawn, execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { appendFile, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { realGit, type DataBranchGit } from '../../src/cli/data-branch-git.js'
import { sync } from '../../src/cli/data-branch.js'
import { main } from '../../src/cli/main.js'
import { appendRecord, readStore } from '../../src/store/store.js'
import { bareRemote, branchFile, bundleCli, checkoutState, clone, git, gitEnv } from './git-repos.js'
import { outputCapture, run, tempDir } from './helpers.js'

const { out, err, outputs, reset } = outputCapture()
afterEach(reset)

const STORE = '.perf/benchmarks.jsonl'
const ids = (text: string | undefined) =>
  (text ?? '')
    .split('\n')
    .filter((l) => l.startsWith('{"schema"'))
    .map((l) => (JSON.parse(l) as { id: string }).id)
    .sort()

let dir: string
let cleanup: () => Promise<void>
let env: NodeJS.ProcessEnv
let remote: string
let n = 0

beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
  env = gitEnv(dir)
})
afterAll(() => cleanup())

/** A fresh remote for each test, and clones of it. */
function setup() {
  const here = path.join(dir, `case-${++n}`)
  mkdirSync(here)
  remote = bareRemote(here, env)
  return (name: string, shallow = false) => clone(here, env, remote, name, shallow)
}

async function addRuns(repo: string, ...names: string[]) {
  for (const [i, id] of names.entries()) await appendRecord(path.join(repo, STORE), run({ id, time: new Date(Date.UTC(2025, 0, 1, 0, n, i)), medians: { parse: 1e6 } }))
}

const cmd = (repo: string, ...args: string[]) => main(['sync', ...args], { ...outputs, cwd: repo, env })

// Real git in temporary repositories: seconds on a busy machine, far more than a pure test.
const GIT_TESTS = { timeout: 120_000 }

describe('sync pull and push', GIT_TESTS, () => {
  test('pull of a branch that does not exist yet is an empty history, not an error', async () => {
    const a = setup()('a')
    const before = checkoutState(a, env)
    expect(await cmd(a, 'pull')).toBe(0)
    expect(out.join('')).toBe(`origin has no branch perf-data yet: an empty history (the first sync push creates it). ${path.join(a, STORE)} is unchanged.\n`)
    expect(err.join('')).toBe('')
    expect(checkoutState(a, env)).toEqual(before)
    expect((await readStore(path.join(a, STORE))).runs).toEqual([])
  })

  test('push creates the branch with a plain commit; pull in another (shallow) clone merges it with its own records', async () => {
    const cloneOf = setup()
    const a = cloneOf('a')
    const b = cloneOf('b', true)
    await addRuns(a, 'a1', 'a2')
    await addRuns(b, 'b1')
    const [stateA, stateB] = [checkoutState(a, env), checkoutState(b, env)]
    const head = git(a, env, 'rev-parse', 'HEAD')

    expect(await cmd(a, 'push')).toBe(0)
    expect(out.join('')).toBe(`Pushed 2 runs from ${head.slice(0, 7)} (main) to origin/perf-data (a new branch; 2 records there now).\n`)
    expect(git(dir, env, '--git-dir', remote, 'log', '--format=%s|%an <%ae>', 'perf-data')).toBe(`perf: 2 runs from ${head.slice(0, 7)} (main)|perf-regression <perf-regression@localhost>`)
    expect(ids(branchFile(remote, env, 'perf-data', STORE))).toEqual(['a1', 'a2'])
    reset()

    expect(await cmd(b, 'pull')).toBe(0)
    expect(out.join('')).toMatch(/^Pulled origin\/perf-data \([0-9a-f]{7}\): 2 new records from the branch; 1 record only here kept; .* now has 3 records\.\n$/)
    expect((await readStore(path.join(b, STORE))).runs.map((r) => r.id).sort()).toEqual(['a1', 'a2', 'b1'])
    reset()

    // Pulling again changes nothing; pushing from the shallow clone adds b1 on top of a's commit.
    expect(await cmd(b, 'pull')).toBe(0)
    expect(out.join('')).toMatch(/0 new records from the branch; 1 record only here kept; .* was already up to date \(3 records\)/)
    expect(await cmd(b, 'push')).toBe(0)
    expect(ids(branchFile(remote, env, 'perf-data', STORE))).toEqual(['a1', 'a2', 'b1'])
    expect(git(dir, env, '--git-dir', remote, 'rev-list', '--count', 'perf-data')).toBe('2')
    reset()
    expect(await cmd(b, 'push')).toBe(0)
    expect(out.join('')).toBe(`origin/perf-data already has every record of ${path.join(b, STORE)}: nothing to push.\n`)

    expect(await cmd(a, 'pull')).toBe(0)
    expect((await readStore(path.join(a, STORE))).runs.map((r) => r.id).sort()).toEqual(['a1', 'a2', 'b1'])
    // HEAD, branch, index, status and refs as they were; the full clone is still full, the shallow one still shallow.
    expect(checkoutState(a, env)).toEqual(stateA)
    expect(checkoutState(b, env)).toEqual(stateB)
    expect(stateB.shallow).toBe('true')
    expect(stateA.shallow).toBe('false')
  })

  test('--branch, --remote and --path put the store elsewhere; the rest of the branch is kept', async () => {
    const cloneOf = setup()
    const a = cloneOf('a')
    git(a, env, 'remote', 'add', 'data', `file://${remote}`)
    await addRuns(a, 'x1')
    expect(await cmd(a, 'push', '--remote', 'data', '--branch', 'bench/history', '--path', 'stores/main.jsonl')).toBe(0)
    expect(ids(branchFile(remote, env, 'bench/history', 'stores/main.jsonl'))).toEqual(['x1'])
    await addRuns(a, 'x2')
    expect(await cmd(a, 'push', '--remote', 'data', '--branch', 'bench/history')).toBe(0)
    expect(ids(branchFile(remote, env, 'bench/history', STORE))).toEqual(['x1', 'x2'])
    expect(ids(branchFile(remote, env, 'bench/history', 'stores/main.jsonl'))).toEqual(['x1'])
  })

  test('a corrupt line on the branch is reported and never lost; a local one is not pushed', async () => {
    const cloneOf = setup()
    const a = cloneOf('a')
    const b = cloneOf('b')
    await addRuns(a, 'a1')
    expect(await cmd(a, 'push')).toBe(0)
    // Someone damages the branch by hand: garbage, a record of a newer schema, a torn line.
    const garbage = 'garbage \u00ff line'
    const newer = JSON.stringify({ schema: 99, kind: 'run', id: 'future' })
    const onBranch = `${branchFile(remote, env, 'perf-data', STORE)}${garbage}\n${newer}\n{"torn":`
    const edit = cloneOf('edit')
    git(edit, env, 'fetch', '--quiet', 'origin', 'perf-data')
    git(edit, env, 'checkout', '--quiet', 'FETCH_HEAD')
    writeFileSync(path.join(edit, STORE), onBranch)
    git(edit, env, 'add', '-f', STORE)
    git(edit, env, 'commit', '--quiet', '-m', 'hand edit')
    git(edit, env, 'push', '--quiet', 'origin', 'HEAD:refs/heads/perf-data')
    reset()

    expect(await cmd(b, 'pull')).toBe(0)
    const warned = err.join('')
    expect(warned).toContain(`origin/perf-data:${STORE}:2: not valid JSON; kept as it is`)
    expect(warned).toContain(`origin/perf-data:${STORE}:3: written by a newer perf-regression (schema 99`)
    expect(warned).toContain(`origin/perf-data:${STORE}:4: the last line is cut short`)
    const local = await readFile(path.join(b, STORE), 'utf8')
    expect(local).toContain(`${garbage}\n${newer}\n{"torn":\n`)

    await appendFile(path.join(b, STORE), 'local junk\n')
    await addRuns(b, 'b1')
    reset()
    expect(await cmd(b, 'push')).toBe(0)
    expect(err.join('')).toContain(`${STORE}:5: not valid JSON; not pushed (it stays in the local store)`)
    const after = branchFile(remote, env, 'perf-data', STORE)!
    expect(after).toContain(`${garbage}\n${newer}\n{"torn":\n`)
    expect(after).not.toContain('local junk')
    expect(ids(after)).toEqual(['a1', 'b1', 'future'])
  })

  test('a rejected push is fetched, merged and retried with a growing pause, then fails clearly', async () => {
    const cloneOf = setup()
    const a = cloneOf('a')
    const other = cloneOf('other')
    await addRuns(a, 'mine')
    let k = 0
    // Before each of our pushes another job pushes a record of its own: every push of ours is rejected.
    const racing: DataBranchGit = {
      ...realGit,
      async push(at, commit) {
        await addRuns(other, `theirs-${++k}`)
        const code = await main(['sync', 'push'], { stdout: { write: () => true }, stderr: { write: () => true }, cwd: other, env })
        expect(code).toBe(0)
        return realGit.push(at, commit)
      },
    }
    const pauses: number[] = []
    const ctx = { ...outputs, cwd: a, env }
    const code = await sync(['push', '--retries', '2'], ctx, { git: racing, sleep: async (ms) => void pauses.push(ms), random: () => 0.5 })
    expect(code).toBe(2)
    expect(pauses).toEqual([1000, 2000])
    const said = err.join('')
    expect(said).toContain('perf-regression: the push to origin/perf-data was rejected ([rejected] (fetch first)): another job pushed first; fetching, merging and retrying in 1.0 s (retry 1 of 2)\n')
    expect(said).toMatch(/was rejected \(\[rejected\] \([a-z -]+\)\): another job pushed first; fetching, merging and retrying in 2\.0 s \(retry 2 of 2\)\n/)
    expect(said).toContain('cannot push to origin perf-data: rejected 3 times because other jobs pushed at the same time')
    expect(said).toContain('Nothing was lost')
    expect(ids(branchFile(remote, env, 'perf-data', STORE))).toEqual(['theirs-1', 'theirs-2', 'theirs-3'])

    // With a retry left, the same race ends with both records on the branch.
    reset()
    let once = false
    const raceOnce: DataBranchGit = { ...racing, push: (at, commit) => (once ? realGit.push(at, commit) : ((once = true), racing.push(at, commit))) }
    expect(await sync(['push'], ctx, { git: raceOnce, sleep: async () => undefined })).toBe(0)
    expect(ids(branchFile(remote, env, 'perf-data', STORE))).toEqual(['mine', 'theirs-1', 'theirs-2', 'theirs-3', 'theirs-4'])
  })

  test('a push the remote refuses for another reason fails at once, saying why', async () => {
    const a = setup()('a')
    const hook = path.join(remote, 'hooks/pre-receive')
    writeFileSync(hook, '#!/bin/sh\necho "protected branch" >&2\nexit 1\n')
    chmodSync(hook, 0o755)
    await addRuns(a, 'a1')
    expect(await cmd(a, 'push')).toBe(2)
    const said = err.join('')
    expect(said).toContain('perf-regression: sync push: cannot push to origin perf-data: [remote rejected] (pre-receive hook declined). Nothing was lost')
    expect(said).not.toContain('retrying')
  })

  test('usage and setup errors exit 2 with what to do', async () => {
    const a = setup()('a')
    expect(await cmd(a)).toBe(2)
    expect(out.join('')).toContain('Usage: perf-regression sync <pull|push>')
    expect(await cmd(a, 'fetch')).toBe(2)
    expect(await cmd(a, 'push', '--retries', 'many')).toBe(2)
    expect(await cmd(a, 'pull', '--branch', 'bad..name')).toBe(2)
    expect(await cmd(a, 'pull', '--remote=--upload-pack=evil')).toBe(2)
    expect(await cmd(a, 'pull', '--path', '../outside.jsonl')).toBe(2)
    expect(await cmd(a, 'pull', '--store', path.join(dir, 'elsewhere.jsonl'))).toBe(2)
    expect(await cmd(dir, 'pull')).toBe(2)
    expect(await cmd(a, 'pull', '--remote', 'nowhere')).toBe(2)
    const said = err.join('')
    expect(said).toContain('unknown sync action "fetch": use sync pull or sync push')
    expect(said).toContain('--retries must be a whole number from 0 to 100 (got "many")')
    expect(said).toContain('--branch must be a valid branch name, like perf-data (got "bad..name")')
    expect(said).toContain('--remote must name a git remote, like origin (got "--upload-pack=evil")')
    expect(said).toContain('--path must be a relative path inside the branch')
    expect(said).toContain('is outside the repository')
    expect(said).toContain(`${dir} is not inside a git repository`)
    expect(said).toContain('cannot reach the remote nowhere to look for the branch perf-data')
    expect(await cmd(a, '--help')).toBe(0)
  })
})

describe('two jobs pushing at once', GIT_TESTS, () => {
  test('both succeed after retries and the branch ends with the union', async () => {
    const cloneOf = setup()
    const seed = cloneOf('first')
    await addRuns(seed, 'seed')
    expect(await cmd(seed, 'push')).toBe(0)
    const a = cloneOf('a', true)
    const b = cloneOf('b', true)
    await addRuns(a, 'a1', 'a2')
    await addRuns(b, 'b1', 'b2')
    const before = [checkoutState(a, env), checkoutState(b, env)]
    const cli = path.join(dir, 'cli.mjs')
    await bundleCli(cli)
    // A git in front of the real one holds each job's first push until both jobs have fetched and committed:
    // both then push on top of the same tip, and one of them is rejected.
    const barrier = path.join(dir, `barrier-${n}`)
    const bin = path.join(dir, `bin-${n}`)
    mkdirSync(barrier)
    mkdirSync(bin)
    const realGitPath = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
    writeFileSync(
      path.join(bin, 'git'),
      `#!/bin/sh\nif [ "$1" = push ]; then\n  touch "${barrier}/$$"\n  i=0\n  while [ "$(ls "${barrier}" | wc -l)" -lt 2 ] && [ $i -lt 1800 ]; do sleep 0.05; i=$((i+1)); done\nfi\nexec "${realGitPath}" "$@"\n`,
    )
    chmodSync(path.join(bin, 'git'), 0o755)
    const job = (cwd: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [cli, 'sync', 'push'], { cwd, env: { ...env, PATH: `${bin}:${env.PATH}` } })
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
        child.on('error', reject)
        child.on('close', (code) => resolve({ code, stdout, stderr }))
      })
    const results = await Promise.all([job(a), job(b)])
    expect(results.map((r) => r.code)).toEqual([0, 0])
    for (const r of results) expect(r.stdout).toMatch(/^Pushed 2 runs from [0-9a-f]{7} \(main\) to origin\/perf-data/)
    const retried = results.filter((r) => r.stderr.includes('was rejected'))
    expect(retried).toHaveLength(1)
    expect(retried[0]!.stderr).toMatch(/another job pushed first; fetching, merging and retrying in \d\.\d s \(retry 1 of 5\)/)
    expect(ids(branchFile(remote, env, 'perf-data', STORE))).toEqual(['a1', 'a2', 'b1', 'b2', 'seed'])
    expect(git(dir, env, '--git-dir', remote, 'rev-list', '--count', 'perf-data')).toBe('3')
    expect([checkoutState(a, env), checkoutState(b, env)]).toEqual(before)
  })
})

describe('the store file', GIT_TESTS, () => {
  test('pull writes nothing when both sides are empty, and keeps a local store that the branch lacks', async () => {
    const cloneOf = setup()
    const a = cloneOf('a')
    expect(await cmd(a, 'push')).toBe(0)
    expect(out.join('')).toContain('has no records: nothing to push')
    await writeFile(path.join(a, 'other.txt'), 'x')
    git(a, env, 'add', 'other.txt')
    const before = checkoutState(a, env)
    await addRuns(a, 'only-here')
    expect(await cmd(a, 'pull')).toBe(0)
    expect((await readStore(path.join(a, STORE))).runs.map((r) => r.id)).toEqual(['only-here'])
    expect(checkoutState(a, env)).toEqual(before)
  })
})
