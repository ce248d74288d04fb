#!/usr/bin/env node
// How the history store scales: generates a store of T tests × R runs (each run
// one line with every test, 64 raw samples per result, as perf() stores them)
// in a temporary folder, then measures, each in a child process of its own:
//   (a) read: streaming the whole store with readRecords, counting records;
//   (b) report: `perf-regression report --format md --store <file> --out <tmp>`
//       (reads the whole store with readStore, judges the latest run);
//   (c) finishRun: what the reporter does after a compare run of all T tests
//       (streams the store, keeps the history of this run's tests, judges; record: false);
//   (d) append: appendRecord of one run of T tests, median of 20, to a store of
//       1 record and to the big store.
// Wall time is measured around each child; peak RSS comes from GNU time (-f %M)
// when /usr/bin/time exists, else from process.resourceUsage().maxRSS at exit.
// The temporary folder is removed at the end (also on Ctrl-C).
//
// Usage: node bench/scale.mjs [--tests 1000] [--runs 1000] [--timeout 900] [--dist DIR] [--json FILE] [--reuse DIR] [--index-only]
//        (after `npm run build`; --tests 100 --runs 100 is a quick check)
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { fmt, machine, printTable, rng, writeJson } from './lib.mjs'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { values: args } = parseArgs({
  options: {
    tests: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '1000' },
    timeout: { type: 'string', default: '900' },
    // Another build to measure (e.g. `tsc -p tsconfig.build.json --outDir /tmp/x/dist` with
    // node_modules linked next to it); the repository's dist/ by default.
    dist: { type: 'string' },
    json: { type: 'string' },
    // A folder kept between runs: its store is generated once and used again (same --tests and --runs).
    reuse: { type: 'string' },
    // Measure only the paths through the index (the full reads take minutes at 10,000 tests).
    'index-only': { type: 'boolean', default: false },
  },
})
const distDir = path.resolve(args.dist ?? path.join(repo, 'dist'))
const distFile = (p) => path.join(distDir, p)
const dist = (p) => pathToFileURL(distFile(p)).href
if (!existsSync(distFile('store/store.js')) || !existsSync(distFile('cli/bin.js'))) {
  console.error(`${distDir} is missing or incomplete: run \`npm run build\` first.`)
  process.exit(2)
}
const TESTS = Number(args.tests)
const RUNS = Number(args.runs)
const TIMEOUT_S = Number(args.timeout)
for (const [name, v, min] of [['--tests', TESTS, 1], ['--runs', RUNS, 2], ['--timeout', TIMEOUT_S, 1]]) {
  if (!Number.isInteger(v) || v < min) {
    console.error(`${name} must be an integer >= ${min} (got ${v})`)
    process.exit(2)
  }
}
const RAW = 64
const APPENDS = 20

const { envKey } = await import(dist('env/environment.js'))
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined

const tmp = args.reuse ? path.resolve(args.reuse) : mkdtempSync(path.join(os.tmpdir(), 'perf-regression-scale-'))
if (args.reuse) mkdirSync(tmp, { recursive: true })
let cleaned = false
function cleanup() {
  if (cleaned || args.reuse) return
  cleaned = true
  rmSync(tmp, { recursive: true, force: true })
}
process.on('exit', cleanup)
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of children) c.kill('SIGKILL')
    cleanup()
    process.exit(130)
  })
}
const children = new Set()

// ── the synthetic history ─────────────────────────────────────────────────────
const ENV = { cpu_model: 'Scale Test CPU @ 3.00GHz', cpu_count: 8, os: 'linux', arch: 'x64', node_version: '20.19.0' }
const RUNNER = { name: 'vitest', version: '4.1.12', pool: 'forks' }
const ENV_KEY = envKey(ENV, RUNNER)
const START = Date.parse('2025-01-01T00:00:00.000Z')

const random = rng(42)

const testRef = (i) => ({ file: `test/module-${String(i % 97).padStart(2, '0')}.test.ts`, name: `module ${i % 97} > case number ${i}`, project: '' })
const refs = Array.from({ length: TESTS }, (_, i) => testRef(i))
const centers = refs.map((_, i) => 20_000 + ((i * 7919) % 5_000_000))
/** The fixed part of each result, serialised once. */
const heads = refs.map((test) => `{"test":${JSON.stringify(test)},"runner":${JSON.stringify(RUNNER)},"env_key":"${ENV_KEY}","sample":`)

