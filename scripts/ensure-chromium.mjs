#!/usr/bin/env node
// Makes sure a Chromium is there for the dashboard's browser test (test/browser/),
// which drives it with playwright-core. Runs before `npm test` (the pretest script)
// and from .ci/run.
//
// Looks, in this order, at CHROMIUM_PATH (what the browser test reads), then for
// `chromium` and `chromium-browser` on PATH. When none runs, installs Debian's
// `chromium` package with apt-get, through sudo when not root. Prints the Chromium
// it found and exits 0; otherwise prints one line saying what to install and exits 1.
//
// Usage: node scripts/ensure-chromium.mjs
import { spawnSync } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import path from 'node:path'

const NAMES = ['chromium', 'chromium-browser']
const PACKAGE = 'chromium'
const HOW = `install Chromium (Debian or Ubuntu: apt-get install ${PACKAGE}) or set CHROMIUM_PATH to a Chromium binary, then run npm test again`

function fail(message) {
  process.stderr.write(`ensure-chromium: ${message}; ${HOW}.\n`)
  process.exit(1)
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK)
    return statSync(file).isFile()
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'ENOTDIR') return false
    throw error
  }
}

/** `chromium --version`, or undefined when it does not run (a snap shim in a container, say). */
function version(file) {
  const r = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 30_000 })
  return r.status === 0 ? r.stdout.trim() : undefined
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue
    const file = path.join(dir, name)
    if (executable(file)) return file
  }
  return undefined
}

/** The first Chromium that runs: { file, version }, or undefined. */
function find() {
  for (const name of NAMES) {
    const file = onPath(name)
    const v = file && version(file)
    if (v) return { file, version: v }
  }
  return undefined
}

function run(command, args) {
  const r = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  if (r.error) fail(`could not run ${command}: ${r.error.message}`)
  return r.status === 0
}

function install() {
  if (process.platform !== 'linux' || !onPath('apt-get')) fail('Chromium not found and apt-get is not available here')
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  let prefix = []
  if (!root) {
    if (!onPath('sudo')) fail('Chromium not found, and installing it needs root (or sudo, which is not installed)')
    // Without a terminal sudo cannot ask for a password: fail at once rather than hang.
    prefix = process.stdin.isTTY ? ['sudo'] : ['sudo', '-n']
  }
  const [command, ...pre] = [...prefix, 'apt-get']
  process.stderr.write(`ensure-chromium: Chromium not found; installing Debian's ${PACKAGE} package (${[...prefix, 'apt-get'].join(' ')} install ${PACKAGE})\n`)
  if (!run(command, [...pre, 'update', '-qq'])) fail('apt-get update failed (output above)')
  if (!run(command, [...pre, 'install', '-y', '-qq', '--no-install-recommends', PACKAGE])) fail(`apt-get install ${PACKAGE} failed (output above)`)
}

const configured = process.env.CHROMIUM_PATH
if (configured !== undefined && configured !== '') {
  const v = executable(configured) ? version(configured) : undefined
  if (!v) {
    process.stderr.write(`ensure-chromium: CHROMIUM_PATH is ${JSON.stringify(configured)}, which is not a Chromium that runs (\`--version\` failed); point it at a Chromium binary or unset it.\n`)
    process.exit(1)
  }
  process.stdout.write(`Chromium for the browser test: ${configured} (${v}, from CHROMIUM_PATH)\n`)
  process.exit(0)
}

let found = find()
if (!found) {
  install()
  found = find()
  if (!found) fail(`apt-get installed ${PACKAGE}, but no ${NAMES.join(' or ')} on PATH runs`)
}
process.stdout.write(`Chromium for the browser test: ${found.file} (${found.version})\n`)
