/**
 * Which test-name globs can match the same name. Globs are those of the `tests`
 * option, matched as `detect/bands.ts` matches them: `*` any run of characters,
 * `?` exactly one character, anything else itself, characters being code points.
 *
 * The answer is exact, not a guess from prefixes: both globs are small automata
 * (a `*` is a state that loops on any character), and a name matches both if and
 * only if their product reaches the end of both, which a search over the pairs of
 * positions finds (at most (|a| + 1) × (|b| + 1) states).
 */

/** What one glob position accepts next: any character, or one in particular. */
type Step = { to: number; char: string | undefined }

/** Moves from position `i` of `glob` that read one character. */
function steps(glob: readonly string[], i: number): Step[] {
  const c = glob[i]
  if (c === undefined) return []
  if (c === '*') return [{ to: i, char: undefined }]
  if (c === '?') return [{ to: i + 1, char: undefined }]
  return [{ to: i + 1, char: c }]
}

/** Character written into an example name where both globs take any character. */
const ANY = 'x'

/**
 * A test name that both globs match (an example, for messages), or undefined when
 * no name matches both.
 * @example commonName('c*', 'ch*') // 'ch'
 */
export function commonName(a: string, b: string): string | undefined {
  const p = [...a]
  const q = [...b]
  const width = q.length + 1
  const key = (i: number, j: number) => i * width + j
  const seen = new Map<number, { from: number | undefined; char: string }>()
  const queue: [number, number][] = [[0, 0]]
  seen.set(key(0, 0), { from: undefined, char: '' })
  const visit = (i: number, j: number, from: number, char: string) => {
    if (seen.has(key(i, j))) return
    seen.set(key(i, j), { from, char })
    queue.push([i, j])
  }
  while (queue.length > 0) {
    const [i, j] = queue.shift()!
    const here = key(i, j)
    if (i === p.length && j === q.length) return spell(seen, here)
    // Past a `*` that matched nothing more.
    if (p[i] === '*') visit(i + 1, j, here, '')
    if (q[j] === '*') visit(i, j + 1, here, '')
    for (const s of steps(p, i)) {
      for (const t of steps(q, j)) {
        if (s.char !== undefined && t.char !== undefined && s.char !== t.char) continue
        visit(s.to, t.to, here, s.char ?? t.char ?? ANY)
      }
    }
  }
  return undefined
}

function spell(seen: ReadonlyMap<number, { from: number | undefined; char: string }>, end: number): string {
  const chars: string[] = []
  for (let at: number | undefined = end; at !== undefined; ) {
    const step: { from: number | undefined; char: string } = seen.get(at)!
    chars.push(step.char)
    at = step.from
  }
  return chars.reverse().join('')
}
