/**
 * The CommonJS bundle Jest loads, as built: run `npm run build` first (`npm
 * test` does).
 */
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { tempDir } from '../unit/helpers.js'

const BUNDLE = path.resolve(import.meta.dirname, '../../dist/jest/root.cjs')

async function inDir(files: Record<string, string>, fn: (dir: string) => void | Promise<void>) {
  const { dir, cleanup } = await tempDir()
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text)
    await fn(dir)
  } finally {
    await cleanup()
  }
}

describe('the CommonJS bundle (what Jest loads)', () => {
  test('reads YAML and TypeScript config files too', async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (this test loads the built bundle)`)
    const { resolveConfig: resolveCjs } = createRequire(import.meta.url)(BUNDLE) as typeof import('../../src/jest/cjs.js')
    await inDir({ 'perf-regression.config.yaml': 'failOn: critical\nminSamples: 3\n' }, (dir) => {
      expect(resolveCjs({ root: dir })).toMatchObject({ failOn: 'critical', minSamples: 3 })
    })
    await inDir({ 'perf-regression.config.ts': "const level: 'moderate' = 'moderate'\nexport default { failOn: level }\n" }, (dir) => {
      expect(resolveCjs({ root: dir }).failOn).toBe('moderate')
    })
  })
})
