const BARS = '▁▂▃▄▅▆▇█'

/**
 * A one-line chart of `values` (oldest first); '' when empty. The bars span at least
 * `minSpan` (a share of the values' middle, 20% by default) so that a few percent of
 * run-to-run noise stays a few percent of the height instead of filling it: an
 * unchanged series sits in the middle bars, and only a real step reaches the top or
 * the bottom.
 */
export function sparkline(values: readonly number[], minSpan = 0.2): string {
  if (values.length === 0) return ''
  const min = Math.min(...values)
  const max = Math.max(...values)
  const mid = (min + max) / 2
  const span = Math.max(max - min, Math.abs(mid) * minSpan)
  if (!(span > 0) || !Number.isFinite(span)) return BARS[3]!.repeat(values.length)
  const lo = mid - span / 2
  return values.map((v) => BARS[Math.max(0, Math.min(BARS.length - 1, Math.ceil(((v - lo) / span) * BARS.length) - 1))]!).join('')
}
