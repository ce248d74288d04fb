import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { AbCollector, checkPair, sampleFromRounds } from '../../src/ab/collect.js'
import type { PairedEvidence } from '../../src/ab/paired.js'
import type { AbOutput, AbSample } from '../../src/ab/settings.js'
import { testKey } from '../../src/detect/detect.js'
import { checkSample } from '../../src/store/record.js'
import { sample } from './helpers.js'

const HEAD = path.resolve('/work/ab/head')
const BASE = path.resolve('/tmp/perf-regression-ab-x/base')
const RUNNER: AbOutput['runner'] = { name: 'vitest', version: '4.1.12', pool: 'forks' }

function pair(logRatio: number, extra: Partial<PairedEvidence> = {}): PairedEvidence {
  return {
    cycles: [logRatio, logRatio, logRatio],
    base_ns: 1000,
    head_ns: 1000 * Math.exp(logRatio),
    calls: 50,
    base_rounds_ns: [1000, 1001, 999, 1000, 1000, 1002],
    head_rounds_ns: [1100, 1101, 1099, 1100, 1100, 1102],
    ...extra,
  }
}

type Entry = AbOutput['samples'][number]

/** A sample of `file` (relative to the tree) in the base or head tree. */
function entry(tree: 'base' | 'head', file: string, name: string, s: AbSample, extra: Partial<Entry> = {}): Entry {
  return { file, abs: path.join(tree === 'base' ? BASE : HEAD, file), name, project: '', sample: s, ...extra }
}

function output(samples: Entry[], root = HEAD, notes: string[] = []): AbOutput {
  return { runner: RUNNER, root, samples, notes }
}

const headKey = (file: string, name: string) => testKey({ file, name, project: '' })

/** One paired process: the base's copy registered first, the head's measured both. */
function pairedProcess(name: string, logRatio: number, extra: Partial<PairedEvidence> = {}): AbOutput {
  return output([
    entry('base', 'test/a.test.ts', name, { ...sample(1000), ab: { side: 'base' } }),
    entry('head', 'test/a.test.ts', name, { ...sample(1100), ab: { side: 'head', pair: pair(logRatio, extra) } }),
  ])
}

