/**
 * Benjamini–Hochberg adjusted p-values (q-values): rejecting every hypothesis
 * with q <= alpha controls the false discovery rate at alpha across the family.
 * Returned in the order of the input.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p)
  const q = new Array<number>(m)
  let running = 1
  for (let rank = m; rank >= 1; rank--) {
    const { p, i } = order[rank - 1]!
    running = Math.min(running, (p * m) / rank)
    q[i] = running
  }
  return q
}
