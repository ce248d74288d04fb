#!/usr/bin/env node
// What the A/B procedure (plan, looks, stopping rule, judge: the shipped code, from dist/)
// does on simulated processes: false regressions, slowdowns flagged, severity right and
// processes used, for a spread between processes of 1%, 3% and 6% (the real ones are
// measured by bench/ab/run.mjs). Seeded; runs in seconds.
//
// Usage: npm run build && node bench/ab/simulate.mjs [--trials 2000]
import { parseArgs } from 'node:util'
import { judgeAb } from '../../dist/ab/judge.js'
import { nextStep, plan } from '../../dist/ab/plan.js'
import { DEFAULTS } from '../../dist/config/options.js'
import { fmt, printTable, rng } from '../lib.mjs'

const { values: args } = parseArgs({ options: { trials: { type: 'string', default: '2000' } } })
const trials = Number(args.trials)
const bands = DEFAULTS.ab.thresholds
const p = plan('paired', DEFAULTS.ab)
const expected = (f) => (f >= bands.critical ? 'critical' : f >= bands.moderate ? 'moderate' : f >= bands.minor ? 'minor' : undefined)

function run(factor, between, within, spikes, random) {
  const z = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const processes = []
  const measure = (n) => {
    for (let i = 0; i < n; i++) {
      const offset = Math.log(factor) + between * z()
      const cycles = Array.from({ length: DEFAULTS.ab.cycles }, () => offset + within * z() + (random() < spikes ? (random() < 0.5 ? 1 : -1) * Math.log(1.5) : 0))
      processes.push({ cycles, base_ns: 1e5, head_ns: 1e5 * Math.exp(offset), same_tier: true })
    }
  }
  const obs = () => [{ test: { file: 'a', name: 't', project: '' }, design: 'paired', processes }]
  measure(p.first)
  for (;;) {
    const step = nextStep(obs(), p, { done: processes.length, elapsedSeconds: 0, secondsPerProcess: 1, budgetSeconds: 1e9 }, bands, 0.95)
    if (step.kind !== 'run') break
    measure(step.processes)
  }
  return { v: judgeAb(obs(), { thresholds: bands, confidence: 0.95, looks: p.looks, base: 'b' })[0], n: processes.length }
}

const rows = [['spread between processes', 'factor', 'flagged', 'severity right', 'processes (mean)']]
for (const between of [0.01, 0.03, 0.06]) {
  for (const f of [1, 1.05, 1.1, 1.2, 1.3]) {
    const random = rng(Math.round(between * 1000 + f * 100))
    let flagged = 0
    let right = 0
    let n = 0
    for (let i = 0; i < trials; i++) {
      const r = run(f, between, 0.03, 0.1, random)
      n += r.n
      if (r.v.kind === 'regression') {
        flagged++
        if (r.v.severity === expected(f)) right++
      }
    }
    rows.push([`${fmt(between * 100, 0)}%`, `×${f}`, `${fmt((100 * flagged) / trials, 1)}%`, f === 1 ? '—' : `${fmt((100 * right) / trials, 1)}%`, fmt(n / trials, 1)])
  }
}
console.log(`${trials} simulated A/B runs per row; plan: ${p.first} processes, then ${p.step} more at a time up to ${p.max} (${p.looks} looks); ${DEFAULTS.ab.cycles} cycles per process, 3% noise per cycle, 10% of cycles descheduled (1.5x)`)
printTable(rows)
console.log('\nreproduce: npm run build && node bench/ab/simulate.mjs --trials ' + trials)