function sampleJson(center) {
  const raw = new Array(RAW)
  for (let k = 0; k < RAW; k++) raw[k] = Math.round(center * (1 + 0.08 * (random() - 0.5)) * 1000) / 1000
  const sorted = [...raw].sort((a, b) => a - b)
  const q = (p) => sorted[Math.min(RAW - 1, Math.floor(p * RAW))]
  const mean = raw.reduce((s, v) => s + v, 0) / RAW
  const sd = Math.sqrt(raw.reduce((s, v) => s + (v - mean) ** 2, 0) / (RAW - 1))
  const iterations = Math.max(10, Math.round(1e8 / center))
  return {
    iterations,
    warmup: { iterations: 5, time_ms: 20 },
    wall_ns: { n: iterations, mean, median: q(0.5), p75: q(0.75), p99: q(0.99), min: sorted[0], max: sorted[RAW - 1], sd },
    raw_wall_ns: raw,
    duration_ms: Math.round((iterations * center) / 1e4) / 100,
  }
}

function runLine(r, mode = 'baseline') {
  const id = `run-${String(r).padStart(6, '0')}-${Math.floor(random() * 1e9).toString(16)}`
  const time = new Date(START + r * 3_600_000).toISOString()
  const git = { commit: (0x1000000 + r).toString(16).padEnd(40, 'a'), branch: 'main' }
  const parts = []
  for (let i = 0; i < TESTS; i++) parts.push(heads[i] + JSON.stringify(sampleJson(centers[i])) + '}')
  return `{"schema":1,"kind":"run","id":"${id}","time":"${time}","mode":"${mode}","git":${JSON.stringify(git)},"env":${JSON.stringify(ENV)},"results":[${parts.join(',')}]}\n`
}

