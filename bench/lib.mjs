// Small helpers shared by the benchmark scripts: statistics and table printing.
import { writeFileSync } from 'node:fs'

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Seeded PRNG (mulberry32): the same seed gives the same sequence, in [0, 1). */
export function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Ratio of medians median(a) / median(b), with a 95% percentile-bootstrap interval.
 * a[i] and b[i] come from the same round, so rounds are resampled as pairs.
 */
export function ratioOfMedians(a, b, { resamples = 2000, seed = 1 } = {}) {
  const ratio = median(a) / median(b)
  const random = rng(seed)
  const n = a.length
  const ratios = []
  for (let r = 0; r < resamples; r++) {
    const ra = new Array(n)
    const rb = new Array(n)
    for (let i = 0; i < n; i++) {
      const k = Math.floor(random() * n)
      ra[i] = a[k]
      rb[i] = b[k]
    }
    ratios.push(median(ra) / median(rb))
  }
  ratios.sort((x, y) => x - y)
  return { ratio, low: ratios[Math.floor(0.025 * resamples)], high: ratios[Math.ceil(0.975 * resamples) - 1] }
}

/** Median with min and max, for a column of per-round figures. */
export function spread(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) }
}

export const fmt = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : String(v))
export const fmtSpread = (s, digits = 1) => `${fmt(s.median, digits)} [${fmt(s.min, digits)}–${fmt(s.max, digits)}]`
export const fmtRatio = (r) => `${fmt(r.ratio, 3)} (95% CI ${fmt(r.low, 3)}–${fmt(r.high, 3)})`

/** Prints rows (arrays of strings) as a table with aligned columns; the first row is the header. */
export function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length)))
  const line = (r) => r.map((cell, c) => String(cell ?? '').padEnd(widths[c])).join('  ').trimEnd()
  console.log(line(rows[0]))
  console.log(widths.map((w) => '─'.repeat(w)).join('  '))
  for (const r of rows.slice(1)) console.log(line(r))
}

/** Writes the figures as JSON when the script was given `--json FILE` (used by bench/run.mjs). */
export function writeJson(file, data) {
  if (file) writeFileSync(file, JSON.stringify(data, null, 2))
}

export function machine() {
  return `node ${process.version}, ${process.platform}/${process.arch}`
}
