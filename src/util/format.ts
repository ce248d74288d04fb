/** Formats a duration in nanoseconds with three significant digits: `812 ns`, `1.23 µs`, `45.6 ms`, `1.20 s`. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns)
  const abs = Math.abs(ns)
  const [value, unit] =
    abs >= 1e9 ? [ns / 1e9, 's'] : abs >= 1e6 ? [ns / 1e6, 'ms'] : abs >= 1e3 ? [ns / 1e3, 'µs'] : [ns, 'ns']
  return `${sig3(value)} ${unit}`
}

function sig3(v: number): string {
  const abs = Math.abs(v)
  if (abs >= 100) return v.toFixed(0)
  if (abs >= 10) return v.toFixed(1)
  return v.toFixed(2)
}

/** Formats a ratio: `1.23×`. */
export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`
}

/** Formats a ratio interval: `1.10–1.35×`. */
export function formatInterval([lo, hi]: readonly [number, number]): string {
  return `${lo.toFixed(2)}–${hi.toFixed(2)}×`
}

/** Formats a percentage change from a ratio: `+23%`, `-8%`. */
export function formatChange(ratio: number): string {
  const pct = (ratio - 1) * 100
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(Math.abs(pct) < 10 ? 1 : 0)}%`
}
