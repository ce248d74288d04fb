import { median } from 'simple-statistics'

/**
 * Smallest run-to-run noise assumed (standard deviation of log run values).
 * Below about 1% a shared machine cannot tell runs apart, and a baseline that
 * happens to be very quiet must not turn tiny changes into alarms.
 */
export const NOISE_FLOOR = 0.01

/** Median absolute deviation to standard deviation, for normal data. */
export const MAD_TO_SD = 1.4826

/** Robust standard deviation of some log values around `center`: MAD_TO_SD times their median absolute deviation. */
export function robustSd(logs: readonly number[], center: number): number {
  return MAD_TO_SD * median(logs.map((l) => Math.abs(l - center)))
}
