// The workloads of the detector benchmark (bench/detector/record.mjs).
//
// Each workload is `passes` repetitions of one pass over its data. A factor f
// (env FACTOR, default 1) makes it do f times the work for real: floor(passes·f)
// full passes plus one partial pass over the first fraction of the data. This
// injects a real slowdown (same code, more work), not a scaled number; the
// replay measures the ratio that was actually realised.
import { createHash } from 'node:crypto'
import { rng } from '../lib.mjs'

/** Base passes per benchmarked call: fine enough that 1.1× is 4 passes + a 0.4 pass. */
export const PASSES = 4


const part = (n, frac) => Math.max(1, Math.round(n * frac))

/**
 * name → kind, sizes (s ≈ 20–40 µs, l ≈ 0.5–1.5 ms per call on the recording machine, so that
 * the 100 ms timed phase keeps ≥ 64 iterations and raw_wall_ns has 64 samples),
 * make(size) → pass(frac) returning a number (consumed, so nothing is optimised away).
 */
export const WORKLOADS = {
  arith: {
    kind: 'pure arithmetic loop (LCG + xor-shift)',
    sizes: { s: 6_000, l: 50_000 },
    make(n) {
      return (frac) => {
        const m = part(n, frac)
        let x = 12345
        let acc = 0
        for (let i = 0; i < m; i++) {
          x = (Math.imul(x, 1103515245) + 12345) | 0
          acc = (acc + ((x >>> 7) ^ (x << 3))) | 0
        }
        return acc
      }
    },
  },
  typed: {
    kind: 'typed-array checksum (Float64Array)',
    sizes: { s: 5_000, l: 50_000 },
    make(n) {
      const random = rng(7)
      const a = new Float64Array(n)
      for (let i = 0; i < n; i++) a[i] = random()
      return (frac) => {
        const m = part(n, frac)
        let s = 0
        for (let i = 0; i < m; i++) s += a[i] * ((i & 7) + 1)
        return s
      }
    },
  },
  string: {
    kind: 'string building (concatenation, flattened)',
    sizes: { s: 80, l: 2_500 },
    make(n) {
      return (frac) => {
        const m = part(n, frac)
        let s = ''
        for (let i = 0; i < m; i++) s += `item-${i}:${(i * 7) % 13};`
        return s.indexOf('#') + s.charCodeAt(s.length >> 1)
      }
    },
  },
  alloc: {
    kind: 'object allocation (small objects and arrays, GC)',
    sizes: { s: 300, l: 7_000 },
    make(n) {
      return (frac) => {
        const m = part(n, frac)
        const out = new Array(m)
        for (let i = 0; i < m; i++) out[i] = { id: i, name: 'n', tags: [i, i + 1], nested: { v: i * 2 } }
        let s = 0
        for (let i = 0; i < m; i++) s += out[i].nested.v - out[i].tags[1]
        return s
      }
    },
  },
  json: {
    kind: 'JSON.parse(JSON.stringify(records))',
    sizes: { s: 3, l: 100 },
    make(n) {
      const random = rng(11)
      const records = Array.from({ length: n }, (_, i) => ({
        id: i,
        name: `user-${i}`,
        score: Math.round(random() * 1e6) / 100,
        active: random() < 0.5,
        tags: ['a', 'b', 'c'].slice(0, 1 + (i % 3)),
        address: { city: `city-${i % 17}`, zip: String(10000 + i) },
      }))
      return (frac) => {
        const m = part(n, frac)
        const doc = m === n ? records : records.slice(0, m)
        return JSON.parse(JSON.stringify(doc)).length
      }
    },
  },
  sort: {
    kind: 'array sort (copy + numeric comparator)',
    sizes: { s: 50, l: 800 },
    make(n) {
      const random = rng(13)
      const data = Array.from({ length: n }, () => random())
      return (frac) => {
        const m = part(n, frac)
        const copy = data.slice(0, m)
        copy.sort((a, b) => a - b)
        return copy[m >> 1]
      }
    },
  },
  map: {
    kind: 'Map-heavy (set, get, delete with string keys)',
    sizes: { s: 60, l: 1_200 },
    make(n) {
      const keys = Array.from({ length: n }, (_, i) => `key:${i}:${(i * 2654435761) >>> 20}`)
      return (frac) => {
        const m = part(n, frac)
        const map = new Map()
        for (let i = 0; i < m; i++) map.set(keys[i], i)
        let s = 0
        for (let i = 0; i < m; i++) s += map.get(keys[(i * 7) % m]) ?? 0
        for (let i = 0; i < m; i += 2) map.delete(keys[i])
        return s + map.size
      }
    },
  },
  hash: {
    kind: 'native crypto hash (sha256 of a buffer)',
    sizes: { s: 4_096, l: 262_144 },
    make(n) {
      const random = rng(17)
      const buf = Buffer.alloc(n)
      for (let i = 0; i < n; i++) buf[i] = (random() * 256) | 0
      return (frac) => createHash('sha256').update(buf.subarray(0, part(n, frac))).digest()[0]
    },
  },
}

/** The benchmarked function of a workload at a size, doing `factor` times the base work. */
export function makeBench(name, size, factor = 1) {
  const w = WORKLOADS[name]
  const pass = w.make(w.sizes[size])
  const total = PASSES * factor
  const full = Math.floor(total + 1e-9)
  const rest = total - full
  return () => {
    let acc = 0
    for (let k = 0; k < full; k++) acc += Number(pass(1)) || 0
    if (rest > 1e-6) acc += Number(pass(rest)) || 0
    return acc
  }
}

/** Every (workload, size) pair, in the fixed order each recording process measures them. */
export function benchList() {
  const out = []
  for (const [name, w] of Object.entries(WORKLOADS)) for (const size of Object.keys(w.sizes)) out.push({ name, size, id: `${name}-${size}` })
  return out
}
