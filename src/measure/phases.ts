import { BatchSamples, quantileOfSorted } from './samples.js'

/**
 * The warm-up and the timed phase of `measure()`: calls of the benchmarked function
 * in batches, timed by the clock only around a whole batch. A call shorter than
 * {@link BATCH_TARGET_MS} runs in batches of that length at least, so that reading
 * the clock (tens of nanoseconds) neither dwarfs the function nor fills memory with
 * one sample per call; a longer call is its own batch and its own sample.
 */

/** Least wall time of one batch, in ms: the two clock readings around it cost well under 1% of it. */
export const BATCH_TARGET_MS = 0.02
/** Warm-up batches whose median per-call time sets the timed phase's batch. */
const RECENT_BATCHES = 31
/** Most calls in one batch (a function this fast is an empty one). */
export const MAX_BATCH = 1 << 20

/** Calls per batch for a function whose fastest call took `perCallMs`: enough to last {@link BATCH_TARGET_MS}; 1 when unknown. */
export function batchSizeFor(perCallMs: number): number {
  if (!(perCallMs > 0)) return 1
  // Less a hair, so that a quotient like 40.000000000000004 stays 40.
  return Math.min(MAX_BATCH, Math.max(1, Math.ceil(BATCH_TARGET_MS / perCallMs - 1e-9)))
}

/** Runs a batch: `calls` calls of the benchmarked function, one after the other (awaited when it is async). */
export type BatchRunner = (calls: number) => void | Promise<void>

/** Where a batch puts what each call returned, so that the compiler cannot drop the call's work. */
interface Sink {
  value: unknown
  /** An async batch stops after the call during which this was aborted. */
  signal: AbortSignal | undefined
}
type Loop = (fn: () => unknown, calls: number, sink: Sink) => void | Promise<void>

const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => Loop
let compiled = 0

/**
 * A loop of its own for each measurement. One shared loop would call every benchmarked
 * function of the process from one call site, which V8 then calls through its slowest
 * path (megamorphic): a few nanoseconds per call that depend on which functions were
 * benchmarked before in the same process. A loop compiled from its own source (the
 * counter keeps V8 from sharing the code) calls one function only, as a hot loop in the
 * user's code would. Each result is stored where the loop cannot prove it unused.
 * Where code generation from strings is disallowed, one shared loop is used instead.
 */
function compileLoop(async: boolean): Loop {
  const body = async
    ? `// perf-regression batch ${++compiled}\nfor (let i = 0; i < calls; i++) { sink.value = await fn(); if (sink.signal?.aborted) return }`
    : `// perf-regression batch ${++compiled}\nfor (let i = 0; i < calls; i++) sink.value = fn()`
  try {
    return async ? new AsyncFunction('fn', 'calls', 'sink', body) : (new Function('fn', 'calls', 'sink', body) as Loop)
  } catch (error) {
    // Node's --disallow-code-generation-from-strings: the shared loops below still measure.
    if (error instanceof EvalError) return async ? sharedAsyncLoop : sharedLoop
    throw error
  }
}

const sharedLoop: Loop = (fn, calls, sink) => {
  for (let i = 0; i < calls; i++) sink.value = fn()
}
const sharedAsyncLoop: Loop = async (fn, calls, sink) => {
  for (let i = 0; i < calls; i++) {
    sink.value = await fn()
    if (sink.signal?.aborted) return
  }
}

/**
 * The batch runner of one measurement of `fn`; `async` when its calls must be awaited.
 * An async batch ends early once `signal` is aborted (a synchronous one cannot be interrupted).
 */
export function batchRunner(fn: () => unknown, async: boolean, signal?: AbortSignal): BatchRunner {
  const loop = compileLoop(async)
  const sink: Sink = { value: undefined, signal }
  return (calls) => loop(fn, calls, sink)
}

