import { tCdf, tQuantile } from '../stats/tdist.js'
import type { PerfSample } from '../types.js'
import { round3 } from '../util/format.js'

/** Heap retained per call, as recorded on a sample with `metrics: ['leak']`. */
export type HeapGrowth = NonNullable<PerfSample['heap_growth']>

/** Batches of calls in the leak phase, each followed by a full GC and a heap reading. */
export const LEAK_BATCHES = 8

/** The readings the leak phase takes; `gc` must be a full, synchronous garbage collection. */
export interface LeakProbes {
  memoryUsage: () => { heapUsed: number }
  gc: () => void
}

export interface LeakPlan {
  /** Time budget of the calls (not counting the GCs), in ms: the timed phase's `time`. */
  budgetMs: number
  /** Wall time of one call, in ms, as the timed phase measured it. */
  callMs: number
  /** @default LEAK_BATCHES */
  batches?: number
}

/** Heap readings taken (and dropped) before the leak phase's first one. */
const PROBE_WARMUP_CALLS = 64
/**
 * Calls the warm-up batch makes at least, as far as the budget allows: V8 compiles the
 * loop that calls the function (with the function inlined: several KB of code) after a
 * few hundred iterations, and that one-time allocation belongs before the first reading.
 */
export const LEAK_WARMUP_CALLS = 2000
/**
 * Smallest standard deviation of the heap readings around the line, in bytes. Readings after
 * a full GC are exact to the byte, but V8 still allocates now and then for good (compiled
 * code, feedback vectors: up to a few KB at a time): one such step among otherwise identical
 * readings must not look like steady growth.
 */
export const HEAP_RESOLUTION_BYTES = 4096
/** Confidence of `interval`. */
const LEVEL = 0.95
/** Keeps `k` finite when the clock could not see a call at all (fake clocks, sub-resolution calls). */
const MIN_CALL_MS = 1e-6

/** Calls per batch: the batch's share of the budget (shared with the warm-up batch), at least one call. */
export function callsPerBatch(plan: LeakPlan): number {
  const batches = plan.batches ?? LEAK_BATCHES
  return Math.max(1, Math.floor(Math.max(0, plan.budgetMs) / (batches + 1) / Math.max(plan.callMs, MIN_CALL_MS)))
}

/** Calls of the warm-up batch: one batch, or up to `LEAK_WARMUP_CALLS` if the whole budget allows. */
export function warmupCalls(plan: LeakPlan): number {
  const affordable = Math.floor(Math.max(0, plan.budgetMs) / Math.max(plan.callMs, MIN_CALL_MS))
  return Math.max(callsPerBatch(plan), Math.min(LEAK_WARMUP_CALLS, affordable))
}

/**
 * Least-squares line of `heap` (bytes after a full GC) against `calls` (cumulative calls):
 * the slope in bytes per call, its two-sided 95% interval and the one-sided p-value of
 * "slope > 0", from Student's t with n - 2 degrees of freedom. The residual standard
 * deviation is taken as at least `minSd` bytes. Pure. Needs at least 3 points and two
 * distinct call counts.
 */
export function fitHeapGrowth(
  calls: ArrayLike<number>,
  heap: ArrayLike<number>,
  minSd = 0,
): Omit<HeapGrowth, 'iterations' | 'batches'> {
  const n = calls.length
  if (n < 3 || heap.length !== n) throw new RangeError(`fitHeapGrowth needs at least 3 paired points (got ${n} and ${heap.length})`)
  let meanX = 0
  let meanY = 0
  for (let i = 0; i < n; i++) {
    meanX += calls[i]! / n
    meanY += heap[i]! / n
  }
  let sxx = 0
  let sxy = 0
  for (let i = 0; i < n; i++) {
    const dx = calls[i]! - meanX
    sxx += dx * dx
    sxy += dx * (heap[i]! - meanY)
  }
  if (!(sxx > 0)) throw new RangeError('fitHeapGrowth needs at least two distinct call counts')
  const slope = sxy / sxx
  let ssr = 0
  for (let i = 0; i < n; i++) {
    const residual = heap[i]! - meanY - slope * (calls[i]! - meanX)
    ssr += residual * residual
  }
  const df = n - 2
  const se = Math.sqrt(Math.max(ssr / df, minSd * minSd) / sxx)
  if (!(se > 0)) {
    // Points exactly on a line: the slope is known without error.
    return { bytes_per_iteration: slope, interval: [slope, slope], p_value: slope > 0 ? 0 : slope < 0 ? 1 : 0.5 }
  }
  const half = tQuantile(1 - (1 - LEVEL) / 2, df) * se
  return { bytes_per_iteration: slope, interval: [slope - half, slope + half], p_value: 1 - tCdf(slope / se, df) }
}

/**
 * The leak phase: a warm-up batch (see `warmupCalls`), two full GCs and a reading of the heap
 * in use, then `batches` batches of `k` calls (see `callsPerBatch`), each followed by a full GC
 * and a reading; the growth is the slope of those readings against the cumulative calls (see
 * `fitHeapGrowth`). The warm-up batch keeps one-time allocations out of the line: compiled code
 * and feedback of this loop, first-use caches of `fn`. Async functions are awaited call by call.
 * An error thrown by `fn` propagates unchanged.
 */
export async function leakPhase(
  fn: () => unknown,
  async: boolean,
  plan: LeakPlan,
  probes: LeakProbes,
): Promise<HeapGrowth> {
  const batches = plan.batches ?? LEAK_BATCHES
  const k = callsPerBatch(plan)
  const { gc, memoryUsage } = probes
  // V8 gives a function its feedback vector, then baseline code, after some calls: let that
  // happen to the heap reading now rather than between two readings.
  for (let i = 0; i < PROBE_WARMUP_CALLS; i++) memoryUsage()
  // Allocated in full before the first reading, outside the JS heap: growing them, or
  // changing their element kind, would show as heap growth.
  const calls = new Float64Array(batches + 1)
  const heap = new Float64Array(batches + 1)
  for (let b = 0; b <= batches; b++) {
    const n = b === 0 ? warmupCalls(plan) : k
    if (async) for (let i = 0; i < n; i++) await fn()
    else for (let i = 0; i < n; i++) fn()
    // Twice before the first reading: what the first collection finalises (weak references, finalizers) the second frees.
    if (b === 0) gc()
    gc()
    calls[b] = b * k
    heap[b] = memoryUsage().heapUsed
  }
  const total = batches * k
  const fit = fitHeapGrowth(calls, heap, HEAP_RESOLUTION_BYTES)
  return {
    bytes_per_iteration: round3(fit.bytes_per_iteration),
    interval: [round3(fit.interval[0]), round3(fit.interval[1])],
    p_value: fit.p_value,
    iterations: total,
    batches,
  }
}
