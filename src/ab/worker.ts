import path from 'node:path'
import v8 from 'node:v8'
import type { MeasureCallOptions, MeasureDeps, Measured } from '../measure/measure.js'
import { measure } from '../measure/measure.js'
import { summarize, thin } from '../stats/summary.js'
import { v8Natives } from './natives.js'
import { pairedRounds, type PairedDeps } from './paired.js'
import { relativeInside, type AbSample, type AbWorkerSettings } from './settings.js'

interface Registered {
  side: 'base' | 'head'
  fn: () => unknown
  async: boolean
}

const REGISTRY = Symbol.for('perf-regression.ab.registry')

/**
 * Functions of tests whose other side has not run yet, by test key. Kept on a Node core
 * module object: Jest gives each test file its own globals and module registry, but hands
 * every file the same core modules.
 */
function registry(): Map<string, Registered> {
  const holder = v8 as unknown as Record<symbol, Map<string, Registered> | undefined>
  return (holder[REGISTRY] ??= new Map())
}

const OCCURRENCES = Symbol.for('perf-regression.ab.occurrences')

/** How often each side has measured each test key in this process. */
function occurrences(): Map<string, number> {
  const holder = v8 as unknown as Record<symbol, Map<string, number> | undefined>
  return (holder[OCCURRENCES] ??= new Map())
}

/** Which tree a test file belongs to, and its path inside that tree's project folder. */
export function sideOf(file: string, settings: Pick<AbWorkerSettings, 'base' | 'head'>): { side: 'base' | 'head'; rel: string } {
  const inside = (dir: string) => {
    const rel = relativeInside(dir, file)
    return rel ? rel.split(path.sep).join('/') : undefined
  }
  const base = inside(settings.base)
  if (base !== undefined) return { side: 'base', rel: base }
  return { side: 'head', rel: inside(settings.head) ?? file }
}

/** A short measurement of the side that runs first: it proves the test runs in this tree and warms its function. */
const FIRST_SIDE = { time: 10, iterations: 3, warmupTime: 5, warmupIterations: 2 }

const isThenable = (v: unknown): boolean =>
  (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function'

/**
 * `perf()` in a paired A/B run. The side (base or head) whose copy of a test runs first
 * registers its function after a short measurement; the side that runs second measures
 * both functions in alternating rounds. Either way the test gets its own function's result.
 */
export async function pairedMeasure<T>(
  fn: () => T | Promise<T>,
  options: MeasureCallOptions,
  where: { file: string; test: string },
  settings: AbWorkerSettings,
  deps: MeasureDeps,
  natives: Pick<PairedDeps, 'optimize' | 'status'> | undefined = v8Natives(),
): Promise<Measured<Awaited<T>>> {
  const { side, rel } = sideOf(where.file, settings)
  // Two tests of one file with the same name (test.each without a %s) pair in the order they run.
  const base = `${rel}\u0000${where.test}\u0000${options.name ?? ''}`
  const seen = occurrences()
  const nth = (seen.get(`${side}\u0000${base}`) ?? 0) + 1
  seen.set(`${side}\u0000${base}`, nth)
  const key = `${base}\u0000${nth}`
  const reg = registry()
  const other = reg.get(key)
  if (!other || other.side === side) {
    const measured = await measure(fn, { ...options, ...FIRST_SIDE, metrics: [] }, deps)
    // measure() does not say whether fn is async: one more call tells, and is awaited.
    const probe = (fn as () => unknown)()
    const async = isThenable(probe)
    if (async) await probe
    reg.set(key, { side, fn: fn as () => unknown, async })
    ;(measured.sample as AbSample).ab = { side }
    return measured
  }
  reg.delete(key)
  const started = deps.probes.now()
  const firstResult = fn()
  const async = isThenable(firstResult)
  const result = (async ? await firstResult : firstResult) as Awaited<T>
  const metrics = options.record ? await options.record(result) : undefined
  const mine = { fn: fn as () => unknown, async }
  const theirs = { fn: other.fn, async: other.async }
  const [baseSide, headSide] = side === 'head' ? [theirs, mine] : [mine, theirs]
  let pair
  try {
    pair = await pairedRounds(baseSide, headSide, settings.paired, { now: () => deps.probes.now(), ...(natives ?? {}) })
  } catch (error) {
    // The other side's function may depend on what its own test tore down afterwards.
    const measured = await measure(fn, options, deps)
    ;(measured.sample as AbSample).ab = { side, error: error instanceof Error ? error.message : String(error) }
    if (metrics && Object.keys(metrics).length > 0) measured.sample.metrics = metrics
    return { result, sample: measured.sample }
  }
  const ownRounds = side === 'head' ? pair.head_rounds_ns : pair.base_rounds_ns
  const stats = summarize(ownRounds)
  const sample: AbSample = {
    iterations: ownRounds.length * pair.calls,
    warmup: { iterations: 0, time_ms: settings.paired.warmupTime },
    wall_ns: stats,
    raw_wall_ns: thin(ownRounds, options.rawSamples),
    duration_ms: deps.probes.now() - started,
    ab: { side, pair },
  }
  if (options.name !== undefined) sample.name = options.name
  if (metrics && Object.keys(metrics).length > 0) sample.metrics = metrics
  return { result, sample }
}
