/** Formats a duration in nanoseconds with three significant digits: `812 ns`, `1.23 µs`, `45.6 ms`, `1.20 s`. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns)
  const units = ['ns', 'µs', 'ms', 's'] as const
  let value = ns
  let u = 0
  // Round before choosing the unit, so that 999.96 µs prints as 1.00 ms, not 1000 µs.
  while (u < units.length - 1 && Math.abs(Number(value.toPrecision(3))) >= 1000) {
    value /= 1000
    u++
  }
  return `${sig3(value)} ${units[u]}`
}

/** Formats a byte count with three significant digits: `812 B`, `1.23 KiB`, `45.6 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes)
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const
  let value = bytes
  let u = 0
  while (u < units.length - 1 && Math.abs(Number(value.toPrecision(3))) >= 1024) {
    value /= 1024
    u++
  }
  const abs = Math.abs(Number(value.toPrecision(3)))
  return `${u === 0 ? Math.round(value) : value.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2)} ${units[u]}`
}

function sig3(v: number): string {
  const rounded = Number(v.toPrecision(3))
  const abs = Math.abs(rounded)
  return rounded.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2)
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

/** A fraction as a whole percentage: `0.95` → `95%`. */
export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`
}

/** A count and its noun: `1 test`, `3 tests`; `many` for nouns that do not take an s (`2 processes`). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}

/** Rounds to 3 decimals, the precision samples are stored with; never -0. */
export function round3(v: number): number {
  return Math.round(v * 1000) / 1000 + 0
}
