#!/usr/bin/env node
// Runs bench/overhead.mjs and bench/suite.mjs (each in its own process) and
// prints all their figures in one table, with the command to reproduce them.
//
// Usage: npm run bench [-- --rounds 30 --runs 5]
//    or: npm run build && node bench/run.mjs [--rounds 30] [--runs 5]
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { fmt, fmtRatio, fmtSpread, machine, printTable } from './lib.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const repo = path.resolve(here, '..')
if (!existsSync(path.join(repo, 'dist/index.js'))) {
  console.error('dist/ is missing: run `npm run bench`, which builds first (or `npm run build`).')
  process.exit(2)
}
const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '30' }, runs: { type: 'string', default: '5' } },
})

const tmp = mkdtempSync(path.join(os.tmpdir(), 'perf-regression-bench-out-'))
function runScript(script, flags) {
  const json = path.join(tmp, `${script}.json`)
  const argv = [path.join(here, `${script}.mjs`), ...flags, '--json', json]
  console.log(`\n━━ node bench/${script}.mjs ${flags.join(' ')}`)
  const r = spawnSync(process.execPath, argv, { cwd: repo, stdio: 'inherit' })
  if (r.status !== 0 || !existsSync(json)) {
    console.error(`\nbench/${script}.mjs failed (exit ${r.status ?? r.signal}); see its output above.`)
    rmSync(tmp, { recursive: true, force: true })
    process.exit(1)
  }
  return JSON.parse(readFileSync(json, 'utf8'))
}

let overhead, suite
try {
  overhead = runScript('overhead', ['--rounds', args.rounds])
  suite = runScript('suite', ['--runs', args.runs])
} finally {
  rmSync(tmp, { recursive: true, force: true })
}

function gitDescribe() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    return `${commit}${dirty ? ' (with uncommitted changes)' : ''}`
  } catch {
    return 'not a git checkout'
  }
}

const cpus = os.cpus()
const load = os.loadavg().map((l) => l.toFixed(2)).join(' ')
const { wall } = suite
console.log('\n━━ perf-regression benchmarks: summary')
console.log(`commit ${gitDescribe()}; ${machine()}; ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}; load average now ${load}`)
console.log('Values: median [min–max] over rounds/runs; ratios are ratios of medians with 95% paired-bootstrap intervals.\n')
printTable([
  ['benchmark', 'figure', 'value', 'ratio'],
  [`overhead (${overhead.rounds} rounds)`, '(a) per-iteration median, perf() ns', fmtSpread(overhead.distortion.perf), ''],
  ['', '(a) per-iteration median, tinybench ns', fmtSpread(overhead.distortion.tinybench), ''],
  ['', '(a) distortion: perf()/tinybench median', '', fmtRatio(overhead.distortion)],
  ['', '    same, per-iteration mean', `${fmt(overhead.mean.perf.median)} / ${fmt(overhead.mean.tinybench.median)} ns`, fmtRatio(overhead.mean)],
  ['', '(b) whole call, perf() ms', fmtSpread(overhead.cost.perf), ''],
  ['', '(b) whole call, tinybench ms', fmtSpread(overhead.cost.tinybench), ''],
  ['', '(b) time cost: perf()/tinybench', '', fmtRatio(overhead.cost)],
  ['', 'timed iterations per call, perf() / tinybench', `${fmt(overhead.iterations.perf.median, 0)} / ${fmt(overhead.iterations.tinybench.median, 0)}`, ''],
  [`suite (${suite.runs} runs, ${suite.tests} tests)`, 'A plugin + reporter, ms', fmtSpread(wall.A, 0), ''],
  ['', 'B fixture only, ms', fmtSpread(wall.B, 0), ''],
  ['', 'C plain vitest, no perf(), ms', fmtSpread(wall.C, 0), ''],
  ['', 'A/B cost of the reporter', '', fmtRatio(suite.AoverB)],
  ['', 'B/C cost of perf() in the suite', '', fmtRatio(suite.BoverC)],
])
console.log(`\nReproduce: npm run bench -- --rounds ${args.rounds} --runs ${args.runs}`)
console.log(`   (same as: npm run build && node bench/run.mjs --rounds ${args.rounds} --runs ${args.runs})`)
