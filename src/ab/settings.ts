import path from 'node:path'
import type { PairedEvidence, PairedOptions } from './paired.js'
import type { PerfSample } from '../types.js'

/**
 * Set by `perf-regression ab` for the test runs it starts (JSON of `AbWorkerSettings`):
 * the reporter then writes what it collected to `out` instead of judging and recording,
 * and `perf()` pairs the base's and the head's version of each test in one process.
 */
export const AB_ENV = 'PERF_REGRESSION_AB'

/** The two ways an A/B run measures. */
export type AbDesign = 'paired' | 'processes'

export interface AbWorkerSettings {
  design: AbDesign
  /** File the reporter writes the run's samples to (JSON of `AbOutput`). */
  out: string
  /** The base tree's copy of the project folder (a git worktree), real path. */
  base: string
  /** The head's project folder, real path. */
  head: string
  paired: PairedOptions
}

/** What `perf()` adds to a sample in an A/B run; travels to the reporter, never stored as such. */
export interface AbSampleInfo {
  /** Which tree this test file belongs to. */
  side: 'base' | 'head'
  /** The paired rounds, on the sample of whichever side ran second and measured both. */
  pair?: PairedEvidence
  /** Why pairing failed (the other side's function threw when called again), when it did. */
  error?: string
}

export type AbSample = PerfSample & { ab?: AbSampleInfo }

/** What the reporter writes in an A/B run. */
export interface AbOutput {
  runner: { name: 'vitest' | 'jest'; version: string; pool: string }
  /** The runner's root folder: sample files are relative to it. */
  root: string
  /** `abs`: the test file's absolute path. */
  samples: { file: string; abs: string; name: string; project: string; bench?: string; line?: number; sample: AbSample }[]
  /** Absolute paths of test files with failing tests (either tree). */
  failed?: string[]
  notes: string[]
}

/** `file` relative to `dir` ('' for `dir` itself), or undefined when it lies outside `dir`. */
export function relativeInside(dir: string, file: string): string | undefined {
  const rel = path.relative(dir, file)
  return rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel) ? rel : undefined
}

/** The A/B settings of this process, if `perf-regression ab` started it. */
export function abSettings(env: Record<string, string | undefined> = process.env): AbWorkerSettings | undefined {
  const raw = env[AB_ENV]
  if (!raw) return undefined
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new Error(`perf-regression: ${AB_ENV} is not valid JSON; it is set by perf-regression ab, do not set it by hand`)
  }
  const v = value as Partial<AbWorkerSettings> | null
  if (
    typeof v !== 'object' || v === null || (v.design !== 'paired' && v.design !== 'processes') ||
    typeof v.out !== 'string' || typeof v.base !== 'string' || typeof v.head !== 'string' || typeof v.paired !== 'object' || v.paired === null
  ) {
    throw new Error(`perf-regression: ${AB_ENV} does not hold A/B settings; it is set by perf-regression ab, do not set it by hand`)
  }
  return v as AbWorkerSettings
}
