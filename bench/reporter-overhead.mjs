#!/usr/bin/env node
// What the perf-regression reporter adds to a Vitest suite's wall time, and what
// reading a TypeScript config file costs.
//
// Builds a throwaway project (under os.tmpdir(), removed at the end) with one test
// file of T tests, each benchmarking a small CPU-bound function with perf() (FNV-1a
// over 50 kB), and a perf-regression.config.ts (failOn 'never', confirm false, so
// that no re-measuring run is started). Two Vitest configs:
//   with     the perfRegression() plugin: config file, reporter, store, reports;
//   without  no plugin: the fixture still measures the same way, nothing is read or recorded.
// The store is seeded with 5 baseline runs first, so every timed run with the reporter
// is a compare run that reads a history, judges, writes the reports and appends.
// Then P pairs, alternating which variant goes first (AB BA AB …), each a whole
// `node vitest.mjs run` process. Prints the median of the per-pair differences
// (with − without) and its share of the run without the reporter, in wall time and,
// on Linux, in CPU time of the whole process tree (the reaped children's user + system
// time from /proc/self/stat, in 10 ms ticks), which a busy machine disturbs far less.
//
// Then the config file's load cost, each figure the median over R fresh processes:
//   cold        jiti transpiles and evaluates (JITI_FS_CACHE=false: no transpile cache);
//   warm        jiti evaluates from its transpile cache (node_modules/.cache/jiti);
//   again       a second load in the same process (the per-process cache);
//   handed      a child process given PERF_REGRESSION_CONFIG_FILE by its parent.
//
// Usage: node bench/reporter-overhead.mjs [--pairs 10] [--tests 10] [--loads 7] [--json FILE] [--keep]   (after `npm run build`)
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { fmt, fmtSpread, machine, median, printTable, spread, writeJson } from './lib.mjs'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
if (!existsSync(path.join(repo, 'dist/vitest/index.js'))) {
  console.error('dist/ is missing: run `npm run build` first.')
  process.exit(2)
}
const { values: args } = parseArgs({
  options: {
    pairs: { type: 'string', default: '10' },
    tests: { type: 'string', default: '10' },
    loads: { type: 'string', default: '7' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
})
const whole = (name, min) => {
  const n = Number(args[name])
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number of at least ${min} (got ${args[name]})`)
    process.exit(2)
  }
  return n
}
const pairs = whole('pairs', 2)
const tests = whole('tests', 1)
const loads = whole('loads', 1)

const work = `const bytes = new Uint8Array(50_000).map((_, i) => (i * 31) & 255)
export function cpuWork() {
  let h = 0x811c9dc5
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193)
  return h >>> 0
}
`
const testFile = `import { test } from 'perf-regression/vitest'
import { expect } from 'vitest'
import { cpuWork } from '../src/work.js'

for (let i = 1; i <= ${tests}; i++) {
  test(\`fnv-1a of 50 kB #\${i}\`, async ({ perf }) => {
    expect(await perf(() => cpuWork())).toBeGreaterThan(0)
  })
}
`
const configFile = `import type { PerfRegressionOptions } from 'perf-regression'

const options: PerfRegressionOptions = { failOn: 'never', confirm: false }
export default options
`
const vitestConfig = (plugin) => `import { defineConfig } from 'vitest/config'
${plugin ? "import { perfRegression } from 'perf-regression/vitest'\n" : ''}
export default defineConfig({
  ${plugin ? 'plugins: [perfRegression()],\n  ' : ''}test: { pool: 'forks', include: ['test/perf.test.js'] },
})
`

const dir = mkdtempSync(path.join(os.tmpdir(), 'perf-regression-reporter-'))
const env = { ...process.env, NO_COLOR: '1' }
for (const key of ['PERF_BASELINE_MODE', 'FORCE_COLOR', 'PERF_REGRESSION_CONFIG_FILE', 'JITI_FS_CACHE']) delete env[key]

/** CPU time of the reaped child processes so far, in ms (Linux), or undefined. */
const ticksPerSecond = process.platform === 'linux' ? Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) : NaN
function childrenCpuMs() {
  if (!(ticksPerSecond > 0)) return undefined
  // Fields after the command name (which is in parentheses): cutime and cstime are the 16th and 17th of the line.
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond
}

function run(command, extraEnv = {}) {
  const t0 = performance.now()
  const c0 = childrenCpuMs()
  const r = spawnSync(command[0], command.slice(1), { cwd: dir, env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 64 << 20 })
  const ms = performance.now() - t0
  const cpuMs = c0 === undefined ? undefined : childrenCpuMs() - c0
  if (r.status !== 0) {
    console.error(`\nreporter-overhead: ${command.join(' ')} exited ${r.status ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`)
    throw new Error(`a run failed${args.keep ? '' : ' (rerun with --keep to keep the fixture project)'}`)
  }
  return { ms, cpuMs, stdout: r.stdout }
}

const vitestRun = (variant, extraEnv) => {
  const r = run([process.execPath, 'node_modules/vitest/vitest.mjs', 'run', '--config', `vitest.${variant}.config.js`], extraEnv)
  const passed = (r.stdout.match(/Tests\s+(\d+) passed/) ?? [])[1]
  if (Number(passed) !== tests) throw new Error(`variant ${variant}: ${passed ?? 'no'} tests passed of ${tests}`)
  return r
}

/** Milliseconds one loadConfigFile() call takes in a fresh process (the module imported first, not counted). */
function loadCost({ extraEnv = {}, twice = false } = {}) {
  const file = pathToFileURL(path.join(repo, 'dist/config/file.js')).href
  const script = `const { performance } = await import('node:perf_hooks')
const { loadConfigFile, CONFIG_FILE_ENV } = await import(${JSON.stringify(file)})
let t = performance.now()
loadConfigFile(process.cwd())
let ms = performance.now() - t
if (${twice}) { t = performance.now(); loadConfigFile(process.cwd()); ms = performance.now() - t }
console.log(JSON.stringify({ ms, handOver: process.env[CONFIG_FILE_ENV] }))`
  const r = run([process.execPath, '--input-type=module', '-e', script], extraEnv)
  return JSON.parse(r.stdout.trim().split('\n').at(-1))
}

try {
  mkdirSync(path.join(dir, 'src'))
  mkdirSync(path.join(dir, 'test'))
  mkdirSync(path.join(dir, 'node_modules'))
  // As examples/run-example.mjs does: the package from this checkout, as if installed from npm.
  symlinkSync(repo, path.join(dir, 'node_modules/perf-regression'), 'dir')
  symlinkSync(path.join(repo, 'node_modules/vitest'), path.join(dir, 'node_modules/vitest'), 'dir')
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'reporter-overhead-fixture', private: true, type: 'module' }))
  writeFileSync(path.join(dir, 'src/work.js'), work)
  writeFileSync(path.join(dir, 'test/perf.test.js'), testFile)
  writeFileSync(path.join(dir, 'perf-regression.config.ts'), configFile)
  writeFileSync(path.join(dir, 'vitest.with.config.js'), vitestConfig(true))
  writeFileSync(path.join(dir, 'vitest.without.config.js'), vitestConfig(false))

  // Seed the history; also warms the file cache, Vite's config bundling and jiti's transpile cache.
  for (let i = 0; i < 5; i++) vitestRun('with', { PERF_BASELINE_MODE: 'establish' })
  vitestRun('without')
  if (!existsSync(path.join(dir, '.perf/benchmarks.jsonl'))) throw new Error('the reporter recorded nothing: is the plugin active?')

  const withMs = []
  const withoutMs = []
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      withMs.push(vitestRun('with'))
      withoutMs.push(vitestRun('without'))
    } else {
      withoutMs.push(vitestRun('without'))
      withMs.push(vitestRun('with'))
    }
    if (process.stderr.isTTY) process.stderr.write(`\rreporter-overhead: pair ${i + 1}/${pairs}`)
  }
  if (process.stderr.isTTY) process.stderr.write('\n')
  const added = withMs.map((w, i) => w.ms - withoutMs[i].ms)
  const shares = added.map((a, i) => a / withoutMs[i].ms)
  const cpu = withMs[0].cpuMs !== undefined
  const addedCpu = cpu ? withMs.map((w, i) => w.cpuMs - withoutMs[i].cpuMs) : []
  const cpuShares = addedCpu.map((a, i) => a / withoutMs[i].cpuMs)
  const pct = (values) => `${fmt(median(values) * 100, 1)}% [${fmt(Math.min(...values) * 100, 1)}–${fmt(Math.max(...values) * 100, 1)}%]`

  const cold = []
  const warm = []
  const again = []
  const handed = []
  let handOver
  for (let i = 0; i < loads; i++) {
    cold.push(loadCost({ extraEnv: { JITI_FS_CACHE: 'false' } }).ms)
    const w = loadCost()
    warm.push(w.ms)
    handOver = w.handOver
    again.push(loadCost({ twice: true }).ms)
    handed.push(loadCost({ extraEnv: { PERF_REGRESSION_CONFIG_FILE: handOver } }).ms)
  }

  const figures = {
    pairs,
    tests,
    wall_ms: { with: spread(withMs.map((r) => r.ms)), without: spread(withoutMs.map((r) => r.ms)) },
    added_ms: spread(added),
    added_share: spread(shares),
    ...(cpu
      ? {
          cpu_ms: { with: spread(withMs.map((r) => r.cpuMs)), without: spread(withoutMs.map((r) => r.cpuMs)) },
          added_cpu_ms: spread(addedCpu),
          added_cpu_share: spread(cpuShares),
        }
      : {}),
    config_load_ms: { cold: spread(cold), warm: spread(warm), again: spread(again), handed: spread(handed) },
  }
  console.log(`\nperf-regression reporter overhead — Vitest, 1 file x ${tests} perf() tests, ${pairs} pairs alternating (${machine()})`)
  console.log('Cells: median [min–max].\n')
  printTable([
    ['', 'wall time, ms', 'share of the run without', ...(cpu ? ['CPU time, ms', 'share of the run without'] : [])],
    ['run with the plugin and reporter', fmtSpread(figures.wall_ms.with, 0), '', ...(cpu ? [fmtSpread(figures.cpu_ms.with, 0), ''] : [])],
    ['run without', fmtSpread(figures.wall_ms.without, 0), '', ...(cpu ? [fmtSpread(figures.cpu_ms.without, 0), ''] : [])],
    ['added by the reporter (per pair)', fmtSpread(figures.added_ms, 0), pct(shares), ...(cpu ? [fmtSpread(figures.added_cpu_ms, 0), pct(cpuShares)] : [])],
  ])
  console.log(`\nLoad average when the pairs ended: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.availableParallelism?.() ?? os.cpus().length} cores.`)
  console.log(`\nperf-regression.config.ts, one loadConfigFile() call, ${loads} fresh processes each\n`)
  printTable([
    ['case', 'ms'],
    ['cold: jiti transpiles and evaluates', fmtSpread(figures.config_load_ms.cold, 1)],
    ['warm: evaluated from jiti\'s transpile cache', fmtSpread(figures.config_load_ms.warm, 1)],
    ['again in the same process', fmtSpread(figures.config_load_ms.again, 2)],
    ['a child process given the hand-over', fmtSpread(figures.config_load_ms.handed, 2)],
  ])
  console.log(`\nFixture project: ${dir}${args.keep ? ' (kept)' : ' (removed)'}`)
  writeJson(args.json, figures)
} catch (error) {
  console.error(`reporter-overhead: ${error.message}`)
  process.exitCode = 1
} finally {
  if (!args.keep) rmSync(dir, { recursive: true, force: true })
}
