#!/usr/bin/env node
// What confirmation of suspects costs an unchanged 20-test Vitest suite.
//
// Builds a throwaway project (under os.tmpdir(), removed at the end) with one test file of
// 20 perf() tests over five kinds of work (hashing, sorting, JSON, Map, string building),
// records --baselines baseline runs, then times compare runs of the same, unchanged code:
//   on   the default configuration (confirm: { runs: 4, budget: 60 })
//   off  the same with confirm: false
// alternating on/off --pairs times. Every compare run is judged against the same baseline
// runs (compare runs never become baseline runs). Prints each variant's wall time, the
// on/off ratio per pair (median, mean and worst), how many runs confirmed anything, and how
// many failed.
//
// Usage: node bench/confirm-cost.mjs [--pairs 8] [--baselines 10] [--json FILE] [--keep]   (after `npm run build`)
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { fmt, fmtSpread, machine, median, printTable, spread, writeJson } from './lib.mjs'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
if (!existsSync(path.join(repo, 'dist/vitest/index.js'))) {
  console.error('dist/ is missing: run `npm run build` first.')
  process.exit(2)
}
const { values: args } = parseArgs({
  options: {
    pairs: { type: 'string', default: '8' },
    baselines: { type: 'string', default: '10' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
})
const pairs = Number(args.pairs)
const baselines = Number(args.baselines)
for (const [name, v, min] of [['pairs', pairs, 1], ['baselines', baselines, 5]]) {
  if (!Number.isInteger(v) || v < min) {
    console.error(`--${name} must be an integer >= ${min} (got ${args[name]})`)
    process.exit(2)
  }
}

const TESTS = 20
const work = `const bytes = new Uint8Array(50_000).map((_, i) => (i * 31) & 255)
const numbers = Array.from({ length: 2000 }, (_, i) => (i * 7919) % 2003)
const records = Array.from({ length: 40 }, (_, i) => ({ id: i, name: 'item ' + i, tags: ['a', 'b', String(i)] }))
export const kinds = {
  fnv() {
    let h = 0x811c9dc5
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193)
    return h >>> 0
  },
  sort: () => [...numbers].sort((a, b) => a - b)[1000],
  json: () => JSON.parse(JSON.stringify(records)).length,
  map() {
    const m = new Map()
    for (let i = 0; i < 500; i++) m.set('k' + i, i)
    let s = 0
    for (let i = 0; i < 500; i++) s += m.get('k' + i)
    return s
  },
  string() {
    let s = ''
    for (let i = 0; i < 400; i++) s += i.toString(36)
    return s.length
  },
}
`
const testFile = `import { test } from 'perf-regression/vitest'
import { expect } from 'vitest'
import { kinds } from '../src/work.js'

const names = Object.keys(kinds)
for (let i = 0; i < ${TESTS}; i++) {
  const kind = names[i % names.length]
  test(\`\${kind} #\${Math.floor(i / names.length) + 1}\`, async ({ perf }) => {
    const r = await perf(() => kinds[kind]())
    expect(r).toBeTruthy()
  })
}
`
const config = (confirm) => `import { defineConfig } from 'vitest/config'
import { perfRegression } from 'perf-regression/vitest'

export default defineConfig({
  plugins: [perfRegression(${confirm ? '' : '{ confirm: false }'})],
  test: { pool: 'forks', include: ['test/perf.test.js'] },
})
`

const dir = mkdtempSync(path.join(os.tmpdir(), 'perf-regression-confirm-bench-'))
try {
  mkdirSync(path.join(dir, 'src'))
  mkdirSync(path.join(dir, 'test'))
  mkdirSync(path.join(dir, 'node_modules'))
  symlinkSync(repo, path.join(dir, 'node_modules/perf-regression'), 'dir')
  symlinkSync(path.join(repo, 'node_modules/vitest'), path.join(dir, 'node_modules/vitest'), 'dir')
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'confirm-bench', private: true, type: 'module' }))
  writeFileSync(path.join(dir, 'src/work.js'), work)
  writeFileSync(path.join(dir, 'test/perf.test.js'), testFile)
  writeFileSync(path.join(dir, 'vitest.on.config.js'), config(true))
  writeFileSync(path.join(dir, 'vitest.off.config.js'), config(false))
  const env = { ...process.env, NO_COLOR: '1' }
  for (const k of Object.keys(env)) if (k.startsWith('PERF_') || k.startsWith('VITEST') || k === 'CI' || k.startsWith('GITHUB_')) delete env[k]

  const vitest = (configFile, extra = []) => {
    const command = [process.execPath, 'node_modules/vitest/vitest.mjs', 'run', '--config', configFile, ...extra]
    const t0 = performance.now()
    const r = spawnSync(command[0], command.slice(1), { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 << 20 })
    const ms = performance.now() - t0
    const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '')
    if (!/Tests\s+20 passed/.test(output)) {
      throw new Error(`vitest ${command.slice(2).join(' ')} did not pass its ${TESTS} tests (exit ${r.status ?? r.signal}):\n${output.slice(-4000)}`)
    }
    return { ms, code: r.status, output }
  }

  for (let i = 0; i < baselines; i++) {
    vitest('vitest.off.config.js', ['--', '--baseline-mode=establish'])
    if (process.stderr.isTTY) process.stderr.write(`\rconfirm-cost: baseline ${i + 1}/${baselines}`)
  }
  const variants = { on: [], off: [] }
  const confirmed = []
  const failed = { on: 0, off: 0 }
  for (let i = 0; i < pairs; i++) {
    // Alternate which goes first, so neither always follows the other.
    const order = i % 2 === 0 ? ['on', 'off'] : ['off', 'on']
    for (const v of order) {
      const r = vitest(`vitest.${v}.config.js`)
      variants[v].push(r.ms)
      if (r.code !== 0) failed[v]++
      if (v === 'on') {
        const m = r.output.match(/re-measured (\d+) suspect tests? .* in (\d+) fresh process/)
        confirmed.push(m ? { tests: Number(m[1]), runs: Number(m[2]) } : { tests: 0, runs: 0 })
      }
    }
    if (process.stderr.isTTY) process.stderr.write(`\rconfirm-cost: pair ${i + 1}/${pairs}        `)
  }
  if (process.stderr.isTTY) process.stderr.write('\n')

  const ratios = variants.on.map((ms, i) => ms / variants.off[i])
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length
  const figures = {
    pairs,
    baselines,
    tests: TESTS,
    wall: { on: spread(variants.on), off: spread(variants.off) },
    ratio: { median: median(ratios), mean, worst: Math.max(...ratios), best: Math.min(...ratios) },
    confirmed,
    failed,
    load: os.loadavg()[0],
  }
  console.log(`\nConfirmation cost — ${TESTS} perf() tests of unchanged code, ${baselines} baseline runs, ${pairs} pairs alternating (${machine()}, 1-min load now ${fmt(os.loadavg()[0], 2)})`)
  printTable([
    ['variant', 'wall time, ms (median [min–max])', 'runs failing'],
    ['on   confirm: { runs: 4, budget: 60 } (default)', fmtSpread(figures.wall.on, 0), `${failed.on}/${pairs}`],
    ['off  confirm: false', fmtSpread(figures.wall.off, 0), `${failed.off}/${pairs}`],
  ])
  console.log(
    `\non/off per pair: median ${fmt(figures.ratio.median, 2)}×, mean ${fmt(mean, 2)}×, worst ${fmt(figures.ratio.worst, 2)}×, best ${fmt(figures.ratio.best, 2)}× (added wall time: mean ${fmt(100 * (mean - 1), 0)}%)`,
  )
  const withSuspects = confirmed.filter((c) => c.runs > 0)
  console.log(
    `confirmation ran in ${withSuspects.length} of ${pairs} runs; suspects per run ${confirmed.map((c) => c.tests).join(', ')}; extra processes per run ${confirmed.map((c) => c.runs).join(', ')}`,
  )
  writeJson(args.json, figures)
} catch (error) {
  console.error(`confirm-cost: ${error.message}`)
  process.exitCode = 1
} finally {
  if (!args.keep) rmSync(dir, { recursive: true, force: true })
  else console.log(`fixture project kept: ${dir}`)
}