describe('AbCollector, paired design', () => {
  test('the base tree sample maps onto the head key', () => {
    const c = new AbCollector(HEAD, BASE)
    c.addPaired(pairedProcess('parse', 0.1))
    expect([...c.tests.keys()]).toEqual([headKey('test/a.test.ts', 'parse')])
    const acc = c.tests.get(headKey('test/a.test.ts', 'parse'))!
    expect(acc.inBase).toBe(true)
    expect(acc.inHead).toBe(true)
    expect(acc.test).toEqual({ file: 'test/a.test.ts', name: 'parse', project: '' })
    expect(acc.processes).toEqual([{ cycles: [0.1, 0.1, 0.1], base_ns: 1000, head_ns: 1000 * Math.exp(0.1), same_tier: true }])
    expect(acc.lastPair?.calls).toBe(50)
    expect(c.runner).toEqual(RUNNER)
    expect(c.notes).toEqual([])
  })

  test('paired evidence accumulates per process; tiers decide same_tier', () => {
    const c = new AbCollector(HEAD, BASE)
    c.addPaired(pairedProcess('parse', 0.1))
    c.addPaired(pairedProcess('parse', 0.2, { tiers: { base: 0b1010001, head: 0b1000000000000001 } }))
    c.addPaired(pairedProcess('parse', 0.3, { tiers: { base: 0b1010001, head: 0b1011001 } }))
    const acc = c.tests.get(headKey('test/a.test.ts', 'parse'))!
    expect(acc.processes.map((p) => [p.cycles[0], p.same_tier])).toEqual([
      [0.1, true],
      [0.2, false],
      [0.3, true],
    ])
    expect(acc.lastPair?.cycles[0]).toBe(0.3)
    const obs = c.observations('paired')
    expect(obs).toHaveLength(1)
    expect(obs[0]).toEqual({ test: acc.test, design: 'paired', processes: acc.processes })
  })

  test('the line comes from the head only, whichever side comes first', () => {
    const c = new AbCollector(HEAD, BASE)
    c.addPaired(
      output([
        entry('head', 'test/a.test.ts', 't', { ...sample(1000), ab: { side: 'head' } }, { line: 12 }),
        entry('base', 'test/a.test.ts', 't', { ...sample(1000), ab: { side: 'base', pair: pair(0) } }, { line: 10 }),
      ]),
    )
    const acc = [...c.tests.values()]
    expect(acc).toHaveLength(1)
    expect(acc[0]!.test.line).toBe(12)
    expect(acc[0]!.processes).toHaveLength(1)
  })

  test('a base-only test carries no line and bench is kept', () => {
    const c = new AbCollector(HEAD, BASE)
    c.addPaired(output([entry('base', 'test/old.test.ts', 'gone', { ...sample(1000), ab: { side: 'base' } }, { line: 3, bench: 'fast' })]))
    const acc = [...c.tests.values()][0]!
    expect(acc.test).toEqual({ file: 'test/old.test.ts', name: 'gone', project: '', bench: 'fast' })
    expect(acc.inBase && !acc.inHead).toBe(true)
    expect(c.observations('paired')).toEqual([])
  })

  test('tests only in head (or only in base) are not observations', () => {
    const c = new AbCollector(HEAD, BASE)
    c.addPaired(pairedProcess('both', 0))
    c.addPaired(output([entry('head', 'test/new.test.ts', 'fresh', { ...sample(900), ab: { side: 'head' } })]))
    c.addPaired(output([entry('base', 'test/old.test.ts', 'gone', { ...sample(900), ab: { side: 'base' } })]))
    expect(c.tests.size).toBe(3)
    expect(c.observations('paired').map((o) => o.test.name)).toEqual(['both'])
    const fresh = c.tests.get(headKey('test/new.test.ts', 'fresh'))!
    expect([fresh.inBase, fresh.inHead]).toEqual([false, true])
  })

  test('invalid samples and invalid pairs become notes', () => {
    const c = new AbCollector(HEAD, BASE)
    const broken = { ...sample(1000), iterations: 0 }
    c.addPaired(
      output([
        entry('head', 'test/a.test.ts', 'bad sample', broken),
        entry('base', 'test/a.test.ts', 'bad pair', { ...sample(1000), ab: { side: 'base' } }),
        entry('head', 'test/a.test.ts', 'bad pair', { ...sample(1000), ab: { side: 'head', pair: pair(0, { calls: 0 }) } }),
      ]),
    )
    expect(c.notes).toEqual([
      `"bad sample": invalid measurement (${checkSample(broken)}); left out`,
      '"bad pair": invalid paired rounds (pair.calls must be a positive number); left out',
    ])
    expect(c.tests.has(headKey('test/a.test.ts', 'bad sample'))).toBe(false)
    expect(c.tests.get(headKey('test/a.test.ts', 'bad pair'))!.processes).toEqual([])
  })

  test('a pairing error is a note naming the other side', () => {
    const c = new AbCollector(HEAD, BASE)
    c.addPaired(
      output([
        entry('base', 'test/a.test.ts', 't', { ...sample(1000), ab: { side: 'base' } }),
        entry('head', 'test/a.test.ts', 't', { ...sample(1000), ab: { side: 'head', error: 'db closed' } }),
      ]),
    )
    expect(c.notes).toEqual(['"t": the base\'s function failed when called after its own test ended (db closed); that process is left out'])
    expect(c.tests.get(headKey('test/a.test.ts', 't'))!.processes).toEqual([])
  })

  test('notes of the outputs are kept once', () => {
    const c = new AbCollector(HEAD, BASE)
    c.addPaired(output([], HEAD, ['pool is threads']))
    c.addPaired(output([], HEAD, ['pool is threads', 'other']))
    expect(c.notes).toEqual(['pool is threads', 'other'])
  })

  test('only: other tests are skipped', () => {
    const c = new AbCollector(HEAD, BASE)
    c.addPaired(pairedProcess('a', 0))
    c.addPaired(pairedProcess('b', 0))
    c.addPaired(pairedProcess('a', 0.1), new Set([headKey('test/a.test.ts', 'b')]))
    expect(c.tests.get(headKey('test/a.test.ts', 'a'))!.processes).toHaveLength(1)
    c.addPaired(pairedProcess('b', 0.1), new Set([headKey('test/a.test.ts', 'b')]))
    expect(c.tests.get(headKey('test/a.test.ts', 'b'))!.processes).toHaveLength(2)
  })

  test('files in a project subfolder: root and paths of the base map alike', () => {
    const c = new AbCollector(path.join(HEAD, 'pkg'), path.join(BASE, 'pkg'))
    const s = (side: 'base' | 'head', p?: PairedEvidence) => ({ ...sample(1000), ab: { side, ...(p ? { pair: p } : {}) } })
    c.addPaired({
      runner: RUNNER,
      root: path.join(HEAD, 'pkg'),
      samples: [
        { file: 'x', abs: path.join(BASE, 'pkg', 'src', 'x.test.ts'), name: 'n', project: 'p', sample: s('base') },
        { file: 'x', abs: path.join(HEAD, 'pkg', 'src', 'x.test.ts'), name: 'n', project: 'p', sample: s('head', pair(0)) },
      ],
      notes: [],
    })
    expect([...c.tests.values()].map((t) => [t.test.file, t.inBase, t.inHead])).toEqual([['src/x.test.ts', true, true]])
  })
})

