import { existsSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { testKey } from '../detect/detect.js'
import { checkSample } from '../store/record.js'
import { summarize, thin } from '../stats/summary.js'
import type { PerfSample, RunnerInfo, TestRef } from '../types.js'
import type { AbObservations, ProcessPairs, ProcessRun } from './judge.js'
import { loadSide, type LoadPair, type LoadSide } from './load-judge.js'
import { sameTier, tierOf, type PairedEvidence } from './paired.js'
import { relativeInside, type AbDesign, type AbOutput, type AbSample } from './settings.js'
import { relativeFile } from '../util/paths.js'

/** Everything measured of one test across the processes of an A/B run. */
export interface TestAccumulator {
  key: string
  /** The test as the head names it. */
  test: TestRef
  inBase: boolean
  inHead: boolean
  processes: ProcessPairs[]
  runs: ProcessRun[]
  /** Load tests: both sides' figures in each process (paired design) or pair of processes. */
  loads: LoadPair[]
  /** The latest paired rounds, for the stored record. */
  lastPair?: PairedEvidence
  /** The latest ordinary samples of each side (processes design). */
  lastBase?: PerfSample
  lastHead?: PerfSample
}

const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x))

/** Checks the shape of what a reporter handed over; returns the problem or undefined. */
export function checkOutput(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return 'not an object'
  const o = v as Partial<AbOutput>
  if (typeof o.root !== 'string') return 'no root'
  if (typeof o.runner !== 'object' || o.runner === null || typeof o.runner.version !== 'string') return 'no runner'
  if (!Array.isArray(o.samples) || !Array.isArray(o.notes)) return 'no samples or notes'
  for (const s of o.samples as unknown[]) {
    const e = s as Record<string, unknown> | null
    if (typeof e !== 'object' || e === null || typeof e.abs !== 'string' || typeof e.file !== 'string' || typeof e.name !== 'string' || typeof e.project !== 'string') {
      return 'a sample without its test file and name'
    }
  }
  if (o.failed !== undefined && !(Array.isArray(o.failed) && o.failed.every((f) => typeof f === 'string'))) return 'failed must list files'
  return undefined
}

/**
 * Reads and removes the file a reporter handed its measurements over in (an A/B or a
 * confirmation run): the output, or the problem with it; neither when the file is missing.
 */
export function readHandOver(file: string): { output?: AbOutput; problem?: string } {
  try {
    if (!existsSync(file)) return {}
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
    const problem = checkOutput(parsed)
    return problem ? { problem } : { output: parsed as AbOutput }
  } catch (error) {
    return { problem: (error as Error).message }
  } finally {
    rmSync(file, { force: true })
  }
}

/** Checks the paired rounds a reporter handed over; returns the problem or undefined. */
export function checkPair(p: unknown): string | undefined {
  if (typeof p !== 'object' || p === null) return 'pair is not an object'
  const v = p as Partial<PairedEvidence>
  if (!isNumArray(v.cycles)) return 'pair.cycles must be finite numbers'
  if (!isNumArray(v.base_rounds_ns) || !isNumArray(v.head_rounds_ns)) return 'pair rounds must be finite numbers'
  for (const k of ['base_ns', 'head_ns', 'calls'] as const) if (!(typeof v[k] === 'number' && v[k] > 0)) return `pair.${k} must be a positive number`
  return undefined
}

/** The ordinary sample of one side, built from its paired rounds (for the stored record). */
export function sampleFromRounds(rounds: readonly number[], calls: number, name: string | undefined, rawSamples: number): PerfSample {
  const sample: PerfSample = {
    iterations: rounds.length * calls,
    warmup: { iterations: 0, time_ms: 0 },
    wall_ns: summarize(rounds),
    raw_wall_ns: thin(rounds, rawSamples),
    duration_ms: (rounds.reduce((a, b) => a + b, 0) * calls) / 1e6,
  }
  if (name !== undefined) sample.name = name
  return sample
}

/**
 * Gathers what the reporters of an A/B run's processes wrote. File paths of the base tree
 * are mapped onto the head's, so that both sides of a test share one key.
 */
export class AbCollector {
  readonly tests = new Map<string, TestAccumulator>()
  readonly notes: string[] = []
  runner: RunnerInfo | undefined

  constructor(
    private readonly headDir: string,
    private readonly baseDir: string,
  ) {}

  private mapPath(abs: string): string {
    const rel = relativeInside(this.baseDir, abs)
    return rel === undefined ? abs : path.join(this.headDir, rel)
  }

