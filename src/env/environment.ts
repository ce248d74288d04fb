import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import type { EnvInfo, GitInfo, RunnerInfo } from '../types.js'

type Env = Record<string, string | undefined>

/** Names the CI service from its environment variables, if any. */
export function detectCi(env: Env): string | undefined {
  if (env.GITHUB_ACTIONS === 'true') return 'github-actions'
  if (env.GITLAB_CI) return 'gitlab-ci'
  if (env.CIRCLECI) return 'circleci'
  if (env.BUILDKITE) return 'buildkite'
  if (env.JENKINS_URL) return 'jenkins'
  if (env.TF_BUILD) return 'azure-pipelines'
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return 'ci'
  return undefined
}

/** Reads the machine this process runs on. */
export function collectEnv(env: Env = process.env): EnvInfo {
  const cpus = os.cpus()
  const info: EnvInfo = {
    cpu_model: (cpus[0]?.model ?? 'unknown').trim().replace(/\s+/g, ' '),
    cpu_count: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    os: os.platform(),
    arch: os.arch(),
    node_version: process.versions.node,
  }
  const ci = detectCi(env)
  if (ci) info.ci = ci
  return info
}

/**
 * Compatibility key of a result: machine, Node major, runner major and pool.
 * Results with different keys are never compared with each other.
 */
export function envKey(env: EnvInfo, runner: RunnerInfo): string {
  const parts = [
    env.cpu_model,
    env.cpu_count,
    env.os,
    env.arch,
    `node${env.node_version.split('.')[0]}`,
    `${runner.name}${runner.version.split('.')[0]}`,
    runner.pool,
  ]
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16)
}

/** Commit and branch from CI variables, falling back to `git` in `cwd`. */
export function gitInfo(env: Env, cwd: string): GitInfo {
  const fromCi = {
    commit: env.GITHUB_SHA || env.CI_COMMIT_SHA || env.CIRCLE_SHA1 || env.BUILDKITE_COMMIT || env.GIT_COMMIT,
    branch: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || env.CI_COMMIT_REF_NAME || env.CIRCLE_BRANCH || env.BUILDKITE_BRANCH || env.GIT_BRANCH,
  }
  // One git process for what the CI variables do not say.
  const [head, ref] = fromCi.commit && fromCi.branch ? [] : (git(['rev-parse', 'HEAD', '--abbrev-ref', 'HEAD'], cwd)?.split('\n') ?? [])
  const commit = fromCi.commit || head
  const branch = fromCi.branch || ref
  const info: GitInfo = {}
  if (commit) info.commit = commit
  if (branch && branch !== 'HEAD') info.branch = branch
  return info
}

/** Output of a git command in `cwd`, or undefined when git or the repository is missing. */
export function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim() || undefined
  } catch {
    // Not a repository, or git is not installed: commit and branch are optional context.
    return undefined
  }
}
