/**
 * The sequential A/B procedure (plan, looks, stopping rule, judge) on simulated processes,
 * seeded: false alarms on unchanged code stay within alpha, and real slowdowns are found.
 * Each simulated process has its own offset (code placement, JIT: the spread between
 * processes) and cycles with noise, some of them descheduled (one round 3x slower).
 */
import { describe, expect, test } from 'vitest'
import { judgeAb, type AbObservations, type ProcessPairs } from '../../src/ab/judge.js'
import { nextStep, plan } from '../../src/ab/plan.js'
import { DEFAULTS } from '../../src/config/options.js'
import { mulberry32 } from './helpers.js'

function normal(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}

interface Scenario {
  logRatio: number
  /** SD of the per-process offset. */
  between: number
  /** SD of one cycle's log ratio. */
  within: number
  /** Share of cycles with a descheduled round. */
  spikes: number
}

/** One A/B run of one test through the real plan and stopping rule; returns its verdict and the processes used. */
function simulate(s: Scenario, random: () => number) {
  const z = normal(random)
  const p = plan('paired', DEFAULTS.ab)
  const processes: ProcessPairs[] = []
  const measure = (n: number) => {
    for (let i = 0; i < n; i++) {
      const offset = s.logRatio + s.between * z()
      const cycles = Array.from({ length: DEFAULTS.ab.cycles }, () => offset + s.within * z() + (random() < s.spikes ? (random() < 0.5 ? 1 : -1) * Math.log(1.5) : 0))
      processes.push({ cycles, base_ns: 1e5, head_ns: 1e5 * Math.exp(offset), same_tier: true })
    }
  }
  const obs = (): AbObservations[] => [{ test: { file: 'a.test.ts', name: 't', project: '' }, design: 'paired', processes }]
  measure(p.first)
  for (;;) {
    const step = nextStep(obs(), p, { done: processes.length, elapsedSeconds: 0, secondsPerProcess: 1, budgetSeconds: 1e9 }, DEFAULTS.ab.thresholds, 0.95)
    if (step.kind !== 'run') break
    measure(step.processes)
  }
  const [v] = judgeAb(obs(), { thresholds: DEFAULTS.ab.thresholds, confidence: 0.95, looks: p.looks, base: 'b' })
  return { verdict: v!, processes: processes.length }
}

function rates(s: Scenario, trials: number, seed: number) {
  const random = mulberry32(seed)
  let regressions = 0
  let processes = 0
  const severities: Record<string, number> = {}
  for (let i = 0; i < trials; i++) {
    const { verdict, processes: n } = simulate(s, random)
    processes += n
    if (verdict.kind === 'regression') {
      regressions++
      severities[verdict.severity] = (severities[verdict.severity] ?? 0) + 1
    }
  }
  return { regressions: regressions / trials, processes: processes / trials, severities }
}

describe('A/B sequential procedure, simulated', () => {
  test.each([
    { between: 0.01, within: 0.02, spikes: 0.05 },
    { between: 0.03, within: 0.03, spikes: 0.1 },
    { between: 0.06, within: 0.05, spikes: 0.2 },
  ])('unchanged code with a spread of $between between processes: false regressions within alpha / 2', (noise) => {
    const r = rates({ logRatio: 0, ...noise }, 1500, 7)
    // One-sided share of alpha = 0.05, with room for the binomial spread of 1,500 trials.
    expect(r.regressions).toBeLessThanOrEqual(0.025 + 0.01)
  })

  test('a 1.3x slowdown is found every time, with the moderate severity, at a 3% spread', () => {
    const r = rates({ logRatio: Math.log(1.3), between: 0.03, within: 0.03, spikes: 0.1 }, 400, 11)
    expect(r.regressions).toBe(1)
    expect((r.severities.moderate ?? 0) / 400).toBeGreaterThan(0.95)
  })

  test('a 1.1x slowdown is found in nearly every run at a 3% spread', () => {
    const r = rates({ logRatio: Math.log(1.1), between: 0.03, within: 0.03, spikes: 0.1 }, 400, 13)
    expect(r.regressions).toBeGreaterThan(0.95)
  })

  test('unchanged code at a 1% spread is usually decided in the first pass', () => {
    const r = rates({ logRatio: 0, between: 0.01, within: 0.02, spikes: 0.05 }, 400, 17)
    expect(r.processes).toBeLessThan(plan('paired', DEFAULTS.ab).first + 1.5)
  })
})
