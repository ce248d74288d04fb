import { spawn, execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures')
export const WORK = path.resolve(import.meta.dirname, '.work')

export interface Result {
  code: number | null
  stdout: string
  stderr: string
  /** stdout and stderr, without colour codes. */
  output: string
}

/** The environment of the test process without what the outer Vitest sets for its own workers. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('VITEST') || k === 'NODE_OPTIONS' || k === 'TEST' || k === 'NODE_ENV' || k.startsWith('PERF_') || k === 'SLOWDOWN') continue
    if (k === 'CI' || k.startsWith('GITHUB_')) continue
    env[k] = v
  }
  return { ...env, NO_COLOR: '1', ...extra }
}

export function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const output = (stdout + '\n' + stderr).replace(/\u001b\[[0-9;]*m/g, '')
      resolve({ code, stdout, stderr, output })
    })
  })
}

/** Copies a fixture project into a fresh folder and installs its dependencies plus the packed package. */
export function createProject(
  fixture: string,
  name: string,
  deps: Record<string, string>,
  tarball: string,
  type: 'module' | 'commonjs' = 'module',
): string {
  const dir = path.join(WORK, name)
  mkdirSync(dir, { recursive: true })
  cpSync(path.join(FIXTURES, fixture), dir, { recursive: true })
  const pkg = { name, private: true, type, devDependencies: { ...deps, 'perf-regression': `file:${tarball}` } }
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2))
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: cleanEnv() })
  return dir
}

/** Lines of the store, parsed where they parse. */
export function storeLines(dir: string, file = '.perf/benchmarks.jsonl'): string[] {
  return readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l !== '')
}

export function validRuns(dir: string): { mode: string; group?: string; results: { test: { name: string } }[] }[] {
  const out = []
  for (const line of storeLines(dir)) {
    try {
      out.push(JSON.parse(line))
    } catch {
      // Deliberately corrupted lines in the fixture store are not runs.
    }
  }
  return out.filter((r) => r && r.kind === 'run')
}
