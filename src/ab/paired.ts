/**
 * Paired rounds: the base's and the head's version of one benchmark, measured side by
 * side in one process, in alternating rounds (ABBA, then BAAB, ...), so that whatever
 * the machine does during a round falls on both sides alike.
 *
 * No runner and no file system here; the clock and the optimizer are injected.
 */

/** One side of a pair: the function and whether it returns a promise. */
export interface PairSide {
  fn: () => unknown
  async: boolean
}

/** How paired rounds run. */
export interface PairedOptions {
  /** Warm-up of each side before the rounds, in milliseconds. */
  warmupTime: number
  /** Target length of one round of one side, in milliseconds. */
  roundTime: number
  /** ABBA cycles (four rounds each). */
  cycles: number
}

export interface PairedDeps {
  /** Milliseconds, monotonic. */
  now: () => number
  /**
   * Brings a function to the optimizing tier (V8's `%OptimizeFunctionOnNextCall` after
   * warm-up), so that the two copies of the code are compared in the same tier.
   */
  optimize?: (fn: () => unknown, async: boolean) => Promise<void>
  /** V8's optimization status bits of a function (`%GetOptimizationStatus`). */
  status?: (fn: () => unknown) => number
}

/** What one paired measurement found: the evidence the A/B judge pools across processes. */
export interface PairedEvidence {
  /** ln(head / base) of each ABBA cycle: the sum of the head's two rounds over the base's two. */
  cycles: number[]
  /** Median time per call over the base's rounds, in nanoseconds. */
  base_ns: number
  /** Median time per call over the head's rounds, in nanoseconds. */
  head_ns: number
  /** Calls per round (the same on both sides). */
  calls: number
  /** Time per call of each of the base's rounds, in nanoseconds, in the order they ran. */
  base_rounds_ns: number[]
  /** Time per call of each of the head's rounds, in nanoseconds. */
  head_rounds_ns: number[]
  /** V8's optimization status bits of both functions after the rounds, when they can be read. */
  tiers?: { base: number; head: number }
  /** Cycles left out because the two functions were in different tiers at their end (with `deps.status`). */
  mismatched_cycles?: number
}

/** V8's tiers, from its optimization status bits (`%GetOptimizationStatus`). */
export type Tier = 'turbofan' | 'maglev' | 'sparkplug' | 'ignition'

/** The tier a function's status bits name: bit 6 TurboFan, bit 5 Maglev, bit 15 Sparkplug (baseline), else the interpreter. */
export function tierOf(status: number): Tier {
  if (status & (1 << 6)) return 'turbofan'
  if (status & (1 << 5)) return 'maglev'
  if (status & (1 << 15)) return 'sparkplug'
  return 'ignition'
}

/** Both sides ran in the same tier, or the tiers are unknown. */
export function sameTier(tiers: PairedEvidence['tiers']): boolean {
  return tiers === undefined || tierOf(tiers.base) === tierOf(tiers.head)
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** One loop per side, compiled apart, so that neither side's call site sees the other's function. */
function makeRunner(side: 'base' | 'head', async: boolean): (fn: () => unknown, calls: number) => unknown {
  // A distinct source per side keeps V8 from sharing the loop's code and feedback between them.
  return async
    ? (new Function('fn', 'calls', `/* ${side} */ return (async () => { let r; for (let i = 0; i < calls; i++) r = await fn(); return r })()`) as (
        fn: () => unknown,
        calls: number,
      ) => unknown)
    : (new Function('fn', 'calls', `/* ${side} */ let r; for (let i = 0; i < calls; i++) r = fn(); return r`) as (fn: () => unknown, calls: number) => unknown)
}

/**
 * Measures `base` and `head` in alternating rounds of the same number of calls. Both are
 * warmed up first (alternately), optimized when `deps.optimize` is given, then timed in
 * `cycles` ABBA/BAAB cycles; with `deps.status`, a cycle that ends with the two in different
 * V8 tiers is left out. Errors of either function propagate.
 */
export async function pairedRounds(base: PairSide, head: PairSide, options: PairedOptions, deps: PairedDeps): Promise<PairedEvidence> {
  const runners = { base: makeRunner('base', base.async), head: makeRunner('head', head.async) }
  const sides = { base, head }
  let sink: unknown
  const timeRound = async (which: 'base' | 'head', calls: number): Promise<number> => {
    const side = sides[which]
    const start = deps.now()
    const r = runners[which](side.fn, calls)
    sink = side.async ? await r : r
    return deps.now() - start
  }

  // Warm-up in alternating slices of about a tenth of the budget; also estimates the time per call.
  const spent = { base: 0, head: 0 }
  const calls = { base: 0, head: 0 }
  const slice = Math.max(options.warmupTime / 10, 0.5)
  let batch = { base: 1, head: 1 }
  while (spent.base < options.warmupTime || spent.head < options.warmupTime) {
    for (const which of ['base', 'head'] as const) {
      const t = await timeRound(which, batch[which])
      spent[which] += t
      calls[which] += batch[which]
      // Grow the batch towards one slice.
      if (t < slice / 2) batch = { ...batch, [which]: batch[which] * 2 }
    }
    if (calls.base > 1e8) break
  }
  if (deps.optimize) {
    await deps.optimize(base.fn, base.async)
    await deps.optimize(head.fn, head.async)
    // The optimized code runs a few calls before timing starts.
    await timeRound('base', batch.base)
    await timeRound('head', batch.head)
  }
  const perCall = Math.max(spent.base / calls.base, spent.head / calls.head, 1e-6)
  const roundCalls = Math.max(1, Math.round(options.roundTime / perCall))

  const cycles: number[] = []
  let mismatched = 0
  const baseRounds: number[] = []
  const headRounds: number[] = []
  for (let c = 0; c < options.cycles; c++) {
    const order: ('base' | 'head')[] = c % 2 === 0 ? ['base', 'head', 'head', 'base'] : ['head', 'base', 'base', 'head']
    const t = { base: 0, head: 0 }
    for (const which of order) {
      const ms = await timeRound(which, roundCalls)
      t[which] += ms
      ;(which === 'base' ? baseRounds : headRounds).push(ms)
    }
    // A cycle where one side had left the other's tier (a deopt, Maglev against TurboFan) compares two different compilers.
    if (deps.status && tierOf(deps.status(base.fn)) !== tierOf(deps.status(head.fn))) {
      mismatched++
      continue
    }
    // A round too short for the clock says nothing; the timer's resolution is far below a round.
    if (t.base > 0 && t.head > 0) cycles.push(Math.log(t.head / t.base))
  }
  void sink
  const evidence: PairedEvidence = {
    cycles,
    base_ns: (median(baseRounds) / roundCalls) * 1e6,
    head_ns: (median(headRounds) / roundCalls) * 1e6,
    calls: roundCalls,
    base_rounds_ns: baseRounds.map((ms) => (ms / roundCalls) * 1e6),
    head_rounds_ns: headRounds.map((ms) => (ms / roundCalls) * 1e6),
  }
  if (deps.status) {
    evidence.tiers = { base: deps.status(base.fn), head: deps.status(head.fn) }
    evidence.mismatched_cycles = mismatched
  }
  return evidence
}
