/**
 * Rank statistics with exact null distributions, for the small samples the
 * trend detector works with: the Mann–Whitney U test with the Hodges–Lehmann
 * shift and its (Moses) interval, and the Mann–Kendall trend test with the
 * Theil–Sen slope and its (Sen) interval.
 *
 * The null distributions assume no ties. Tied pairs count one half in U and
 * zero in S, and tail probabilities are taken at the conservative side of a
 * half-integer statistic. Distributions are memoised per sample size: the same
 * input always gives the same output.
 */


/** A one-sided rank test: the statistic and the probability of a value at least as extreme, either way. */
export interface RankTest {
  statistic: number
  /** P(statistic >= observed) under the null hypothesis. */
  pGreater: number
  /** P(statistic <= observed) under the null hypothesis. */
  pLess: number
}

/** Two-sided p-value of a rank test (twice the smaller tail, at most 1). */
export function twoSided(test: RankTest): number {
  return Math.min(1, 2 * Math.min(test.pGreater, test.pLess))
}

/** An estimate with its distribution-free interval. */
export interface Estimate {
  estimate: number
  interval: [number, number]
}

const uCache = new Map<string, Float64Array>()

/**
 * Null distribution of U (pairs with x > y) for samples of sizes k and m:
 * entry u is P(U = u). The largest of the k + m values comes from x with
 * probability k / (k + m) and then adds m to U.
 */
export function mannWhitneyDistribution(k: number, m: number): Float64Array {
  if (k > m) return mannWhitneyDistribution(m, k) // symmetric in the sizes
  const key = `${k},${m}`
  const cached = uCache.get(key)
  if (cached) return cached
  let out: Float64Array
  if (k === 0 || m === 0) out = Float64Array.of(1)
  else {
    const withX = mannWhitneyDistribution(k - 1, m)
    const withY = mannWhitneyDistribution(k, m - 1)
    out = new Float64Array(k * m + 1)
    for (let u = 0; u < withY.length; u++) out[u]! += (m / (k + m)) * withY[u]!
    for (let u = 0; u < withX.length; u++) out[u + m]! += (k / (k + m)) * withX[u]!
  }
  uCache.set(key, out)
  return out
}

const kendallCache: Float64Array[] = [Float64Array.of(1)]

/**
 * Null distribution of the number of discordant pairs among n values in random
 * order (the inversions of a random permutation): entry d is P(D = d).
 */
export function kendallDistribution(n: number): Float64Array {
  for (let size = kendallCache.length; size <= n; size++) {
    // The size-th value adds 0 .. size - 1 inversions, each with probability 1 / size.
    const prev = kendallCache[size - 1]!
    const next = new Float64Array(prev.length + size - 1)
    for (let d = 0; d < prev.length; d++) {
      const share = prev[d]! / size
      for (let j = 0; j < size; j++) next[d + j]! += share
    }
    kendallCache.push(next)
  }
  return kendallCache[Math.max(n, 0)]!
}

/** P(X <= x) for a distribution over 0, 1, 2, ... */
function cdf(dist: Float64Array, x: number): number {
  let p = 0
  for (let i = 0; i <= Math.min(x, dist.length - 1); i++) p += dist[i]!
  return Math.min(1, p)
}

/**
 * Largest c with P(X <= c) <= tail, or -1 when even P(X = 0) is larger.
 * The distributions here are symmetric, so the upper tail mirrors it.
 */
function lowerCritical(dist: Float64Array, tail: number): number {
  let p = 0
  let c = -1
  for (let i = 0; i < dist.length; i++) {
    p += dist[i]!
    if (p > tail * (1 + 1e-12)) break
    c = i
  }
  return c
}

/** Pairwise order statistics c + 1 and N - c (1-based) of sorted values: the rank-test interval. */
function orderInterval(sorted: ArrayLike<number>, c: number): [number, number] {
  if (c < 0) return [-Infinity, Infinity]
  return [sorted[c]!, sorted[sorted.length - 1 - c]!]
}

/** The median of values sorted in ascending order (the mean of the middle two for an even count). */
function sortedMedian(sorted: ArrayLike<number>): number {
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1) (got ${confidence})`)
}

/**
 * Mann–Whitney U test of x against y: U counts pairs with x > y (ties one half).
 * `pGreater` is small when x tends to be larger than y.
 */
export function mannWhitney(x: readonly number[], y: readonly number[]): RankTest {
  if (x.length === 0 || y.length === 0) throw new RangeError('mannWhitney needs two non-empty samples')
  let u = 0
  for (const a of x) for (const b of y) u += a > b ? 1 : a === b ? 0.5 : 0
  const dist = mannWhitneyDistribution(x.length, y.length)
  return { statistic: u, pGreater: 1 - cdf(dist, Math.floor(u) - 1), pLess: cdf(dist, Math.ceil(u)) }
}

/**
 * Hodges–Lehmann shift of x against y (the median of all differences x_i - y_j)
 * with the interval that inverts the two-sided Mann–Whitney test at `confidence`.
 * The interval is unbounded when the samples are too small to reach it.
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[], confidence: number): Estimate {
  checkConfidence(confidence)
  if (x.length === 0 || y.length === 0) throw new RangeError('hodgesLehmann needs two non-empty samples')
  const diffs = new Float64Array(x.length * y.length)
  let k = 0
  for (const a of x) for (const b of y) diffs[k++] = a - b
  // A typed array sorts numerically without a comparator, several times faster.
  diffs.sort()
  const c = lowerCritical(mannWhitneyDistribution(x.length, y.length), (1 - confidence) / 2)
  return { estimate: sortedMedian(diffs), interval: orderInterval(diffs, c) }
}

/**
 * Mann–Kendall trend test over values in time order: S = concordant minus
 * discordant pairs. `pGreater` is small for an upward trend.
 */
export function mannKendall(values: readonly number[]): RankTest {
  const n = values.length
  if (n < 2) throw new RangeError(`mannKendall needs at least 2 values (got ${n})`)
  let s = 0
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(values[j]! - values[i]!)
  const pairs = (n * (n - 1)) / 2
  const dist = kendallDistribution(n)
  // S = pairs - 2 D without ties; ties can leave D half-way, and then the larger tail counts.
  const d = (pairs - s) / 2
  return { statistic: s, pGreater: cdf(dist, Math.ceil(d)), pLess: 1 - cdf(dist, Math.floor(d) - 1) }
}

/**
 * Theil–Sen slope (the median of all pairwise slopes) of values against their
 * positions (by default 0, 1, 2, ...), with Sen's interval that inverts the
 * two-sided Mann–Kendall test at `confidence`.
 */
export function theilSen(values: readonly number[], confidence: number, positions?: readonly number[]): Estimate {
  checkConfidence(confidence)
  const n = values.length
  if (n < 2) throw new RangeError(`theilSen needs at least 2 values (got ${n})`)
  if (positions && positions.length !== n) throw new RangeError(`theilSen needs one position per value (got ${positions.length} for ${n})`)
  const at = (i: number) => (positions ? positions[i]! : i)
  const slopes = new Float64Array((n * (n - 1)) / 2)
  let k = 0
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (!(at(j) > at(i))) throw new RangeError('theilSen needs strictly increasing positions')
      slopes[k++] = (values[j]! - values[i]!) / (at(j) - at(i))
    }
  }
  slopes.sort()
  const c = lowerCritical(kendallDistribution(n), (1 - confidence) / 2)
  return { estimate: sortedMedian(slopes), interval: orderInterval(slopes, c) }
}
