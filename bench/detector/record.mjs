#!/usr/bin/env node
// Records a corpus of REAL runs for the detector benchmark (replayed by replay.mjs).
//
// One run = one fresh Node process (process.execPath) that imports the built
// measure() (dist/measure/measure.js, dist/measure/probes.js) and measures every
// workload of workloads.mjs once with DEFAULT_MEASURE (dist/config/options.js)
// and 64 raw samples, exactly as a perf() call does, and prints the samples as JSON.
// One measuring process at a time.
//
// Conditions:
//   idle      nothing else started by this script (the machine may still be shared: see loadavg)
//   busy      a second child process spins a CPU loop for the whole run (busy neighbour)
//   crowded   CROWD (8) measuring processes at once on the machine's cores, as when several CI jobs
//             share one runner; each of them is recorded as one run
//   idle-x<F> idle, with every workload doing F times its work (real slowdown, env FACTOR=F)
//
// Default plan: R rounds; each round records one idle and one busy run; the real-slowdown
// runs (--factors × --factor-runs) are spread over the rounds after the first 10, so that
// every one of them has idle history recorded just before it on the same machine state.
//
// Usage (after `npm run build`):
//   nice -n 10 node bench/detector/record.mjs [--runs 60] [--factors 1.1,1.3,1.5,1.7,2.0,2.5] [--factor-runs 20]
//                                             [--conditions idle,busy] [--out bench/detector/corpus]
//   FACTOR=1.3 nice -n 10 node bench/detector/record.mjs --runs 20     (only idle runs at 1.3×)
// Output: bench/detector/corpus/<YYYY-MM-DD>-<condition>.jsonl (appended; one JSON line per run).
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { benchList, makeBench, PASSES, WORKLOADS } from './workloads.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const repo = path.resolve(here, '../..')
const RAW_SAMPLES = 64
/** Measuring processes started at once in the crowded condition. */
const CROWD = 8

if (process.argv[2] === '--child') {
  await child()
} else {
  await parent()
}

/** Measuring process: every workload once, in a fixed order; JSON on stdout. */
async function child() {
  const factor = Number(process.env.FACTOR ?? '1')
  const dist = (p) => import(pathToFileURL(path.join(repo, 'dist', p)).href)
  const { measure } = await dist('measure/measure.js')
  const { defaultMeasureDeps } = await dist('measure/probes.js')
  const { DEFAULT_MEASURE } = await dist('config/options.js')
  const results = []
  for (const b of benchList()) {
    const fn = makeBench(b.name, b.size, factor)
    const { sample } = await measure(fn, { ...DEFAULT_MEASURE, name: undefined, rawSamples: RAW_SAMPLES }, defaultMeasureDeps)
    results.push({ id: b.id, workload: b.name, size: b.size, sample })
  }
  process.stdout.write(JSON.stringify({ factor, results }) + '\n')
}

function runChild(factor) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, FACTOR: String(factor) }
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    p.stdout.on('data', (d) => (out += d))
    p.on('error', reject)
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`measuring process exited with ${code}`))
      try {
        resolve(JSON.parse(out))
      } catch (e) {
        reject(e)
      }
    })
  })
}

/** The busy neighbour: a second process spinning a CPU loop until killed (by its pid). */
async function startNeighbour() {
  const p = spawn(process.execPath, ['-e', 'let x = 0; for (;;) x = (x + 1) | 0'], { stdio: 'ignore' })
  await new Promise((r) => setTimeout(r, 150)) // let it start and get onto a core
  return p
}
function stopNeighbour(p) {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve()
    p.once('exit', resolve)
    process.kill(p.pid, 'SIGKILL')
  })
}

