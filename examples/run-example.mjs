#!/usr/bin/env node
// Runs the bundled example through the whole cycle a team goes through:
// five baseline runs (as on main), a check of unchanged code (as on a pull
// request), and a check after a deliberate 2x slowdown, which must fail.
// `node examples/run-example.mjs load` does the same with the load-test example.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, symlinkSync, existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const name = process.argv[2] ?? 'basic'
if (!['basic', 'load'].includes(name)) {
  console.error(`No example "${name}": basic (the default) or load.`)
  process.exit(2)
}
const example = path.join(repo, 'examples', name)
const bin = path.join(repo, 'dist/cli/bin.js')
if (!existsSync(bin)) {
  console.error('dist/ is missing: run `npm run example`, which builds first.')
  process.exit(2)
}

// The example uses the package from this checkout, as if installed from npm.
mkdirSync(path.join(example, 'node_modules'), { recursive: true })
for (const [name, target] of [['perf-regression', repo], ['vitest', path.join(repo, 'node_modules/vitest')]]) {
  rmSync(path.join(example, 'node_modules', name), { force: true, recursive: true })
  symlinkSync(target, path.join(example, 'node_modules', name), 'dir')
}
rmSync(path.join(example, '.perf'), { recursive: true, force: true })

function step(title, args, env = {}) {
  console.log(`\n\u001b[1m━━ ${title}\u001b[0m\n$ ${['npx perf-regression', ...args].join(' ')}${Object.keys(env).length ? `   (with ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')})` : ''}`)
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: example, stdio: 'inherit', env: { ...process.env, ...env } })
  return r.status
}

const failures = []
for (let i = 1; i <= 5; i++) {
  if (step(`Baseline run ${i} of 5 (on main)`, ['vitest', 'run', '--reporter=dot', '--baseline-mode=establish']) !== 0) failures.push(`baseline run ${i} failed`)
}
if (step('Pull request with unchanged code: passes', ['vitest', 'run', '--reporter=dot']) !== 0) failures.push('the unchanged check failed')
const slow = step('Pull request that makes the code 2x slower: fails', ['vitest', 'run', '--reporter=dot'], { SLOWDOWN: '2' })
if (slow !== 1) failures.push(`the 2x slowdown exited with ${slow}, not 1`)

console.log(`\nHistory: ${path.relative(process.cwd(), path.join(example, '.perf/benchmarks.jsonl'))}`)
if (failures.length > 0) {
  console.error(`\nThe example did not behave as expected: ${failures.join('; ')}.\nA very busy machine can make runs too noisy to judge; try again when it is quieter.`)
  process.exit(1)
}
console.log('\nThe example behaved as expected: unchanged code passed and the 2x slowdown failed the run.')
