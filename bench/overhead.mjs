#!/usr/bin/env node
// Overhead of perf()'s measurement against bare tinybench, in one process.
//
// Both sides benchmark the same trivial function with the same budgets
// (time 100 ms, 10 iterations, warm-up 20 ms / 5 iterations), alternating
// A (perf's measure()) and B (tinybench) for N rounds, after one untimed round
// of each. Reports:
//   (a) distortion: median over rounds of the per-iteration median latency,
//       perf()'s sample.wall_ns.median vs tinybench's latency.p50 (ns);
//   (b) time cost: median over rounds of the whole-call wall time,
//       performance.now() around measure() vs around new Bench() + add() + run().
//
// Usage: node bench/overhead.mjs [--rounds 30] [--json FILE]   (after `npm run build`)
import { existsSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { Bench } from 'tinybench'
import { fmt, fmtRatio, fmtSpread, machine, printTable, ratioOfMedians, spread, writeJson } from './lib.mjs'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = (p) => pathToFileURL(path.join(repo, 'dist', p)).href
if (!existsSync(path.join(repo, 'dist/measure/measure.js'))) {
  console.error('dist/ is missing: run `npm run build` first (or `npm run bench`, which builds).')
  process.exit(2)
}
const { measure } = await import(dist('measure/measure.js'))
const { defaultMeasureDeps } = await import(dist('measure/probes.js'))
const { DEFAULT_MEASURE } = await import(dist('config/options.js'))

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '30' }, json: { type: 'string' } } })
const rounds = Number(args.rounds)
if (!Number.isInteger(rounds) || rounds < 2) {
  console.error(`--rounds must be an integer >= 2 (got ${args.rounds})`)
  process.exit(2)
}

// The trivial function: sums 10 numbers; the sink keeps the work observable.
const numbers = Float64Array.from({ length: 10 }, (_, i) => i * 1.5)
let sink = 0
const trivial = () => {
  let s = 0
  for (let i = 0; i < numbers.length; i++) s += numbers[i]
  sink += s
  return s
}

const measureOptions = { ...DEFAULT_MEASURE, rawSamples: 64 }
const benchOptions = {
  time: DEFAULT_MEASURE.time,
  warmupTime: DEFAULT_MEASURE.warmupTime,
  iterations: DEFAULT_MEASURE.iterations,
  warmupIterations: DEFAULT_MEASURE.warmupIterations,
}

async function runPerf() {
  const t0 = performance.now()
  const { sample } = await measure(trivial, measureOptions, defaultMeasureDeps)
  const wallMs = performance.now() - t0
  return { medianNs: sample.wall_ns.median, meanNs: sample.wall_ns.mean, wallMs, iterations: sample.iterations }
}

async function runTinybench() {
  const t0 = performance.now()
  const bench = new Bench(benchOptions)
  bench.add('trivial', trivial)
  await bench.run()
  const wallMs = performance.now() - t0
  const result = bench.tasks[0].result
  if (result.state !== 'completed') throw new Error(`tinybench ended in state ${result.state}`)
  return { medianNs: result.latency.p50 * 1e6, meanNs: result.latency.mean * 1e6, wallMs, iterations: result.latency.samplesCount }
}

await runPerf() // untimed warm-up round: JIT, pidusage's first call, module loading
await runTinybench()
const A = []
const B = []
for (let r = 0; r < rounds; r++) {
  A.push(await runPerf())
  B.push(await runTinybench())
  if (process.stderr.isTTY) process.stderr.write(`\roverhead: round ${r + 1}/${rounds}`)
}
if (process.stderr.isTTY) process.stderr.write('\n')

const col = (xs, key) => xs.map((x) => x[key])
const figures = {
  rounds,
  sink,
  distortion: {
    perf: spread(col(A, 'medianNs')),
    tinybench: spread(col(B, 'medianNs')),
    ...ratioOfMedians(col(A, 'medianNs'), col(B, 'medianNs')),
  },
  mean: {
    perf: spread(col(A, 'meanNs')),
    tinybench: spread(col(B, 'meanNs')),
    ...ratioOfMedians(col(A, 'meanNs'), col(B, 'meanNs'), { seed: 3 }),
  },
  cost: {
    perf: spread(col(A, 'wallMs')),
    tinybench: spread(col(B, 'wallMs')),
    ...ratioOfMedians(col(A, 'wallMs'), col(B, 'wallMs'), { seed: 2 }),
  },
  iterations: { perf: spread(col(A, 'iterations')), tinybench: spread(col(B, 'iterations')) },
}

console.log(`\nperf() measurement vs bare tinybench — trivial function (sum of 10 numbers), ${rounds} rounds ABAB, one process (${machine()})`)
console.log('Cells: median over rounds [min–max]; ratio = median(perf) / median(tinybench), CI by paired bootstrap.\n')
printTable([
  ['figure', 'perf() measure()', 'bare tinybench', 'ratio perf/tinybench'],
  ['(a) per-iteration median, ns', fmtSpread(figures.distortion.perf, 1), fmtSpread(figures.distortion.tinybench, 1), fmtRatio(figures.distortion)],
  ['    per-iteration mean, ns', fmtSpread(figures.mean.perf, 1), fmtSpread(figures.mean.tinybench, 1), fmtRatio(figures.mean)],
  ['(b) whole call, ms', fmtSpread(figures.cost.perf, 1), fmtSpread(figures.cost.tinybench, 1), fmtRatio(figures.cost)],
  ['timed iterations per call', fmtSpread(figures.iterations.perf, 0), fmtSpread(figures.iterations.tinybench, 0), fmt(figures.iterations.perf.median / figures.iterations.tinybench.median, 3)],
])
console.log('\n(a) is measurement distortion; latencies this short are quantized by the timer, so the median moves in steps (the mean is finer).')
console.log('(b) is the time cost of perf(); the time budget counts measured latencies only, so a call lasts well beyond 100 ms here.')
writeJson(args.json, figures)
