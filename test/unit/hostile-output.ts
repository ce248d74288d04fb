/**
 * Hostile strings for every string field of a store, and the check that printed output
 * carries no workflow command, control or bidirectional character, and only the
 * annotations the package meant to print.
 */
import { expect } from 'vitest'
import { appendFile } from 'node:fs/promises'
import { appendRecord } from '../../src/store/store.js'
import { SCHEMA_VERSION, type BaselineEvent, type PerfSample, type RunRecord, type RunnerInfo, type TestRef } from '../../src/types.js'
import { ANNOTATION, COMMANDS, readsAsCommand, runnerLines } from './commands.js'
import { sample } from './helpers.js'

/** Bidirectional, invisible and terminal-control characters. */
const TRICKS = '\u202e\u200f\u061c\u2066\u200b\ufeff\u001b[2J\u0007'

/**
 * A hostile value: starts with a command, then every command form on lines of its own
 * (LF, CR, U+2028), and characters that reorder, hide or control text. `tag` keeps values apart.
 */
export function hostile(tag: string): string {
  return `::error::${tag} ${TRICKS}\n${COMMANDS.join('\n')}\r::warning::${tag}\u2028##[add-mask]${tag}`
}

/** A hostile name that can be a file or folder name (no `/`, no NUL). */
export const HOSTILE_DIR = '::error::dir ##[stop-commands]d \u202e\n::add-mask::d'

/** Raw characters that must never be printed (colour off): controls other than LF, format characters, separators, lone surrogates. */
const RAW = /[^\P{Cc}\n]|[\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u

/**
 * Checks printed text: every line a runner would see is not a command, except the
 * package's own annotations, counted; no raw control, format or separator character.
 */
export function expectSafe(text: string, annotations: { error: number; warning: number } = { error: 0, warning: 0 }): void {
  const counted = { error: 0, warning: 0 }
  for (const line of runnerLines(text)) {
    const ours = ANNOTATION.exec(line)
    if (ours) {
      counted[ours[1] as 'error' | 'warning']++
      expect(readsAsCommand(ours[3]!), line.slice(0, 400)).toBe(false)
    } else {
      expect(readsAsCommand(line), line.slice(0, 400)).toBe(false)
    }
  }
  expect(text.match(RAW)?.[0]).toBeUndefined()
  expect(counted).toEqual(annotations)
}

/** Counts the annotations in plain (not hostile) output. */
export function countAnnotations(text: string): { error: number; warning: number } {
  const counted = { error: 0, warning: 0 }
  for (const line of runnerLines(text)) {
    const ours = ANNOTATION.exec(line)
    if (ours) counted[ours[1] as 'error' | 'warning']++
  }
  return counted
}

export interface StoreScenario {
  /** Makes a string field's value: hostile, or plain for the comparison run. */
  s: (tag: string) => string
  tests: TestRef[]
  runner: RunnerInfo
  envKey: string
  now: Date
}

const QUIET = [1.0e6, 1.01e6, 0.99e6, 1.02e6, 0.98e6, 1.0e6, 1.01e6, 0.99e6]

/** A sample with a custom metric of a hostile name and unit. */
export function scenarioSample(sc: StoreScenario, median: number, metric: number, bench?: string): PerfSample {
  return sample(median, { ...(bench !== undefined ? { name: bench } : {}), metrics: { [sc.s('metric')]: { value: metric, better: 'lower', unit: sc.s('unit') } } })
}

/**
 * Writes a history for `sc.tests` (the first is to regress, the second to stay unchanged):
 * eight baseline runs of the run's environment, a run of another environment, an A/B run,
 * a baseline event and invalid lines, with `sc.s(...)` in every string field.
 * Returns the A/B run's id.
 */
export async function writeHostileStore(file: string, sc: StoreScenario): Promise<string> {
  const { s } = sc
  const result = (t: TestRef, median: number, envKey = sc.envKey, runner = sc.runner) => ({ test: t, runner, env_key: envKey, sample: scenarioSample(sc, median, 100, t.bench) })
  const event: BaselineEvent = {
    schema: SCHEMA_VERSION,
    kind: 'baseline-event',
    id: s('event id'),
    // The store's schema accepts only ISO 8601 times, so the hostile strings are in the other fields.
    time: new Date(sc.now.getTime() - 60 * 86_400_000).toISOString(),
    action: 'reset',
    reason: s('reason'),
    who: s('who'),
  }
  await appendRecord(file, event)
  for (let i = QUIET.length; i >= 1; i--) {
    const run: RunRecord = {
      schema: SCHEMA_VERSION,
      kind: 'run',
      id: `${s('run id')} ${i}`,
      time: new Date(sc.now.getTime() - i * 3_600_000).toISOString(),
      mode: 'baseline',
      git: { commit: s('commit'), branch: s('branch') },
      env: { cpu_model: s('cpu'), cpu_count: 4, os: s('os'), arch: s('arch'), node_version: `20.${s('node')}`, ci: s('ci') },
      results: sc.tests.slice(0, 2).map((t) => result(t, QUIET[i - 1]!)),
    }
    await appendRecord(file, run)
  }
  const foreignRunner: RunnerInfo = { name: 'vitest', version: s('version'), pool: s('pool') }
  await appendRecord(file, {
    schema: SCHEMA_VERSION,
    kind: 'run',
    id: s('foreign id'),
    time: new Date(sc.now.getTime() - 30 * 60_000).toISOString(),
    mode: 'compare',
    group: s('group'),
    git: { commit: s('commit'), branch: s('branch') },
    env: { cpu_model: s('cpu'), cpu_count: 4, os: s('os'), arch: s('arch'), node_version: s('node'), ci: s('ci') },
    results: sc.tests.map((t) => result(t, 1e6, s('env key'), foreignRunner)),
  })
  const abId = s('ab id')
  await appendRecord(file, {
    schema: SCHEMA_VERSION,
    kind: 'run',
    id: abId,
    time: new Date(sc.now.getTime() - 20 * 60_000).toISOString(),
    mode: 'compare',
    git: { commit: s('commit'), branch: s('branch') },
    env: { cpu_model: s('cpu'), cpu_count: 4, os: s('os'), arch: s('arch'), node_version: '20.19.0' },
    results: sc.tests.map((t) => result(t, 1e6)),
    ab: { base_commit: 'abcdef1234567', base_ref: s('base ref'), design: 'paired', base_results: sc.tests.map((t) => result(t, 1e6)) },
  })
  // Lines the reader skips, with a warning that quotes them.
  await appendFile(
    file,
    [
      JSON.stringify({ schema: SCHEMA_VERSION, kind: s('kind') }),
      JSON.stringify({ schema: SCHEMA_VERSION, kind: 'run', id: s('bad id'), time: sc.now.toISOString(), mode: 'compare', git: {}, env: { cpu_model: 'c', cpu_count: 1, os: 'o', arch: 'a', node_version: '20' }, results: [{ ...result(sc.tests[0]!, 1), sample: { ...sample(1), metrics: { [s('bad metric')]: { value: 'x' } } } }] }),
      s('garbage'),
    ].join('\n') + '\n',
  )
  return abId
}
