/**
 * The code under test: a checksum and a moving average, both plain CPU work.
 * SLOWDOWN=2 in the environment makes each do its work twice, to show what a
 * regression looks like.
 */
const repeat = Math.max(1, Math.round(Number(process.env.SLOWDOWN ?? 1)))

/** FNV-1a hash of a byte array. */
export function checksum(bytes) {
  let hash = 0
  for (let r = 0; r < repeat; r++) {
    hash = 0x811c9dc5
    for (let i = 0; i < bytes.length; i++) {
      hash ^= bytes[i]
      hash = Math.imul(hash, 0x01000193) >>> 0
    }
  }
  return hash
}

/** Moving average of `values` over `window` points, written into `out`. */
export function movingAverage(values, window, out = new Float64Array(values.length)) {
  for (let r = 0; r < repeat; r++) {
    let sum = 0
    for (let i = 0; i < values.length; i++) {
      sum += values[i]
      if (i >= window) sum -= values[i - window]
      out[i] = sum / Math.min(i + 1, window)
    }
  }
  return out
}