describe('AbCollector, processes design', () => {
  test('a base and a head process make one run per common test', () => {
    const c = new AbCollector(HEAD, BASE)
    for (const [b, h] of [[1000, 1300], [1010, 1290]] as const) {
      c.addRunPair(
        output([entry('base', 'test/a.test.ts', 't', sample(b)), entry('base', 'test/a.test.ts', 'old', sample(5))], BASE),
        output([entry('head', 'test/a.test.ts', 't', sample(h), { line: 4 }), entry('head', 'test/a.test.ts', 'new', sample(7))], HEAD),
      )
    }
    const t = c.tests.get(headKey('test/a.test.ts', 't'))!
    expect(t.runs).toEqual([{ base_ns: 1000, head_ns: 1300 }, { base_ns: 1010, head_ns: 1290 }])
    expect(t.lastBase?.wall_ns.median).toBe(1010)
    expect(t.lastHead?.wall_ns.median).toBe(1290)
    expect(t.test.line).toBe(4)
    expect(c.observations('processes')).toEqual([{ test: t.test, design: 'processes', runs: t.runs }])
    expect(c.tests.get(headKey('test/a.test.ts', 'new'))!.runs).toEqual([])
    expect(c.tests.get(headKey('test/a.test.ts', 'old'))!.inHead).toBe(false)
  })

  test('only: other tests of both processes are skipped', () => {
    const c = new AbCollector(HEAD, BASE)
    const keep = new Set([headKey('test/a.test.ts', 'a')])
    c.addRunPair(
      output([entry('base', 'test/a.test.ts', 'a', sample(1)), entry('base', 'test/a.test.ts', 'b', sample(1))], BASE),
      output([entry('head', 'test/a.test.ts', 'a', sample(2)), entry('head', 'test/a.test.ts', 'b', sample(2))], HEAD),
      keep,
    )
    expect([...c.tests.keys()]).toEqual([...keep])
  })
})

describe('checkPair', () => {
  test('valid paired rounds', () => {
    expect(checkPair(pair(0.1))).toBeUndefined()
    expect(checkPair({ ...pair(0), cycles: [] })).toBeUndefined()
  })

  test('each problem is named', () => {
    expect(checkPair(null)).toBe('pair is not an object')
    expect(checkPair('x')).toBe('pair is not an object')
    expect(checkPair({ ...pair(0), cycles: [0, Number.NaN] })).toBe('pair.cycles must be finite numbers')
    expect(checkPair({ ...pair(0), cycles: 'x' })).toBe('pair.cycles must be finite numbers')
    expect(checkPair({ ...pair(0), head_rounds_ns: [Infinity] })).toBe('pair rounds must be finite numbers')
    expect(checkPair({ ...pair(0), base_rounds_ns: undefined })).toBe('pair rounds must be finite numbers')
    expect(checkPair({ ...pair(0), base_ns: 0 })).toBe('pair.base_ns must be a positive number')
    expect(checkPair({ ...pair(0), head_ns: '5' })).toBe('pair.head_ns must be a positive number')
    expect(checkPair({ ...pair(0), calls: -1 })).toBe('pair.calls must be a positive number')
  })
})

describe('sampleFromRounds', () => {
  test('a valid sample of one side from its rounds', () => {
    const s = sampleFromRounds([300, 100, 200, 400], 10, 'fast path', 3)
    expect(checkSample(s)).toBeUndefined()
    expect(s.iterations).toBe(40)
    expect(s.wall_ns.median).toBe(250)
    expect(s.wall_ns.min).toBe(100)
    expect(s.wall_ns.max).toBe(400)
    expect(s.wall_ns.n).toBe(4)
    expect(s.raw_wall_ns.length).toBeLessThanOrEqual(3)
    expect(s.duration_ms).toBeCloseTo((1000 * 10) / 1e6, 12)
    expect(s.warmup).toEqual({ iterations: 0, time_ms: 0 })
    expect(s.name).toBe('fast path')
  })

  test('without a name there is no name field', () => {
    expect(sampleFromRounds([5, 6], 1, undefined, 10)).not.toHaveProperty('name')
    expect(sampleFromRounds([5, 6], 1, undefined, 10).raw_wall_ns).toEqual([5, 6])
  })
})
