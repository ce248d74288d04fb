#!/usr/bin/env node
// Whole-process cost of a Vitest suite using perf-regression.
//
// Builds a throwaway project (under os.tmpdir(), removed at the end) with one
// test file of 20 tests, each benchmarking a small CPU-bound function
// (FNV-1a over 50 kB), and times `node node_modules/vitest/vitest.mjs run` for:
//   A  plugin perfRegression(): the reporter records each run to the store;
//   B  no plugin, no reporter: the fixture still measures, nothing is recorded;
//   C  the same 20 tests with vitest's plain `test`, doing the work once (no perf()).
// Variants run alternately (ABC ABC …) R times after one untimed round.
// The store is removed before each A run, so every A run is a first run (no baseline, exit 0).
//
// Usage: node bench/suite.mjs [--runs 5] [--json FILE] [--keep]   (after `npm run build`)
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { fmtRatio, fmtSpread, machine, printTable, ratioOfMedians, spread, writeJson } from './lib.mjs'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
if (!existsSync(path.join(repo, 'dist/vitest/index.js'))) {
  console.error('dist/ is missing: run `npm run build` first (or `npm run bench`, which builds).')
  process.exit(2)
}
const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, json: { type: 'string' }, keep: { type: 'boolean', default: false } },
})
const runs = Number(args.runs)
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be an integer >= 1 (got ${args.runs})`)
  process.exit(2)
}

const TESTS = 20
const work = `const bytes = new Uint8Array(50_000).map((_, i) => (i * 31) & 255)
export function cpuWork() {
  let h = 0x811c9dc5
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193)
  return h >>> 0
}
`
const testFile = (importLine, body) => `${importLine}
import { expect } from 'vitest'
import { cpuWork } from '../src/work.js'

for (let i = 1; i <= ${TESTS}; i++) {
  test(\`fnv-1a of 50 kB #\${i}\`, async (${body.args}) => {
    const h = ${body.call}
    expect(h).toBeGreaterThan(0)
  })
}
`
const config = (plugin, include) => `import { defineConfig } from 'vitest/config'
${plugin ? "import { perfRegression } from 'perf-regression/vitest'\n" : ''}
export default defineConfig({
  ${plugin ? 'plugins: [perfRegression()],\n  ' : ''}test: { pool: 'forks', include: ['${include}'] },
})
`

const dir = mkdtempSync(path.join(os.tmpdir(), 'perf-regression-bench-'))
function cleanup() {
  if (!args.keep) rmSync(dir, { recursive: true, force: true })
}
try {
  mkdirSync(path.join(dir, 'src'))
  mkdirSync(path.join(dir, 'test'))
  mkdirSync(path.join(dir, 'node_modules'))
  // As examples/run-example.mjs does: the package from this checkout, as if installed from npm.
  symlinkSync(repo, path.join(dir, 'node_modules/perf-regression'), 'dir')
  symlinkSync(path.join(repo, 'node_modules/vitest'), path.join(dir, 'node_modules/vitest'), 'dir')
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench-fixture', private: true, type: 'module' }))
  writeFileSync(path.join(dir, 'src/work.js'), work)
  writeFileSync(
    path.join(dir, 'test/perf.test.js'),
    testFile("import { test } from 'perf-regression/vitest'", { args: '{ perf }', call: 'await perf(() => cpuWork())' }),
  )
  writeFileSync(path.join(dir, 'test/plain.test.js'), testFile("import { test } from 'vitest'", { args: '', call: 'cpuWork()' }))
  writeFileSync(path.join(dir, 'vitest.a.config.js'), config(true, 'test/perf.test.js'))
  writeFileSync(path.join(dir, 'vitest.b.config.js'), config(false, 'test/perf.test.js'))
  writeFileSync(path.join(dir, 'vitest.c.config.js'), config(false, 'test/plain.test.js'))

  const variants = [
    { key: 'A', label: 'A  plugin + reporter (records)', config: 'vitest.a.config.js', times: [] },
    { key: 'B', label: 'B  fixture only, no reporter', config: 'vitest.b.config.js', times: [] },
    { key: 'C', label: 'C  plain vitest test, no perf()', config: 'vitest.c.config.js', times: [] },
  ]
  const env = { ...process.env, NO_COLOR: '1' }
  delete env.PERF_BASELINE_MODE
  delete env.FORCE_COLOR

  function runOnce(variant) {
    rmSync(path.join(dir, '.perf'), { recursive: true, force: true })
    const command = [process.execPath, 'node_modules/vitest/vitest.mjs', 'run', '--config', variant.config]
    const t0 = performance.now()
    const r = spawnSync(command[0], command.slice(1), { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 << 20 })
    const ms = performance.now() - t0
    const passed = ((r.stdout ?? '').replace(/\x1b\[[0-9;]*m/g, '').match(/Tests\s+(\d+) passed/) ?? [])[1]
    if (r.status !== 0 || Number(passed) !== TESTS) {
      console.error(`\nsuite: variant ${variant.key} failed (exit ${r.status ?? r.signal}, ${passed ?? 'no'} tests passed of ${TESTS}).`)
      console.error(`$ (cd ${dir} && ${command.join(' ')})\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}${r.error ? `\n${r.error}` : ''}`)
      throw new Error(`variant ${variant.key} failed${args.keep ? '' : ' (rerun with --keep to keep the fixture project)'}`)
    }
    if (variant.key === 'A' && !existsSync(path.join(dir, '.perf/benchmarks.jsonl'))) {
      throw new Error('variant A did not record to .perf/benchmarks.jsonl: is the reporter active?')
    }
    if (variant.key !== 'A' && existsSync(path.join(dir, '.perf'))) throw new Error(`variant ${variant.key} wrote a store`)
    return ms
  }

  for (const v of variants) runOnce(v) // untimed round: file cache, Vite's config bundling
  for (let i = 0; i < runs; i++) {
    for (const v of variants) v.times.push(runOnce(v))
    if (process.stderr.isTTY) process.stderr.write(`\rsuite: run ${i + 1}/${runs}`)
  }
  if (process.stderr.isTTY) process.stderr.write('\n')

  const [A, B, C] = variants
  const figures = {
    runs,
    tests: TESTS,
    wall: Object.fromEntries(variants.map((v) => [v.key, spread(v.times)])),
    AoverB: ratioOfMedians(A.times, B.times),
    BoverC: ratioOfMedians(B.times, C.times, { seed: 2 }),
  }

  console.log(`\nVitest suite wall time — 1 file x ${TESTS} tests (FNV-1a over 50 kB), ${runs} runs per variant, alternating (${machine()})`)
  console.log('Cells: median process wall time over runs [min–max], ms.\n')
  printTable([
    ['variant', 'wall time, ms', ''],
    ...variants.map((v) => [v.label, fmtSpread(figures.wall[v.key], 0), '']),
    ['A/B  cost of the reporter', '', fmtRatio(figures.AoverB)],
    ['B/C  cost of perf() in the suite', '', fmtRatio(figures.BoverC)],
  ])
  console.log(`\nFixture project: ${dir}${args.keep ? ' (kept)' : ' (removed)'}`)
  writeJson(args.json, figures)
} catch (error) {
  console.error(`suite: ${error.message}`)
  process.exitCode = 1
} finally {
  cleanup()
}
