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

describe('nextStep', () => {
  const proc = (logRatio: number): ProcessPairs => ({ cycles: [logRatio, logRatio, logRatio], base_ns: 1, head_ns: Math.exp(logRatio), same_tier: true })
  const test_ = (name: string, values: number[]): AbObservations => ({ test: { file: 'a', name, project: '' }, design: 'paired', processes: values.map(proc) })
  const state = { done: 3, elapsedSeconds: 10, secondsPerProcess: 5, budgetSeconds: 300 }
  const p = plan('paired', DEFAULTS.ab)

  test('a test significant on its own but not after the adjustment across tests stays open', () => {
    // 11% faster in 3 processes, spread 0.7%: p about 0.003 alone, 0.06 once adjusted over 20 tests.
    const lone = test_('lone', [-0.11, -0.118, -0.104])
    const others = Array.from({ length: 19 }, (_, i) => test_(`same ${i}`, [0.001, -0.002, 0.0005]))
    const alone = nextStep([lone], p, state, DEFAULTS.ab.thresholds, 0.95)
    expect(alone.kind).toBe('done')
    const step = nextStep([lone, ...others], p, state, DEFAULTS.ab.thresholds, 0.95)
    expect(step).toEqual({ kind: 'run', processes: 3, keys: new Set([JSON.stringify(['', 'a', 'lone', null])]), hopeless: [] })
  })

  test('stops at the maximum and at the budget, saying why', () => {
    const open = [test_('wide', [0.1, -0.05, 0.02])]
    expect(nextStep(open, p, { ...state, done: 12 }, DEFAULTS.ab.thresholds, 0.95)).toEqual({ kind: 'stop', reason: '1 test still undecided after 12 processes (ab.maxRounds)', hopeless: [] })
    expect(nextStep(open, p, { ...state, elapsedSeconds: 298 }, DEFAULTS.ab.thresholds, 0.95)).toEqual({ kind: 'stop', reason: '1 test still undecided when the 300 s budget ran out (ab.budget)', hopeless: [] })
    expect(nextStep(open, p, { ...state, done: 11 }, DEFAULTS.ab.thresholds, 0.95)).toMatchObject({ kind: 'run', processes: 1 })
  })

  test('a test whose processes disagree by 40% is given up at once (it could not tell even a moderate change in 12)', () => {
    const wild = test_('wild', [0.5, -0.3, 0.1])
    const calm = test_('calm', [0.1, -0.05, 0.02])
    const step = nextStep([wild, calm], p, state, DEFAULTS.ab.thresholds, 0.95)
    expect(step).toEqual({ kind: 'run', processes: 3, keys: new Set([JSON.stringify(['', 'a', 'calm', null])]), hopeless: [JSON.stringify(['', 'a', 'wild', null])] })
    expect(nextStep([wild], p, state, DEFAULTS.ab.thresholds, 0.95)).toEqual({ kind: 'done', hopeless: [JSON.stringify(['', 'a', 'wild', null])] })
  })
})
