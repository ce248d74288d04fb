import type { ResolvedConfig, Thresholds } from '../config/options.js'
import { testKey } from '../detect/detect.js'
import { benjaminiHochberg } from '../stats/multiple.js'
import { tQuantile } from '../stats/tdist.js'
import { alphaPerLook, decided, estimate, PROCESS_FLOOR, type AbObservations } from './judge.js'
import type { AbDesign } from './settings.js'
import { plural } from '../util/format.js'

/** How many processes an A/B run measures, and when it looks at them. */
export interface Plan {
  design: AbDesign
  /** Processes (paired) or pairs of processes of the first pass. */
  first: number
  /** Most processes (or pairs) a test is measured in. */
  max: number
  /** Processes (or pairs) added per extension pass. */
  step: number
  /** Looks planned: after the first pass and after every extension. */
  looks: number
}

export function plan(design: AbDesign, config: ResolvedConfig['ab']): Plan {
  const first = config.processes ?? (design === 'paired' ? 3 : 6)
  const max = Math.max(first, config.maxRounds ?? (design === 'paired' ? 12 : 30))
  const step = design === 'paired' ? 3 : 4
  return { design, first, max, step, looks: 1 + Math.ceil((max - first) / step) }
}

export type Step =
  | { kind: 'done'; hopeless: string[] }
  | { kind: 'stop'; reason: string; hopeless: string[] }
  | { kind: 'run'; processes: number; keys: Set<string>; hopeless: string[] }

/**
 * Whether a test's processes disagree so much that even `p.max` of them could not tell a
 * `moderate` change: measuring it further is wasted. Giving up only ends sampling without a
 * regression, so it raises no false alarm.
 */
export function hopeless(e: { spread: number; df: number } | undefined, p: Plan, bands: Thresholds, alpha: number): boolean {
  if (!e || p.max < 2) return false
  const half = (tQuantile(1 - alpha / 2, p.max - 1) * Math.max(e.spread, PROCESS_FLOOR)) / Math.sqrt(p.max)
  return half > Math.log(bands.moderate)
}

/**
 * What to do after a look: stop when every test is decided, or when the plan's maximum or
 * the time budget is reached; else measure the undecided tests in the next pass. Pure.
 */
export function nextStep(
  observations: readonly AbObservations[],
  p: Plan,
  state: { done: number; elapsedSeconds: number; secondsPerProcess: number; budgetSeconds: number },
  bands: Thresholds,
  confidence: number,
): Step {
  const alpha = alphaPerLook(confidence, p.looks)
  const estimates = observations.map((o) => estimate(o, alpha))
  // Adjusted across the tests estimated so far, as the final verdicts are: a test is not let go on a p-value the verdict will not accept.
  const judged = estimates.flatMap((e, i) => (e ? [{ e, i }] : []))
  const q = new Map(benjaminiHochberg(judged.map((x) => x.e.p)).map((v, j) => [judged[j]!.i, v]))
  const undecided = observations.map((_, i) => i).filter((i) => !decided(estimates[i], bands, alpha, q.get(i)))
  const given = undecided.filter((i) => hopeless(estimates[i], p, bands, alpha)).map((i) => testKey(observations[i]!.test))
  const open = undecided.filter((i) => !given.includes(testKey(observations[i]!.test))).map((i) => observations[i]!)
  if (open.length === 0) return { kind: 'done', hopeless: given }
  const unit = p.design === 'paired' ? 'processes' : 'pairs'
  const tests = plural(open.length, 'test')
  if (state.done >= p.max) return { kind: 'stop', reason: `${tests} still undecided after ${state.done} ${unit} (ab.maxRounds)`, hopeless: given }
  if (state.elapsedSeconds + state.secondsPerProcess > state.budgetSeconds) {
    return { kind: 'stop', reason: `${tests} still undecided when the ${state.budgetSeconds} s budget ran out (ab.budget)`, hopeless: given }
  }
  return { kind: 'run', processes: Math.min(p.step, p.max - state.done), keys: new Set(open.map((o) => testKey(o.test))), hopeless: given }
}