const store = path.join(tmp, 'benchmarks.jsonl')
console.log(`perf-regression scale benchmark: ${TESTS} tests × ${RUNS} runs, ${RAW} raw samples per result (${machine()})`)
console.log(`generating ${store} ...`)
const genStart = performance.now()
const reused = args.reuse && existsSync(store) && readFileSync(path.join(tmp, 'shape.txt'), { encoding: 'utf8', flag: 'a+' }) === `${TESTS}x${RUNS}`
if (reused) console.log('  reused from an earlier run (--reuse)')
else {
  const out = createWriteStream(store)
  for (let r = 0; r < RUNS; r++) {
    // The last run is the compare run the report renders.
    if (!out.write(runLine(r, r === RUNS - 1 ? 'compare' : 'baseline'))) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  if (args.reuse) writeFileSync(path.join(tmp, 'shape.txt'), `${TESTS}x${RUNS}`)
}
const genMs = performance.now() - genStart
const storeBytes = statSync(store).size
console.log(`  ${fmtBytes(storeBytes)} in ${fmt(genMs / 1000, 1)} s (${fmtBytes(storeBytes / RUNS)} per run line, ${fmtBytes(storeBytes / RUNS / TESTS)} per result)`)

// ── measuring in child processes ──────────────────────────────────────────────
function fmtBytes(b) {
  if (b >= 1 << 30) return `${fmt(b / (1 << 30), 2)} GiB`
  if (b >= 1 << 20) return `${fmt(b / (1 << 20), 1)} MiB`
  if (b >= 1 << 10) return `${fmt(b / (1 << 10), 1)} KiB`
  return `${Math.round(b)} B`
}

/** Preload for children: writes maxRSS (KiB) at exit, for when GNU time is not there. */
const preload = path.join(tmp, 'rss-at-exit.mjs')
writeFileSync(
  preload,
  `import { writeFileSync } from 'node:fs'
process.on('exit', () => { try { writeFileSync(process.env.SCALE_RSS_FILE, String(process.resourceUsage().maxRSS)) } catch {} })\n`,
)

let childCount = 0
/**
 * Runs `node ...nodeArgs` and returns { ok, wallS, rssKiB, stdout, stderr, status }.
 * Fails (ok: false) on a non-zero exit, a signal or the timeout; peak RSS is kept when known.
 */
async function measureChild(label, nodeArgs, extraEnv = {}) {
  const n = ++childCount
  const rssFile = path.join(tmp, `rss-${n}.txt`)
  const timeFile = path.join(tmp, `time-${n}.txt`)
  const nodeCmd = [process.execPath, '--import', pathToFileURL(preload).href, ...nodeArgs]
  const [cmd, ...cmdArgs] = gnuTime ? [gnuTime, '-f', '%M', '-o', timeFile, ...nodeCmd] : nodeCmd
  process.stdout.write(`  ${label} ... `)
  const t0 = performance.now()
  const child = spawn(cmd, cmdArgs, { cwd: tmp, env: { ...process.env, SCALE_RSS_FILE: rssFile, NO_COLOR: '1', ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, TIMEOUT_S * 1000)
  const [status, signal] = await once(child, 'exit')
  clearTimeout(timer)
  children.delete(child)
  const wallS = (performance.now() - t0) / 1000
  let rssKiB
  if (gnuTime && existsSync(timeFile)) {
    const m = /(\d+)\s*$/.exec(readFileSync(timeFile, 'utf8').trim())
    if (m) rssKiB = Number(m[1])
  }
  if (rssKiB === undefined && existsSync(rssFile)) rssKiB = Number(readFileSync(rssFile, 'utf8'))
  const ok = !timedOut && status === 0 && signal === null
  const why = timedOut ? `timed out after ${TIMEOUT_S} s` : signal ? `killed by ${signal}` : status !== 0 ? `exit code ${status}` : ''
  console.log(ok ? `${fmt(wallS, 2)} s, peak RSS ${rssKiB ? fmtBytes(rssKiB * 1024) : '?'}` : `FAILED (${why})`)
  if (!ok) {
    const tail = stderr.trim().split('\n').slice(-6).join('\n    ')
    if (tail) console.log(`    ${tail}`)
  }
  return { ok, why, wallS, rssKiB, stdout, stderr, status }
}

const results = {}

// (a) streaming read
results.read = await measureChild('(a) readRecords, whole store', [
  '--input-type=module',
  '-e',
  `import { readRecords } from ${JSON.stringify(dist('store/store.js'))}
let records = 0, warnings = 0
const t0 = performance.now()
for await (const r of readRecords(${JSON.stringify(store)}, () => warnings++)) records++
console.log(JSON.stringify({ records, warnings, ms: performance.now() - t0 }))`,
])
if (results.read.ok) Object.assign(results.read, JSON.parse(results.read.stdout.trim().split('\n').at(-1)))

// The same command with the history index and without it (PERF_REGRESSION_NO_INDEX=1: every line parsed).
const NO_INDEX = { PERF_REGRESSION_NO_INDEX: '1' }
const SLOW_LIMIT = Number(process.env.SCALE_SLOW_LIMIT ?? 200_000)
const both = async (key, label, nodeArgs, slowToo = true) => {
  results[key] = await measureChild(`${label}, index`, nodeArgs)
  results[`${key}_full`] = args['index-only'] ? { ok: false, why: 'skipped (--index-only)' } : slowToo ? await measureChild(`${label}, no index`, nodeArgs, NO_INDEX) : { ok: false, why: `skipped above ${SLOW_LIMIT} results (SCALE_SLOW_LIMIT)` }
}

// (r) the index built from the whole store: what a fresh clone that restores only the JSONL pays once
rmSync(`${store}.index`, { force: true })
results.rebuild = await measureChild('(r) index built from the whole store', [
  '--input-type=module',
  '-e',
  `import { openIndex } from ${JSON.stringify(dist('store/index-view.js'))}
const t0 = performance.now()
const view = await openIndex(${JSON.stringify(store)}, { notify: () => {} })
console.log(JSON.stringify({ ms: performance.now() - t0, entries: view.entries.length }))`,
])
if (results.rebuild.ok) Object.assign(results.rebuild, JSON.parse(results.rebuild.stdout.trim().split('\n').at(-1)))
const indexBytes = existsSync(`${store}.index`) ? statSync(`${store}.index`).size : 0

// (b) the report and check commands
const reportOut = path.join(tmp, 'report.md')
await both('report', '(b) perf-regression report --format md', [distFile('cli/bin.js'), 'report', '--format', 'md', '--store', store, '--out', reportOut])
if (results.report.ok) results.report.reportBytes = statSync(reportOut).size
const checkArgs = [distFile('cli/bin.js'), 'check', '--store', store, '--fail-on', 'never']
await both('check', '(b) perf-regression check', checkArgs)

// (h) the history command over every test
const historySlow = TESTS * RUNS <= SLOW_LIMIT
await both('history', '(h) perf-regression history (all tests)', [distFile('cli/bin.js'), 'history', '--store', store], historySlow)

// (c) finishRun of a compare run of every test, not recorded; (e) the reporter's whole path with its reports
const judgeScript = (whole) => `import { finishRun } from ${JSON.stringify(dist('core/run.js'))}
import { completeRun } from ${JSON.stringify(dist('core/complete.js'))}
import { DEFAULTS } from ${JSON.stringify(dist('config/options.js'))}
const refs = ${JSON.stringify(refs)}
const centers = ${JSON.stringify(centers)}
const samples = refs.map((test, i) => {
  const m = centers[i] * 1.01
  const raw = Array.from({ length: ${RAW} }, (_, k) => m * (1 + 0.01 * Math.sin(k)))
  return { test, runner: ${JSON.stringify(RUNNER)}, sample: { iterations: 100, warmup: { iterations: 5, time_ms: 20 },
    wall_ns: { n: 100, mean: m, median: m, p75: m, p99: m, min: m, max: m, sd: m * 0.01 }, raw_wall_ns: raw, duration_ms: 10 } }
})
const config = { ...DEFAULTS, store: ${JSON.stringify(store)}, baselineMode: 'compare', confirm: false }
const now = new Date(${START + RUNS * 3_600_000})
const t0 = performance.now()
${whole
  ? `const sink = { write: () => true }
const result = await completeRun({ samples, config, root: ${JSON.stringify(tmp)}, record: false, color: false, establishHint: '', log: () => {} },
  { env: {}, now: () => now, stdout: sink, stderr: sink, machine: () => (${JSON.stringify(ENV)}), git: () => ({ commit: 'f'.repeat(40), branch: 'feature' }), notify: async () => undefined })
console.log(JSON.stringify({ ms: performance.now() - t0, regressions: result.regressions, error: result.error }))`
  : `const outcome = await finishRun({ samples, config, root: '/', env: ${JSON.stringify(ENV)}, git: { commit: 'f'.repeat(40), branch: 'feature' }, now, record: false })
const kinds = {}
for (const v of outcome.verdicts) kinds[v.kind] = (kinds[v.kind] ?? 0) + 1
console.log(JSON.stringify({ ms: performance.now() - t0, history: outcome.history.length, warnings: outcome.warnings.length, kinds }))`}`
// As files: the tests' names are too long for a command line at 10,000 tests.
const judgeFile = (whole) => {
  const file = path.join(tmp, whole ? 'judge-complete.mjs' : 'judge-finish.mjs')
  writeFileSync(file, judgeScript(whole))
  return file
}
await both('finish', '(c) finishRun (compare, all tests, record: false)', [judgeFile(false)])
for (const key of ['finish', 'finish_full']) if (results[key].ok) Object.assign(results[key], { out: JSON.parse(results[key].stdout.trim().split('\n').at(-1)) })
results.complete = await measureChild('(e) completeRun: judged, terminal summary, Markdown, JSON and HTML reports written', [judgeFile(true)])
if (results.complete.ok) Object.assign(results.complete, { out: JSON.parse(results.complete.stdout.trim().split('\n').at(-1)) })

// (d) appendRecord at a 1-record store and at the big store
const small = path.join(tmp, 'small.jsonl')
writeFileSync(small, runLine(0))
rmSync(`${small}.index`, { force: true })
// The appends are undone afterwards, so a --reuse store stays as generated.
const sizesBefore = [store, `${store}.index`].map((f) => (existsSync(f) ? statSync(f).size : -1))
const appendLine = runLine(RUNS)
const appendFile = path.join(tmp, 'append-record.json')
writeFileSync(appendFile, appendLine)
results.append = await measureChild(`(d) appendRecord ×${APPENDS} at 1 record, ×${APPENDS} at ${RUNS} runs`, [
  '--input-type=module',
  '-e',
  `import { readFileSync } from 'node:fs'
import { appendRecord } from ${JSON.stringify(dist('store/store.js'))}
const record = JSON.parse(readFileSync(${JSON.stringify(appendFile)}, 'utf8'))
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }
const out = {}
for (const [name, file] of [['small', ${JSON.stringify(small)}], ['big', ${JSON.stringify(store)}]]) {
  const ms = []
  for (let i = 0; i < ${APPENDS}; i++) {
    record.id = name + '-' + i
    const t0 = performance.now()
    await appendRecord(file, record)
    ms.push(performance.now() - t0)
  }
  out[name] = { median: median(ms), min: Math.min(...ms), max: Math.max(...ms) }
}
console.log(JSON.stringify(out))`,
])
;[store, `${store}.index`].forEach((f, i) => sizesBefore[i] >= 0 && truncateSync(f, sizesBefore[i]))
if (results.append.ok) Object.assign(results.append, { out: JSON.parse(results.append.stdout.trim().split('\n').at(-1)) })

// ── the table ────────────────────────────────────────────────────────────────
const cell = (r, f) => (r.ok ? f(r) : `FAILED (${r.why})`)
const rss = (r) => (r.rssKiB ? fmtBytes(r.rssKiB * 1024) : '?')
const rows = [
  ['Figure', 'Wall time', 'Peak RSS', 'Notes'],
  ['store generated', `${fmt(genMs / 1000, 1)} s`, '—', `${fmtBytes(storeBytes)}; ${fmtBytes(storeBytes / RUNS)} per run line`],
  [
    '(a) readRecords, whole store',
    `${fmt(results.read.wallS, 2)} s`,
    rss(results.read),
    cell(results.read, (r) => `${r.records} records, ${r.warnings} warnings; ${fmt((storeBytes / (1 << 20)) / (r.ms / 1000), 0)} MiB/s in the loop`),
  ],
  [
    '(r) index built from the whole store',
    `${fmt(results.rebuild.wallS, 2)} s`,
    rss(results.rebuild),
    cell(results.rebuild, (r) => `${r.entries} entries, index ${fmtBytes(indexBytes)} (${fmt(indexBytes / Math.max(1, TESTS * RUNS), 0)} B per result)`),
  ],
  ...[
    ['report', '(b) report --format md', (r) => (r.reportBytes ? `wrote ${fmtBytes(r.reportBytes)}` : '')],
    ['check', '(b) check', () => ''],
    ['history', '(h) history, all tests', () => ''],
    ['finish', '(c) finishRun, compare', (r) => `${r.out.history} runs of history kept; ${Object.entries(r.out.kinds).map(([k, n]) => `${n} ${k}`).join(', ')}`],
  ].flatMap(([key, name, note]) => [
    [`${name}, index`, cell(results[key], (r) => `${fmt(r.wallS, 2)} s`), rss(results[key]), cell(results[key], note)],
    [`${name}, no index`, cell(results[`${key}_full`], (r) => `${fmt(r.wallS, 2)} s`), rss(results[`${key}_full`]), cell(results[`${key}_full`], note)],
  ]),
  [
    '(e) completeRun with reports, index',
    cell(results.complete, (r) => `${fmt(r.wallS, 2)} s`),
    rss(results.complete),
    cell(results.complete, (r) => `in-process ${fmt(r.out.ms / 1000, 2)} s; ${r.out.error ?? `${r.out.regressions} failing`}`),
  ],
  [
    '(d) appendRecord, 1-record store',
    cell(results.append, (r) => `${fmt(r.out.small.median, 1)} ms`),
    '—',
    cell(results.append, (r) => `median of ${APPENDS} (min ${fmt(r.out.small.min, 1)}, max ${fmt(r.out.small.max, 1)} ms); line ${fmtBytes(appendLine.length)}`),
  ],
  [
    `(d) appendRecord, ${RUNS}-run store`,
    cell(results.append, (r) => `${fmt(r.out.big.median, 1)} ms`),
    rss(results.append),
    cell(results.append, (r) => `median of ${APPENDS} (min ${fmt(r.out.big.min, 1)}, max ${fmt(r.out.big.max, 1)} ms); RSS of the whole (d) child`),
  ],
]
console.log(`\n━━ perf-regression scale: ${TESTS} tests × ${RUNS} runs (${fmtBytes(storeBytes)})`)
printTable(rows)
console.log(`\n${machine()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${fmtBytes(os.totalmem())} RAM; peak RSS from ${gnuTime ? 'GNU time (%M)' : 'process.resourceUsage().maxRSS'}`)
console.log(`Build measured: ${distDir}\nReproduce: npm run build && node bench/scale.mjs --tests ${TESTS} --runs ${RUNS}`)

writeJson(args.json, {
  tests: TESTS,
  runs: RUNS,
  raw_samples: RAW,
  store_bytes: storeBytes,
  generate_s: genMs / 1000,
  results: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { ...r, stdout: undefined, stderr: r.ok ? undefined : r.stderr?.slice(-2000) }])),
})
cleanup()
