#!/usr/bin/env node
// A/B benchmark: how well `perf-regression ab` catches real slowdowns, what it costs, and
// how history mode judges the same commits.
//
// It builds a git repository in the temp folder whose main commit holds a Vitest suite of
// 20 perf() tests over eight kinds of workload (pure-JS arithmetic, typed arrays, string
// building, allocation, JSON, sort, Map, native sha256; see bench/detector/workloads.mjs),
// and one branch per factor whose commit makes every workload do that many times its work
// for real (1.0 = A/A: only a comment changes): 20 whole passes over the data become 21, 22, 24, 26. Trials (factor × design) run in a random
// interleaved order. Each trial runs `perf-regression ab --base main` on the branch, then
// one ordinary history-mode run of the same commit against 5 baseline runs recorded on main.
//
// Usage: npm run build && node bench/ab/run.mjs [--reps 6] [--process-reps 2] [--factors 1,1.05,1.1,1.2,1.3]
// Raw trial outcomes go to bench/results/ab-<time>.json.
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { fmt, machine, median, printTable, rng } from '../lib.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const repo = path.resolve(here, '../..')
const bin = path.join(repo, 'dist/cli/bin.js')
if (!existsSync(bin)) {
  console.error('dist/ is missing: run `npm run build` first.')
  process.exit(2)
}
const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '6' },
    'process-reps': { type: 'string', default: '2' },
    factors: { type: 'string', default: '1,1.05,1.1,1.2,1.3' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
})
const reps = Number(args.reps)
const processReps = Number(args['process-reps'])
const factors = args.factors.split(',').map(Number)
const random = rng(Number(args.seed))

// Bands of each mode, for the expected severity of a factor.
const AB_BANDS = { minor: 1.03, moderate: 1.15, critical: 1.5 }
const HISTORY_BANDS = { minor: 1.2, moderate: 1.5, critical: 2.0 }
const expected = (f, b) => (f >= b.critical ? 'critical' : f >= b.moderate ? 'moderate' : f >= b.minor ? 'minor' : undefined)

// ── the fixture repository ──────────────────────────────────────────────────
const dir = mkdtempSync(path.join(os.tmpdir(), 'perf-regression-bench-ab-'))
const sh = (cmd, argv, opts = {}) => execFileSync(cmd, argv, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts })
const git = (...argv) => sh('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', ...argv])
mkdirSync(path.join(dir, 'src'))
mkdirSync(path.join(dir, 'test'))
mkdirSync(path.join(dir, 'node_modules'))
symlinkSync(path.join(repo, 'node_modules/vitest'), path.join(dir, 'node_modules/vitest'))
symlinkSync(repo, path.join(dir, 'node_modules/perf-regression'))
copyFileSync(path.join(repo, 'bench/lib.mjs'), path.join(dir, 'src/lib.mjs'))
writeFileSync(path.join(dir, 'src/workloads.mjs'), readFileSync(path.join(repo, 'bench/detector/workloads.mjs'), 'utf8').replace("'../lib.mjs'", "'./lib.mjs'"))
writeFileSync(path.join(dir, 'src/factor.mjs'), 'export const FACTOR = 1\n')
writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'ab-bench', private: true, type: 'module', devDependencies: { vitest: '*', 'perf-regression': '*' } }, null, 2))
writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n.perf\n')
writeFileSync(
  path.join(dir, 'vitest.config.js'),
  `import { defineConfig } from 'vitest/config'
import { perfRegression } from 'perf-regression/vitest'
export default defineConfig({ plugins: [perfRegression({ github: false })], test: { pool: 'forks', include: ['test/**/*.test.js'] } })
`,
)
// 8 workloads at three sizes (s, 2s, and 4s for four of them): 20 tests. Each call makes PASSES
// whole passes over the data; a factor f makes it PASSES·f whole passes (20 → 21, 22, 24, 26 for
// 1.05, 1.1, 1.2, 1.3): the same code, more work, no partial pass.
writeFileSync(
  path.join(dir, 'test/suite.test.js'),
  `import { expect } from 'vitest'
import { test } from 'perf-regression/vitest'
import { WORKLOADS } from '../src/workloads.mjs'
import { FACTOR } from '../src/factor.mjs'

const PASSES = 20
function bench(name, n) {
  const pass = WORKLOADS[name].make(n)
  const passes = Math.round(PASSES * FACTOR)
  return () => {
    let acc = 0
    for (let k = 0; k < passes; k++) acc += Number(pass(1)) || 0
    return acc
  }
}
const cases = []
for (const [name, w] of Object.entries(WORKLOADS)) {
  cases.push([name + '-s', name, w.sizes.s], [name + '-2s', name, 2 * w.sizes.s])
  if (['arith', 'string', 'map', 'hash'].includes(name)) cases.push([name + '-4s', name, 4 * w.sizes.s])
}
for (const [id, name, n] of cases) {
  const fn = bench(name, n)
  test(id, async ({ perf }) => {
    expect(typeof (await perf(fn))).toBe('number')
  })
}
`,
)
git('init', '-q', '-b', 'main')
git('add', '-A')
git('commit', '-q', '-m', 'base')
const branchOf = (f) => (f === 1 ? 'aa' : `x${f}`)
for (const f of factors) {
  git('checkout', '-q', '-b', branchOf(f), 'main')
  writeFileSync(path.join(dir, 'src/factor.mjs'), f === 1 ? 'export const FACTOR = 1\n// unchanged code, another commit\n' : `export const FACTOR = ${f}\n`)
  git('commit', '-q', '-am', `factor ${f}`)
}
git('checkout', '-q', 'main')

