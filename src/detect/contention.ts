import { median } from 'simple-statistics'
import type { PerfSample } from '../types.js'
import { formatPercent } from '../util/format.js'

/**
 * Busy machines. A CPU-bound function on an idle core gets nearly all of it;
 * when other processes crowd the machine, the measuring thread gets a fraction
 * and the wall time grows with no change in the code. The share of a core each
 * timed phase got (`sample.core.timed.cpu`) tells the two apart: a run that got
 * clearly less than its baseline runs did is not called a regression.
 */

/** At most this fraction of the baseline runs' share reads as contended... */
export const CONTENDED_RATIO = 0.8
/** ...and at least this much less in absolute terms (a share of a core). */
export const CONTENDED_GAP = 0.1

export interface Contention {
  /** Share of a core the current run's timed phase got. */
  current: number
  /** Median share of the baseline runs' timed phases. */
  baseline: number
}

const shareOf = (s: PerfSample): number | undefined => s.core?.timed.cpu

/**
 * The current run's share against its baseline runs', when it got clearly less
 * (both conditions above); undefined when it did not, or when the shares are
 * not known (older records, fewer than 3 baseline runs with a share). A run
 * judged on the median of a group's runs (`--repeat`, confirmation) is judged
 * on the median share of those runs (`groupShares`: the group's other runs):
 * the value and the share it is read with come from the same runs.
 */
export function contention(current: PerfSample, baseline: readonly PerfSample[], groupShares: readonly number[] = []): Contention | undefined {
  const own = shareOf(current)
  if (own === undefined) return undefined
  const now = groupShares.length > 0 ? median([own, ...groupShares]) : own
  const shares = baseline.map(shareOf).filter((s): s is number => s !== undefined)
  if (shares.length < 3) return undefined
  const usual = median(shares)
  return now <= CONTENDED_RATIO * usual && usual - now >= CONTENDED_GAP ? { current: now, baseline: usual } : undefined
}

/** "the test got 30% of a core; its baseline runs got 95%" */
export function contentionReason(c: Contention): string {
  return `the test got ${formatPercent(c.current)} of a core; its baseline runs got ${formatPercent(c.baseline)}`
}
