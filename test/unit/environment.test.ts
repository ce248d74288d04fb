import { describe, test, expect } from 'vitest'
import os from 'node:os'
import { collectEnv, detectCi, envKey, gitInfo } from '../../src/env/environment.js'
import type { EnvInfo, RunnerInfo } from '../../src/types.js'
import { ENV, RUNNER } from './helpers.js'

describe('envKey', () => {
  const key = (env: Partial<EnvInfo> = {}, runner: Partial<RunnerInfo> = {}) => envKey({ ...ENV, ...env }, { ...RUNNER, ...runner })

  test('16 hex characters, the same for the same input', () => {
    expect(key()).toMatch(/^[0-9a-f]{16}$/)
    expect(key()).toBe(key())
  })

  test('ignores Node and runner minor versions and the CI name', () => {
    expect(key({ node_version: '20.1.0' })).toBe(key({ node_version: '20.19.5' }))
    expect(key({}, { version: '4.0.0' })).toBe(key({}, { version: '4.1.12' }))
    expect(key({ ci: 'github-actions' })).toBe(key())
  })

  test.each<[string, Partial<EnvInfo>, Partial<RunnerInfo>]>([
    ['cpu model', { cpu_model: 'Other CPU' }, {}],
    ['cpu count', { cpu_count: 4 }, {}],
    ['os', { os: 'darwin' }, {}],
    ['arch', { arch: 'arm64' }, {}],
    ['node major', { node_version: '22.1.0' }, {}],
    ['runner', {}, { name: 'jest' }],
    ['runner major', {}, { version: '5.0.0' }],
    ['pool', {}, { pool: 'threads' }],
  ])('changes with the %s', (_label, env, runner) => {
    expect(key(env, runner)).not.toBe(key())
  })
})

describe('detectCi', () => {
  test.each<[Record<string, string>, string | undefined]>([
    [{}, undefined],
    [{ GITHUB_ACTIONS: 'true', CI: 'true' }, 'github-actions'],
    [{ GITLAB_CI: 'true', CI: 'true' }, 'gitlab-ci'],
    [{ CIRCLECI: 'true' }, 'circleci'],
    [{ BUILDKITE: 'true' }, 'buildkite'],
    [{ JENKINS_URL: 'http://ci' }, 'jenkins'],
    [{ TF_BUILD: 'True' }, 'azure-pipelines'],
    [{ CI: 'true' }, 'ci'],
    [{ CI: '1' }, 'ci'],
    [{ CI: 'false' }, undefined],
    [{ CI: '0' }, undefined],
    [{ CI: '' }, undefined],
    [{ GITHUB_ACTIONS: 'false' }, undefined],
  ])('%j → %s', (env, expected) => {
    expect(detectCi(env)).toBe(expected)
  })
})

describe('gitInfo from CI variables', () => {
  const cwd = os.tmpdir()

  test('GitHub Actions: the PR head branch over the ref name', () => {
    expect(gitInfo({ GITHUB_SHA: 'abc123', GITHUB_HEAD_REF: 'feature/x', GITHUB_REF_NAME: '42/merge' }, cwd)).toEqual({
      commit: 'abc123',
      branch: 'feature/x',
    })
  })

  test('GitHub Actions push: an empty head ref falls back to the ref name', () => {
    expect(gitInfo({ GITHUB_SHA: 'abc123', GITHUB_HEAD_REF: '', GITHUB_REF_NAME: 'main' }, cwd)).toEqual({
      commit: 'abc123',
      branch: 'main',
    })
  })

  test.each<[string, Record<string, string>, { commit: string; branch: string }]>([
    ['GitLab', { CI_COMMIT_SHA: 'g1', CI_COMMIT_REF_NAME: 'dev' }, { commit: 'g1', branch: 'dev' }],
    ['CircleCI', { CIRCLE_SHA1: 'c1', CIRCLE_BRANCH: 'circle' }, { commit: 'c1', branch: 'circle' }],
    ['Buildkite', { BUILDKITE_COMMIT: 'b1', BUILDKITE_BRANCH: 'bk' }, { commit: 'b1', branch: 'bk' }],
    ['Jenkins', { GIT_COMMIT: 'j1', GIT_BRANCH: 'origin/main' }, { commit: 'j1', branch: 'origin/main' }],
  ])('%s', (_label, env, expected) => {
    expect(gitInfo(env, cwd)).toEqual(expected)
  })

  test('the first commit variable in order wins', () => {
    expect(gitInfo({ CI_COMMIT_SHA: 'second', GITHUB_SHA: 'first', GIT_BRANCH: 'b' }, cwd).commit).toBe('first')
  })

  test('a detached HEAD is no branch', () => {
    expect(gitInfo({ GIT_COMMIT: 'j1', GIT_BRANCH: 'HEAD' }, cwd)).toEqual({ commit: 'j1' })
  })
})

describe('collectEnv', () => {
  test('describes this machine and the CI service from the given variables', () => {
    const info = collectEnv({ GITLAB_CI: 'true' })
    expect(info.ci).toBe('gitlab-ci')
    expect(info.os).toBe(os.platform())
    expect(info.arch).toBe(os.arch())
    expect(info.node_version).toBe(process.versions.node)
    expect(info.cpu_count).toBeGreaterThan(0)
    expect(info.cpu_model).not.toMatch(/^\s|\s$|\s{2}/)
    expect('ci' in collectEnv({})).toBe(false)
  })
})
