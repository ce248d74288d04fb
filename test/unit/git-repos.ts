import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'

/**
 * Git for the tests, cut off from the machine's own configuration (no global or system
 * config, no identity): what a fresh CI runner has.
 */
export function gitEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' }
}

export function git(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=seed', '-c', 'user.email=seed@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim()
}

/** A bare repository `remote.git` in `dir` with one commit on main (a README and a .gitignore of .perf/). */
export function bareRemote(dir: string, env: NodeJS.ProcessEnv): string {
  const remote = path.join(dir, 'remote.git')
  git(dir, env, 'init', '--quiet', '--bare', remote)
  const seed = path.join(dir, 'seed')
  git(dir, env, 'init', '--quiet', seed)
  writeFileSync(path.join(seed, 'README.md'), '# project\n')
  writeFileSync(path.join(seed, '.gitignore'), '.perf/\n')
  git(seed, env, 'add', '.')
  git(seed, env, 'commit', '--quiet', '-m', 'start')
  git(seed, env, 'push', '--quiet', remote, 'HEAD:refs/heads/main')
  return remote
}

/** A clone of `remote` as `name` in `dir` (with `--depth 1` when shallow), on main. */
export function clone(dir: string, env: NodeJS.ProcessEnv, remote: string, name: string, shallow = false): string {
  git(dir, env, 'clone', '--quiet', ...(shallow ? ['--depth', '1'] : []), '--branch', 'main', `file://${remote}`, name)
  return path.join(dir, name)
}

/**
 * What the user has in a checkout besides ignored files: HEAD, the current branch, the index,
 * the working tree's status and the refs (but `origin/perf-data`, which a push to origin updates, as any push does).
 */
export function checkoutState(repo: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const index = path.join(repo, '.git/index')
  return {
    head: git(repo, env, 'rev-parse', 'HEAD'),
    branch: git(repo, env, 'symbolic-ref', 'HEAD'),
    index: existsSync(index) ? createHash('sha256').update(readFileSync(index)).digest('hex') : 'none',
    status: git(repo, env, 'status', '--porcelain'),
    refs: git(repo, env, 'for-each-ref', '--format=%(refname) %(objectname)')
      .split('\n')
      .filter((line) => !line.startsWith('refs/remotes/origin/perf-data '))
      .join('\n'),
    shallow: git(repo, env, 'rev-parse', '--is-shallow-repository'),
  }
}

/** The file `file` on `branch` of the bare repository, or undefined. */
export function branchFile(remote: string, env: NodeJS.ProcessEnv, branch: string, file: string): string | undefined {
  try {
    return execFileSync('git', ['--git-dir', remote, 'show', `refs/heads/${branch}:${file}`], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  } catch (error) {
    if ((error as { status?: number }).status === 128) return undefined
    throw error
  }
}

/** The command line built into one file (`node <file> sync push`), for tests that start it as separate processes. */
export async function bundleCli(outfile: string): Promise<void> {
  await build({
    entryPoints: [path.resolve(import.meta.dirname, '../../src/cli/bin.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    // Bundled CommonJS dependencies require Node's own modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  })
}