  /** The samples of one process's output, keyed and mapped; invalid entries become notes. */
  private entries(output: AbOutput): { key: string; test: TestRef; side: 'base' | 'head'; sample: AbSample }[] {
    this.runner ??= { name: output.runner.name, version: output.runner.version, pool: output.runner.pool }
    for (const note of output.notes) if (!this.notes.includes(note)) this.notes.push(note)
    const root = this.mapPath(output.root)
    const out = []
    for (const s of output.samples) {
      const problem = checkSample(s.sample)
      if (problem) {
        this.notes.push(`"${s.name}": invalid measurement (${problem}); left out`)
        continue
      }
      const mapped = this.mapPath(s.abs)
      const side: 'base' | 'head' = mapped !== s.abs ? 'base' : 'head'
      const test: TestRef = {
        file: relativeFile(root, mapped),
        name: s.name,
        project: s.project,
        ...(s.bench !== undefined ? { bench: s.bench } : {}),
        ...(s.line !== undefined && side === 'head' ? { line: s.line } : {}),
      }
      out.push({ key: testKey(test), test, side, sample: s.sample })
    }
    return out
  }

  private accumulator(key: string, test: TestRef, side: 'base' | 'head'): TestAccumulator {
    let acc = this.tests.get(key)
    if (!acc) {
      acc = { key, test, inBase: false, inHead: false, processes: [], runs: [], loads: [] }
      this.tests.set(key, acc)
    }
    if (side === 'head') {
      acc.inHead = true
      acc.test = test
    } else acc.inBase = true
    return acc
  }

  /** Test files with failing tests in one process's output that belong to HEAD (not the base tree). */
  headFailures(output: AbOutput): string[] {
    return (output.failed ?? []).filter((abs) => this.mapPath(abs) === abs)
  }

  /** One process of the paired design: base and head files ran in it. */
  addPaired(output: AbOutput, only?: ReadonlySet<string>): void {
    // Load tests have no paired rounds: the base's and the head's load test in this process are one pair.
    const loads = new Map<string, { base?: LoadSide; head?: LoadSide }>()
    for (const { key, test, side, sample } of this.entries(output)) {
      if (only && !only.has(key)) continue
      const acc = this.accumulator(key, test, side)
      if (side === 'head') acc.lastHead = sample
      else acc.lastBase = sample
      const figures = loadSide(sample)
      if (figures) loads.set(key, { ...loads.get(key), [side]: figures })
      const info = sample.ab
      if (info?.error) this.notes.push(`"${test.name}": the ${side === 'head' ? 'base' : 'head'}'s function failed when called after its own test ended (${info.error}); that process is left out`)
      if (!info?.pair) continue
      const problem = checkPair(info.pair)
      if (problem) {
        this.notes.push(`"${test.name}": invalid paired rounds (${problem}); left out`)
        continue
      }
      // Every cycle left out for differing tiers counts as a process in different tiers.
      const allMismatched = info.pair.cycles.length === 0 && (info.pair.mismatched_cycles ?? 0) > 0
      acc.processes.push({
        cycles: info.pair.cycles,
        base_ns: info.pair.base_ns,
        head_ns: info.pair.head_ns,
        same_tier: sameTier(info.pair.tiers) && !allMismatched,
        ...(info.pair.tiers ? { tiers: { base: tierOf(info.pair.tiers.base), head: tierOf(info.pair.tiers.head) } } : {}),
      })
      acc.lastPair = info.pair
    }
    for (const [key, { base, head }] of loads) if (base && head) this.tests.get(key)!.loads.push({ base, head })
  }

  /** One base process and one head process of the processes design. */
  addRunPair(base: AbOutput, head: AbOutput, only?: ReadonlySet<string>): void {
    const bases = new Map<string, PerfSample>()
    for (const e of this.entries(base)) {
      if (only && !only.has(e.key)) continue
      this.accumulator(e.key, e.test, 'base')
      bases.set(e.key, e.sample)
    }
    for (const e of this.entries(head)) {
      if (only && !only.has(e.key)) continue
      const acc = this.accumulator(e.key, e.test, 'head')
      acc.lastHead = e.sample
      const b = bases.get(e.key)
      if (!b) continue
      acc.lastBase = b
      acc.runs.push({ base_ns: b.wall_ns.median, head_ns: e.sample.wall_ns.median })
      const [baseLoad, headLoad] = [loadSide(b), loadSide(e.sample)]
      if (baseLoad && headLoad) acc.loads.push({ base: baseLoad, head: headLoad })
    }
  }

  /** Tests in both trees, as the judge takes them. */
  observations(design: AbDesign): AbObservations[] {
    return [...this.tests.values()]
      .filter((t) => t.inBase && t.inHead)
      .map((t) => ({
        ...(design === 'paired' ? { test: t.test, design, processes: t.processes } : { test: t.test, design, runs: t.runs }),
        ...(t.loads.length > 0 ? { load: t.loads } : {}),
      }))
  }
}
