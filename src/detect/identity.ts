import type { TestRef } from '../types.js'

/**
 * Identity of a benchmarked test across runs: its project, file, name and bench.
 * The line of the test in its file is not part of it (moving a test keeps its history).
 */
export function testKey(test: TestRef): string {
  return JSON.stringify([test.project, test.file, test.name, test.bench ?? null])
}
