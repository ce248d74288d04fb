#!/usr/bin/env node
// Wall time of one whole perf() measurement against its budget.
//
// Times measure() (what perf() runs, from dist/) for a trivial function and for a
// function of 0.5 ms (a busy wait on the clock), alternating the two for N rounds
// after one untimed round of each, with the default budgets: warm-up 20 ms, timed
// phase 100 ms, CPU and memory readings. Prints, per function, the median and the
// spread of the call's wall time, what it took beyond warm-up + timed budget, the
// per-call median it recorded and how many calls one sample batches.
//
// Usage: node bench/perf-call.mjs [--rounds 15] [--json FILE]   (after `npm run build`)
import { existsSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { fmt, fmtSpread, machine, median, printTable, spread, writeJson } from './lib.mjs'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = (p) => pathToFileURL(path.join(repo, 'dist', p)).href
if (!existsSync(path.join(repo, 'dist/measure/measure.js'))) {
  console.error('dist/ is missing: run `npm run build` first.')
  process.exit(2)
}
const { measure } = await import(dist('measure/measure.js'))
const { defaultMeasureDeps } = await import(dist('measure/probes.js'))
const { DEFAULT_MEASURE } = await import(dist('config/options.js'))

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, json: { type: 'string' } } })
const rounds = Number(args.rounds)
if (!Number.isInteger(rounds) || rounds < 2) {
  console.error(`--rounds must be a whole number of at least 2 (got ${args.rounds})`)
  process.exit(2)
}

const options = { ...DEFAULT_MEASURE, rawSamples: 64 }
const budgetMs = options.warmupTime + options.time
const busyWait = (ms) => {
  const end = performance.now() + ms
  while (performance.now() < end);
}
const subjects = [
  { key: 'trivial', label: 'trivial: () => {}', fn: () => {}, runs: [] },
  { key: 'halfMs', label: '0.5 ms busy wait', fn: () => busyWait(0.5), runs: [] },
]

async function once(subject) {
  const t0 = performance.now()
  const { sample } = await measure(subject.fn, options, defaultMeasureDeps)
  const wallMs = performance.now() - t0
  return { wallMs, medianNs: sample.wall_ns.median, batch: sample.iterations / sample.wall_ns.n, samples: sample.wall_ns.n, calls: sample.iterations }
}

for (const s of subjects) await once(s) // untimed: JIT, pidusage's first call
for (let r = 0; r < rounds; r++) {
  for (const s of subjects) s.runs.push(await once(s))
  if (process.stderr.isTTY) process.stderr.write(`\rperf-call: round ${r + 1}/${rounds}`)
}
if (process.stderr.isTTY) process.stderr.write('\n')

const figures = {
  rounds,
  budget_ms: { warmupTime: options.warmupTime, time: options.time, total: budgetMs },
  subjects: Object.fromEntries(
    subjects.map((s) => [
      s.key,
      {
        wall_ms: spread(s.runs.map((r) => r.wallMs)),
        over_budget_ms: spread(s.runs.map((r) => r.wallMs - budgetMs)),
        median_ns: median(s.runs.map((r) => r.medianNs)),
        calls_per_sample: median(s.runs.map((r) => r.batch)),
        samples: median(s.runs.map((r) => r.samples)),
        calls: median(s.runs.map((r) => r.calls)),
      },
    ]),
  ),
}

console.log(`\nperf() wall time per call, ${rounds} rounds, the two functions alternating (${machine()})`)
console.log(`Budget: warm-up ${options.warmupTime} ms + timed phase ${options.time} ms = ${budgetMs} ms. Cells: median [min–max].\n`)
printTable([
  ['function', 'wall time, ms', 'beyond budget, ms', 'recorded median', 'calls/sample', 'samples'],
  ...subjects.map((s) => {
    const f = figures.subjects[s.key]
    return [s.label, fmtSpread(f.wall_ms, 1), fmtSpread(f.over_budget_ms, 1), `${fmt(f.median_ns, 2)} ns`, fmt(f.calls_per_sample, 0), fmt(f.samples, 0)]
  }),
])
writeJson(args.json, figures)
