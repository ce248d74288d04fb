/**
 * When calls start, as pure functions of time: the arrivals of the open model at a rate that
 * ramps linearly and then holds, and the start times of the closed model's workers during a
 * ramp-up. Times are in milliseconds; rates in calls per second.
 */

/**
 * The arrival times of the open model. The rate runs in segments: each rises (or falls)
 * linearly from where the last one left it to a new rate over its ramp, then holds. A new
 * segment can start at any time (a measured phase ends when it has seen enough calls), and
 * the fraction of a call accrued so far carries over, so arrivals stay evenly spaced.
 */
export class Arrivals {
  private t0: number
  /** Calls per millisecond at the segment's start, at its end, and the ramp between them. */
  private from = 0
  private to = 0
  private ramp = 0
  /** Calls accrued before the segment started, towards the next arrival (0 to 1). */
  private carried = 0
  /** Arrivals taken in this segment. */
  private taken = 0
  private due: number
  private first = true

  constructor(start: number) {
    this.t0 = start
    this.due = Infinity
  }

  /** Calls accrued in the segment `tau` ms after its start. */
  private accrued(tau: number): number {
    if (tau <= 0) return 0
    if (tau < this.ramp) return this.from * tau + ((this.to - this.from) * tau * tau) / (2 * this.ramp)
    const ramped = this.ramp > 0 ? (this.ramp * (this.from + this.to)) / 2 : 0
    return ramped + this.to * (tau - this.ramp)
  }

  /** The rate at `tau` ms into the segment, per millisecond. */
  private rateAt(tau: number): number {
    return tau < this.ramp ? this.from + ((this.to - this.from) * tau) / this.ramp : this.to
  }

  /** When the segment has accrued `count` calls, or Infinity at a rate of 0. */
  private timeOf(count: number): number {
    if (count <= 0) return this.t0
    const ramped = this.ramp > 0 ? (this.ramp * (this.from + this.to)) / 2 : 0
    if (this.ramp > 0 && count <= ramped) {
      // from·τ + a·τ² = count, with a = (to − from) / (2·ramp).
      const a = (this.to - this.from) / (2 * this.ramp)
      const tau = Math.abs(a) < 1e-15 ? count / this.from : (-this.from + Math.sqrt(Math.max(0, this.from * this.from + 4 * a * count))) / (2 * a)
      return this.t0 + tau
    }
    return this.to > 0 ? this.t0 + this.ramp + (count - ramped) / this.to : Infinity
  }

  /**
   * Starts a segment at `at`: from the rate reached by then, linearly to `perSecond` over
   * `rampMs`, then holding it. `at` must not be before the time of an arrival not yet taken.
   */
  segment(at: number, perSecond: number, rampMs: number): void {
    const tau = at - this.t0
    const progress = this.carried + this.accrued(tau) - this.taken
    this.from = this.rateAt(tau)
    // A constant rate from the start has its first arrival at once; a ramp from 0 has none yet.
    this.carried = this.first && rampMs <= 0 ? 1 : Math.min(1, Math.max(0, progress))
    this.first = false
    this.t0 = at
    this.to = perSecond / 1000
    this.ramp = Math.max(0, rampMs)
    this.taken = 0
    this.due = this.timeOf(1 - this.carried)
  }

  /** The scheduled time of the next arrival (Infinity when the rate is 0). */
  peek(): number {
    return this.due
  }

  /** Takes the next arrival and returns its scheduled time. */
  take(): number {
    const at = this.due
    this.taken++
    this.due = this.timeOf(this.taken + 1 - this.carried)
    return at
  }
}

/**
 * When each new worker of the closed model starts during a ramp from `from` workers to `to`:
 * linearly over `rampMs` after `start`, the first new one at once. Fewer workers than before
 * (or no ramp) start at `start`.
 */
export function workerStarts(start: number, from: number, to: number, rampMs: number): number[] {
  const added = to - from
  if (added <= 0) return []
  return Array.from({ length: added }, (_, i) => start + (rampMs > 0 ? (rampMs * i) / added : 0))
}