async function parent() {
  if (!existsSync(path.join(repo, 'dist/measure/measure.js'))) {
    console.error('dist/ is missing: run `npm run build` first.')
    process.exit(2)
  }
  const { values: args } = parseArgs({
    options: {
      runs: { type: 'string', default: '60' },
      conditions: { type: 'string', default: 'idle,busy' },
      factors: { type: 'string', default: '1.1,1.3,1.5,1.7,2.0,2.5' },
      'factor-runs': { type: 'string', default: '20' },
      out: { type: 'string', default: path.join(here, 'corpus') },
    },
  })
  const R = Number(args.runs)
  const envFactor = process.env.FACTOR === undefined ? undefined : Number(process.env.FACTOR)
  if (!Number.isInteger(R) || R < 1 || (envFactor !== undefined && !(envFactor > 0))) {
    console.error('--runs must be a positive integer and FACTOR a positive number')
    process.exit(2)
  }
  const nice = os.getPriority()
  if (nice < 10) console.warn(`note: running at nice ${nice}; the benchmark is meant to run under \`nice -n 10\`.`)

  // The plan: a list of { condition, factor } in recording order.
  const plan = []
  if (envFactor !== undefined) {
    for (let i = 0; i < R; i++) plan.push({ condition: envFactor === 1 ? 'idle' : `idle-x${envFactor}`, factor: envFactor })
  } else {
    const conditions = args.conditions.split(',').filter(Boolean)
    const factors = args.factors.split(',').filter(Boolean).map(Number)
    const perFactor = Number(args['factor-runs'])
    const extra = []
    for (let k = 0; k < perFactor; k++) for (const f of factors) extra.push({ condition: `idle-x${f}`, factor: f })
    const rounds = Array.from({ length: R }, () => [])
    const first = Math.min(10, R - 1)
    extra.forEach((e, j) => rounds[first + Math.floor((j * (R - first)) / extra.length)].push(e))
    for (const round of rounds) {
      for (const c of conditions) plan.push({ condition: c, factor: 1 })
      plan.push(...round)
    }
  }

  mkdirSync(args.out, { recursive: true })
  const date = new Date().toISOString().slice(0, 10)
  const files = new Set()
  const cpu = os.cpus()[0]?.model ?? 'unknown'
  const session = `${date}T${new Date().toISOString().slice(11, 19)}`
  console.log(`recording ${plan.length} runs (${benchList().length} benchmarks each, ${PASSES} passes × factor) into ${path.relative(repo, args.out)}/`)
  const t0 = performance.now()
  for (let i = 0; i < plan.length; i++) {
    const { condition, factor } = plan[i]
    const load_before = os.loadavg()[0]
    const neighbour = condition === 'busy' ? await startNeighbour() : undefined
    const started = performance.now()
    let outs
    try {
      outs = await Promise.all(Array.from({ length: condition === 'crowded' ? CROWD : 1 }, () => runChild(factor)))
    } finally {
      if (neighbour) await stopNeighbour(neighbour)
    }
    for (const [k, out] of outs.entries()) {
      const line = {
        kind: 'detector-corpus-run',
        session,
        seq: i,
        time: new Date().toISOString(),
        condition,
        factor,
        busy_neighbour: condition === 'busy',
        crowd: condition === 'crowded' ? { size: CROWD, member: k } : undefined,
        nice: os.getPriority(),
        load_before,
        load_after: os.loadavg()[0],
        process_ms: Math.round(performance.now() - started),
        env: { node: process.version, cpu, cpus: os.cpus().length, platform: `${process.platform}/${process.arch}` },
        workloads: Object.fromEntries(Object.entries(WORKLOADS).map(([k, w]) => [k, { kind: w.kind, sizes: w.sizes, passes: PASSES }])),
        results: out.results,
      }
      const file = path.join(args.out, `${date}-${condition}.jsonl`)
      appendFileSync(file, JSON.stringify(line) + '\n')
      files.add(file)
    }
    const elapsed = (performance.now() - t0) / 1000
    const eta = (elapsed / (i + 1)) * (plan.length - i - 1)
    console.log(
      `[${i + 1}/${plan.length}] ${condition.padEnd(10)} ${String(Math.round(performance.now() - started)).padStart(5)} ms  load ${load_before.toFixed(2)}  ` +
        `elapsed ${elapsed.toFixed(0)} s, ~${eta.toFixed(0)} s left`,
    )
  }
  console.log(`\ndone in ${((performance.now() - t0) / 1000).toFixed(0)} s; wrote:`)
  for (const f of files) console.log(`  ${path.relative(repo, f)}`)
}
