import { vi } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DEFAULTS, type ResolvedConfig, type ResolvedMeasureOptions } from '../../src/config/options.js'
import type { DetectConfig } from '../../src/detect/detect.js'
import type { TextOutput } from '../../src/util/output.js'
import {
  SCHEMA_VERSION,
  type EnvInfo,
  type PerfSample,
  type RunRecord,
  type RunnerInfo,
  type TestRef,
  type TestResult,
} from '../../src/types.js'

/** Seeded PRNG (mulberry32): the same seed gives the same sequence, in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `count` values around `center`, each multiplied by (1 + noise * u) with u uniform in [-1, 1). */
export function noisy(center: number, count: number, noise: number, seed: number): number[] {
  const rand = mulberry32(seed)
  return Array.from({ length: count }, () => center * (1 + noise * (2 * rand() - 1)))
}

export const ENV: EnvInfo = {
  cpu_model: 'Test CPU 3000',
  cpu_count: 8,
  os: 'linux',
  arch: 'x64',
  node_version: '20.19.0',
}

export const RUNNER: RunnerInfo = { name: 'vitest', version: '4.1.12', pool: 'forks' }

export const ENV_KEY = 'env-a'

export function ref(name: string, extra: Partial<TestRef> = {}): TestRef {
  return { file: 'test/bench.test.ts', name, project: '', ...extra }
}

/** A valid sample whose wall-time median is `median` ns. */
export function sample(median: number, extra: Partial<PerfSample> = {}): PerfSample {
  return {
    iterations: 10,
    warmup: { iterations: 5, time_ms: 20 },
    wall_ns: { n: 10, mean: median, median, p75: median, p99: median, min: median, max: median, sd: 0 },
    raw_wall_ns: [median, median],
    duration_ms: 1,
    ...extra,
  }
}

export function result(name: string, median: number, envKey = ENV_KEY): TestResult {
  return { test: ref(name), runner: RUNNER, env_key: envKey, sample: sample(median) }
}

export interface RunSpec {
  id?: string
  time?: string | Date
  mode?: RunRecord['mode']
  envKey?: string
  /** Test name → wall-time median (ns). */
  medians: Record<string, number>
}

export const NOW = new Date('2025-06-01T12:00:00.000Z')
const DAY = 86_400_000

/** The time `days` days (fractions allowed) before NOW. */
export function daysAgo(days: number): Date {
  return new Date(NOW.getTime() - days * DAY)
}

let counter = 0
export function run(spec: RunSpec): RunRecord {
  const time = spec.time ?? daysAgo(1)
  return {
    schema: SCHEMA_VERSION,
    kind: 'run',
    id: spec.id ?? `run-${++counter}`,
    time: typeof time === 'string' ? time : time.toISOString(),
    mode: spec.mode ?? 'baseline',
    git: {},
    env: ENV,
    results: Object.entries(spec.medians).map(([name, median]) => result(name, median, spec.envKey ?? ENV_KEY)),
  }
}

/** Baseline runs of one test, one per value, the first value newest (1 h, 2 h, ... before NOW). */
export function baselineRuns(name: string, values: readonly number[], extra: Partial<RunSpec> = {}): RunRecord[] {
  return values.map((v, i) =>
    run({ time: new Date(NOW.getTime() - (i + 1) * 3_600_000), ...extra, medians: { [name]: v } }),
  )
}

export function config(overrides: Partial<ResolvedConfig> = {}): ResolvedConfig {
  return { ...DEFAULTS, ...overrides }
}

export function detectConfig(overrides: Partial<DetectConfig> = {}): DetectConfig {
  const { thresholds, tests, confidence, minSamples, baselineWindow } = DEFAULTS
  return { thresholds, tests, confidence, minSamples, baselineWindow, ...overrides }
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'perf-regression-test-'))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/**
 * Outputs to hand to the code under test (`main(args, { cwd, env, ...io.outputs })`) and
 * what was written to them. Call `reset()` after each test.
 */
export function outputCapture() {
  const out: string[] = []
  const err: string[] = []
  const sink = (into: string[]): TextOutput => ({ write: (text: string) => (into.push(text), true) })
  return {
    out,
    err,
    outputs: { stdout: sink(out), stderr: sink(err) },
    reset() {
      out.length = 0
      err.length = 0
    },
  }
}

/**
 * Collects what code that writes to the process's own streams prints there: the store's
 * notices of swept temporary files and the Jest reporter. Call `capture()` inside a test
 * and `reset()` after each (it also restores the streams).
 */
export function processOutputSpy() {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    capture() {
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true))
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true))
    },
    reset() {
      vi.restoreAllMocks()
      out.length = 0
      err.length = 0
    },
  }
}

/** Options of one `measure()` call: the defaults with a small raw-sample limit, and any overrides. */
export function measureOptions(
  extra: Partial<ResolvedMeasureOptions & { name?: string; rawSamples: number }> = {},
): ResolvedMeasureOptions & { name?: string; rawSamples: number } {
  return { time: 100, iterations: 10, warmupTime: 20, warmupIterations: 5, metrics: ['cpu', 'memory'], rawSamples: 8, ...extra }
}
