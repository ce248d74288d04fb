const BARS = '▁▂▃▄▅▆▇█'

/** A one-line chart of `values` (oldest first), scaled between their min and max; '' when empty. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return ''
  const min = Math.min(...values)
  const max = Math.max(...values)
  const span = max - min
  return values
    .map((v) => (span === 0 ? BARS[3]! : BARS[Math.min(BARS.length - 1, Math.floor(((v - min) / span) * BARS.length))]!))
    .join('')
}
