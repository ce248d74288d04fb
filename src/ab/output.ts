import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { CollectedSample } from '../core/run.js'
import type { AbOutput, AbWorkerSettings } from './settings.js'

/**
 * What a reporter does in a run started by `perf-regression ab`: hand everything it
 * collected to the command, which judges base against head. Nothing is judged, recorded
 * or reported here, and the run's exit code is the tests' own.
 */
export function writeAbOutput(
  settings: Pick<AbWorkerSettings, 'out'>,
  runner: AbOutput['runner'],
  root: string,
  samples: readonly CollectedSample[],
  notes: readonly string[],
  failed: readonly string[],
): void {
  const out: AbOutput = {
    runner,
    root,
    failed: [...failed],
    samples: samples.map((s) => ({ ...s.test, abs: path.resolve(root, s.test.file), sample: s.sample })),
    notes: [...notes],
  }
  writeFileSync(settings.out, JSON.stringify(out))
}
