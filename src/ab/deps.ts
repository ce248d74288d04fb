import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { printable } from '../report/terminal.js'
import { AbError } from './git.js'

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb']
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'overrides', 'resolutions', 'pnpm', 'workspaces']

/** Folders from `dir` up to `top`, `dir` first. */
function upTo(dir: string, top: string): string[] {
  const out = [dir]
  let d = dir
  while (d !== top && path.dirname(d) !== d) {
    d = path.dirname(d)
    out.push(d)
  }
  return out
}

const read = (file: string): string | undefined => (existsSync(file) ? readFileSync(file, 'utf8') : undefined)

function dependencyFields(file: string): string | undefined {
  const text = read(file)
  if (text === undefined) return undefined
  try {
    const pkg = JSON.parse(text) as Record<string, unknown>
    return JSON.stringify(DEPENDENCY_FIELDS.map((f) => pkg[f] ?? null))
  } catch {
    // Not valid JSON: compare the text itself.
    return text
  }
}

/**
 * Whether the base tree can use the head's installed dependencies: every lockfile and the
 * dependency fields of every package.json from the project folder up to the repository top
 * are the same in both trees.
 */
export function sameDependencies(headProject: string, baseProject: string, headRoot: string): boolean {
  for (const dir of upTo(headProject, headRoot)) {
    const rel = path.relative(headProject, dir)
    const other = path.join(baseProject, rel)
    for (const lock of LOCKFILES) if (read(path.join(dir, lock)) !== read(path.join(other, lock))) return false
    if (dependencyFields(path.join(dir, 'package.json')) !== dependencyFields(path.join(other, 'package.json'))) return false
  }
  return true
}

/** Links every `node_modules` from the head's project folder up to the repository top into the base tree. */
export function linkDependencies(headProject: string, baseProject: string, headRoot: string): number {
  let linked = 0
  for (const dir of upTo(headProject, headRoot)) {
    const modules = path.join(dir, 'node_modules')
    if (!existsSync(modules)) continue
    const target = path.join(baseProject, path.relative(headProject, dir), 'node_modules')
    if (existsSync(target)) continue
    symlinkSync(modules, target, 'dir')
    linked++
  }
  return linked
}

/** The install command of the project's package manager, from the lockfile nearest the project folder. */
export function installCommand(project: string, top: string): { cwd: string; command: string; args: string[] } {
  for (const dir of upTo(project, top)) {
    if (existsSync(path.join(dir, 'bun.lock')) || existsSync(path.join(dir, 'bun.lockb'))) return { cwd: dir, command: 'bun', args: ['install', '--frozen-lockfile'] }
    if (existsSync(path.join(dir, 'pnpm-lock.yaml'))) return { cwd: dir, command: 'pnpm', args: ['install', '--frozen-lockfile'] }
    if (existsSync(path.join(dir, 'yarn.lock'))) {
      const berry = existsSync(path.join(dir, '.yarnrc.yml'))
      return { cwd: dir, command: 'yarn', args: berry ? ['install', '--immutable'] : ['install', '--frozen-lockfile'] }
    }
    if (existsSync(path.join(dir, 'package-lock.json')) || existsSync(path.join(dir, 'npm-shrinkwrap.json'))) {
      return { cwd: dir, command: 'npm', args: ['ci', '--no-audit', '--no-fund'] }
    }
  }
  return { cwd: project, command: 'npm', args: ['install', '--no-audit', '--no-fund'] }
}

/** The last `lines` lines of a child's output, without colour codes, safe to print. */
export function outputTail(log: string, lines: number): string {
  return log.replace(/\u001b\[[0-9;]*m/g, '').trimEnd().split('\n').slice(-lines).map(printable).join('\n')
}

/** Runs a command; on failure throws an AbError with `what` and the tail of its output. */
export function runLogged(
  what: string,
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  shell = false,
  children?: Set<ChildProcess>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, shell, stdio: ['ignore', 'pipe', 'pipe'] })
    children?.add(child)
    let log = ''
    const keep = (d: Buffer) => {
      log = (log + d.toString()).slice(-16_000)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.on('error', (error) => reject(new AbError(`perf-regression ab: ${what} could not start (${error.message})`)))
    child.on('close', (code, signal) => {
      children?.delete(child)
      if (code === 0) return resolve()
      const tail = outputTail(log, 20)
      reject(new AbError(`perf-regression ab: ${what} failed (${signal ? `signal ${signal}` : `exit code ${code}`}) in ${cwd}. Last lines of its output:\n${tail}`))
    })
  })
}
