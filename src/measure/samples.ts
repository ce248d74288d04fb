/**
 * The timed phase's samples: one per batch of calls, each the batch's wall time
 * divided by its calls. Memory and the cost of the summary stay bounded however
 * long the phase runs: when the buffer is full, neighbouring samples are merged
 * in pairs (the mean of two batches of k calls is exactly the per-call time of one
 * batch of 2k calls) and later batches are made twice as long. Pure: no clock, no I/O.
 */

/** Samples kept before neighbouring pairs are merged; even, so that every sample has a partner. */
export const SAMPLE_CAPACITY = 8192

export class BatchSamples {
  private readonly values: Float64Array
  private count = 0
  private callsSoFar = 0
  private totalMs = 0
  private size: number

  /**
   * @param batch Calls per batch at the start (a whole number of at least 1).
   * @param capacity Samples kept before pairs are merged (even, at least 2).
   */
  constructor(batch: number, capacity = SAMPLE_CAPACITY) {
    if (!Number.isSafeInteger(batch) || batch < 1) throw new RangeError(`BatchSamples: batch must be a whole number of at least 1 (got ${batch})`)
    if (!Number.isSafeInteger(capacity) || capacity < 2 || capacity % 2 !== 0) {
      throw new RangeError(`BatchSamples: capacity must be an even whole number of at least 2 (got ${capacity})`)
    }
    this.size = batch
    this.values = new Float64Array(capacity)
  }

  /** Calls the next batch must make: the starting size, doubled at every merge. */
  get batch(): number {
    return this.size
  }

  /** Timed calls so far, over all batches. */
  get calls(): number {
    return this.callsSoFar
  }

  /** Samples kept. */
  get length(): number {
    return this.count
  }

  /** Records a batch of {@link batch} calls that took `batchMs` in all. */
  add(batchMs: number): void {
    this.values[this.count++] = batchMs / this.size
    this.callsSoFar += this.size
    this.totalMs += batchMs
    if (this.count === this.values.length) {
      const half = this.count / 2
      for (let i = 0; i < half; i++) this.values[i] = (this.values[2 * i]! + this.values[2 * i + 1]!) / 2
      this.count = half
      this.size *= 2
    }
  }

  /** The per-call time of every kept sample, sorted, and the exact mean over all calls (ms). */
  summary(): BatchSummary {
    if (this.count === 0) throw new RangeError('BatchSamples: no batch was recorded')
    const sorted = this.values.slice(0, this.count).sort()
    return { sorted, meanMs: this.totalMs / this.callsSoFar, calls: this.callsSoFar }
  }
}

export interface BatchSummary {
  /** Per-call time of each sample (a batch's time over its calls), ascending, in ms. */
  sorted: Float64Array
  /** Total time over total calls: the exact mean per call, in ms. */
  meanMs: number
  /** Timed calls. */
  calls: number
}

/** Quantile `q` (0–1) of ascending values, interpolated linearly between the two nearest ranks (as tinybench and NumPy do). */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('quantileOfSorted() needs at least one value')
  const rank = (sorted.length - 1) * q
  const low = Math.floor(rank)
  const below = sorted[low]!
  if (low === rank || low + 1 >= sorted.length) return below
  return below + (rank - low) * (sorted[low + 1]! - below)
}

/** Sample standard deviation (n − 1) of the values; 0 for a single one. */
export function standardDeviation(values: ArrayLike<number>): number {
  const n = values.length
  if (n < 2) return 0
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i]!
  const mean = sum / n
  let squares = 0
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2
  return Math.sqrt(squares / (n - 1))
}