export interface WarmupPlan {
  /** Calls at least (as far as `until` allows). */
  iterations: number
  /** Milliseconds at least (as far as `until` allows). */
  time: number
  /** The warm-up ends here whatever it reached (the probes' clock). */
  until: number
  /** Wall time of the first call, in ms: the first guess of the batch size. */
  firstCallMs: number
}

export interface Warmup {
  /** Calls made. */
  calls: number
  /** Wall time of the warm-up, in ms. */
  ms: number
  /** Calls per batch for the timed phase: enough for the median call of the latest warm-up batches to fill {@link BATCH_TARGET_MS}. */
  batch: number
  /** True when `until` ended the warm-up before its minimum calls. */
  cut: boolean
}

/**
 * Calls the function until both the minimum calls and the minimum time are reached (or
 * `until` comes), in batches that grow until one lasts {@link BATCH_TARGET_MS}: within the
 * warm-up the batch follows the fastest per-call time seen (it only grows, and doubles while
 * the clock cannot see a batch at all), so that it gets past the clock's own cost in a few
 * steps. Without a warm-up, the first call alone sets the batch.
 * `check` runs after each batch and throws to stop (an aborted test).
 */
export async function warmUp(run: BatchRunner, plan: WarmupPlan, now: () => number, check: () => void): Promise<Warmup> {
  let fastest = plan.firstCallMs > 0 ? plan.firstCallMs : Infinity
  let batch = batchSizeFor(fastest)
  let calls = 0
  // Per-call times of the latest batches the clock could see, in a ring.
  const recent = new Float64Array(RECENT_BATCHES)
  let seen = 0
  let cut = false
  const start = now()
  let t = start
  while (calls < plan.iterations || t - start < plan.time) {
    if (t >= plan.until) {
      cut = calls < plan.iterations
      break
    }
    const before = now()
    const pending = run(batch)
    if (pending) await pending
    t = now()
    calls += batch
    const batchMs = t - before
    if (batchMs > 0) {
      fastest = Math.min(fastest, batchMs / batch)
      recent[seen++ % RECENT_BATCHES] = batchMs / batch
    }
    batch = batchMs > 0 ? Math.max(batch, batchSizeFor(fastest)) : Math.min(MAX_BATCH, batch * 2)
    check()
  }
  // The timed phase's batch follows the typical call of the latest batches, not the fastest:
  // a call usually longer than the target stays a batch of one however fast one call once
  // was, and a batch the thread spent waiting for a core does not shrink it either.
  const typical = seen > 0 ? quantileOfSorted(recent.slice(0, Math.min(seen, RECENT_BATCHES)).sort(), 0.5) : 0
  return { calls, ms: now() - start, batch: seen > 0 ? batchSizeFor(typical) : batch, cut }
}

export interface TimedPlan {
  /** Calls per batch (from the warm-up). */
  batch: number
  /** Calls at least, unless `deadline` comes first. */
  iterations: number
  /** Milliseconds at least, unless `deadline` comes first. */
  time: number
  /** The phase stops after the first batch that ends past this (the probes' clock); at least one batch runs. */
  deadline: number
  /** Samples kept before pairs are merged (see {@link BatchSamples}). */
  capacity?: number | undefined
}

/**
 * The timed phase: batches until the minimum calls and time are both reached, or the
 * deadline passes; at least one batch. Each batch is timed on its own, by two clock
 * readings around its calls and nothing else. `check` runs after each batch and throws to stop.
 * `start` is when the phase began, read just before this is called.
 */
export async function timedPhase(run: BatchRunner, plan: TimedPlan, start: number, now: () => number, check: () => void): Promise<BatchSamples> {
  const samples = new BatchSamples(plan.batch, plan.capacity)
  for (;;) {
    const before = now()
    const pending = run(samples.batch)
    if (pending) await pending
    const after = now()
    samples.add(after - before)
    check()
    if (after > plan.deadline || (samples.calls >= plan.iterations && after - start >= plan.time)) return samples
  }
}