const node = (argv, env = {}) => {
  const t0 = Date.now()
  const r = spawnSync(process.execPath, argv, { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 64 << 20 })
  return { code: r.status, seconds: (Date.now() - t0) / 1000, out: (r.stdout ?? '') + (r.stderr ?? '') }
}
const verdictsOf = () => JSON.parse(readFileSync(path.join(dir, '.perf/analysis.json'), 'utf8')).verdicts

console.log(`fixture repository: ${dir}`)
console.log(`${machine()}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
console.log('recording 5 baseline runs on main (history mode)...')
for (let i = 0; i < 5; i++) {
  const r = node([bin, 'vitest', 'run', '--baseline-mode=establish'])
  if (r.code !== 0) throw new Error(`baseline run failed:\n${r.out.slice(-3000)}`)
}

// ── trials, in random interleaved order ─────────────────────────────────────
const trials = []
for (const f of factors) {
  for (let i = 0; i < reps; i++) trials.push({ f, design: 'paired' })
  for (let i = 0; i < processReps; i++) trials.push({ f, design: 'processes' })
}
for (let i = trials.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1))
  ;[trials[i], trials[j]] = [trials[j], trials[i]]
}
const results = []
mkdirSync(path.join(repo, 'bench/results'), { recursive: true })
const outFile = path.join(repo, 'bench/results', `ab-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
for (const [i, t] of trials.entries()) {
  git('checkout', '-q', branchOf(t.f))
  const ab = node([bin, 'ab', '--base', 'main', '--no-record', '--design', t.design, ...(t.design === 'processes' ? ['--max-rounds', '6'] : [])])
  if (ab.code === 2) throw new Error(`ab failed:\n${ab.out.slice(-3000)}`)
  const abVerdicts = verdictsOf()
  const processes = Number(/in (\d+) process/.exec(ab.out.split('\n').filter((l) => l.includes('s of measuring')).pop() ?? '')?.[1] ?? NaN)
  const hist = node([bin, 'vitest', 'run'])
  const histVerdicts = verdictsOf()
  results.push({
    ...t,
    ab: {
      code: ab.code,
      seconds: ab.seconds,
      processes,
      verdicts: abVerdicts.map((v) => ({ name: v.test.name, kind: v.kind, severity: v.severity, ratio: v.evidence?.ratio, interval: v.evidence?.interval, per_process: v.evidence?.ab?.per_process, tier_mismatches: v.evidence?.ab?.tier_mismatches })),
    },
    history: { code: hist.code, seconds: hist.seconds, verdicts: histVerdicts.map((v) => ({ name: v.test.name, kind: v.kind, severity: v.severity, ratio: v.evidence?.ratio })) },
  })
  console.log(`trial ${i + 1}/${trials.length}: ×${t.f} ${t.design}: A/B exit ${ab.code} in ${ab.seconds.toFixed(1)} s (${processes} processes), history exit ${hist.code} in ${hist.seconds.toFixed(1)} s`)
  // Written after every trial, so an interrupted run keeps what it measured.
  writeFileSync(outFile, JSON.stringify({ machine: machine(), factors, reps, processReps, results }, null, 2))
}
git('checkout', '-q', 'main')

// ── the table ───────────────────────────────────────────────────────────────
const pct = (n, d) => (d === 0 ? '—' : `${fmt((100 * n) / d, 0)}%`)
const rows = [['factor', 'mode', 'runs', 'tests flagged', 'severity right', 'runs failing', 'median ratio read', 'processes', 'seconds (median)']]
for (const f of factors) {
  for (const mode of ['paired', 'processes', 'history']) {
    const set = results.filter((r) => r.f === f && (mode === 'history' ? r.design === 'paired' : r.design === mode))
    if (set.length === 0) continue
    const side = (r) => (mode === 'history' ? r.history : r.ab)
    const verdicts = set.flatMap((r) => side(r).verdicts)
    const bands = mode === 'history' ? HISTORY_BANDS : AB_BANDS
    const want = expected(f, bands)
    const flagged = verdicts.filter((v) => v.kind === 'regression')
    const right = flagged.filter((v) => v.severity === want)
    const failing = set.filter((r) => side(r).code === 1)
    const ratios = verdicts.map((v) => v.ratio).filter((x) => typeof x === 'number')
    rows.push([
      `×${f}`,
      mode === 'history' ? 'history (5 baselines)' : `A/B ${mode}`,
      String(set.length),
      `${flagged.length}/${verdicts.length} (${pct(flagged.length, verdicts.length)})`,
      f === 1 ? '—' : want ? `${right.length}/${verdicts.length} (${pct(right.length, verdicts.length)}) ${want}` : 'below the bands',
      `${failing.length}/${set.length}`,
      ratios.length ? fmt(median(ratios), 3) : '—',
      mode === 'history' ? '1' : fmt(median(set.map((r) => r.ab.processes)), 0),
      fmt(median(set.map((r) => side(r).seconds)), 1),
    ])
  }
}
console.log('')
printTable(rows)
const aa = results.filter((r) => r.f === 1 && r.design === 'paired')
if (aa.length > 0) {
  const cost = aa.map((r) => r.ab.seconds / r.history.seconds)
  const undecided = results.filter((r) => r.design === 'paired').map((r) => r.ab.processes)
  console.log(`\nA/A cost: an A/B run of the unchanged 20-test suite took ${fmt(median(cost), 2)}× one ordinary run (min ${fmt(Math.min(...cost), 2)}, max ${fmt(Math.max(...cost), 2)}, ${aa.length} runs).`)
  console.log(`processes per paired A/B run, all factors: median ${fmt(median(undecided), 0)}, max ${Math.max(...undecided)}`)
}
console.log(`\nraw outcomes: ${path.relative(repo, outFile)}`)
console.log(`reproduce: npm run build && node bench/ab/run.mjs --reps ${reps} --process-reps ${processReps} --factors ${factors.join(',')} --seed ${args.seed}`)
if (!args.keep) rmSync(dir, { recursive: true, force: true })
