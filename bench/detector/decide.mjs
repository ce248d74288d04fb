#!/usr/bin/env node
// The whole decision of a compare run, confirmation included, replayed on the recorded corpus.
//
// For a condition's run i (the "first run" of a compare job) the history is the idle runs
// recorded before it (the last --window, as baseline records), and the confirmation runs are
// the next runs recorded in the state confirmation would meet (see STATES below). The verdicts
// come from the package itself: detect() for the first run, then confirmSuspects() from
// dist/core/confirm.js with a confirmer that hands over those recorded runs one at a time and
// stops when the package's own `decided` says so, exactly as runConfirmations() does with real
// processes. Only the measurements are replayed.
//
// Injected slowdowns scale a quarter of the tests (first run and its confirmation runs alike); the
// others stay as recorded. Real slowdowns (idle-x<F>) are judged with every test slowed, and are
// confirmed by the other runs recorded at that factor.
//
// Cost: every confirmation run is one more runner process that measures only the suspects.
// Its wall time is modelled as START + suspects × TEST seconds against START + tests × TEST for
// the first run, with START and TEST from --start / --test (defaults measured on this machine:
// see docs/verdicts.md). The share of confirmation runs and suspects is measured, the model
// only turns them into seconds.
//
// Usage (after `npm run build`): node bench/detector/decide.mjs [--corpus DIR] [--json FILE]
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { median, printTable, rng, writeJson } from '../lib.mjs'
import { FILE, factorOf, loadCorpus, runRecord, scaledSample } from './corpus.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const repo = path.resolve(here, '../..')
const distDir = path.resolve(process.env.PERF_DIST ?? path.join(repo, 'dist'))
const dist = (p) => import(pathToFileURL(path.join(distDir, p)).href)
const { detect } = await dist('detect/detect.js')
const { severityOf } = await dist('detect/verdict.js')
const { DEFAULTS } = await dist('config/options.js')
const { confirmSuspects } = await dist('core/confirm.js')
const { suspectKey } = await dist('confirm/run.js')

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.join(here, 'corpus') },
    window: { type: 'string', default: '30' },
    'min-history': { type: 'string', default: '10' },
    start: { type: 'string', default: '1.6' },
    test: { type: 'string', default: '0.16' },
    json: { type: 'string' },
  },
})
const WINDOW = Number(args.window)
const MIN_HISTORY = Number(args['min-history'])
const START_S = Number(args.start)
const TEST_S = Number(args.test)
const SUITE = 50
const FACTORS = [1.0, 1.1, 1.3, 1.5, 1.7, 2.5]

const byCondition = loadCorpus(args.corpus)
const idle = byCondition.get('idle') ?? []
const TESTS = idle[0].results.map((r) => r.id)
// Slowdowns are injected into a quarter of the tests at a time (every 4th test: a mix of workloads
// and sizes); the other tests stay as recorded, so Benjamini–Hochberg still sees a realistic run.
const GROUPS = [0, 1, 2, 3].map((g) => TESTS.filter((_, i) => i % 4 === g))
const before = (list, t) => list.filter((r) => Date.parse(r.time) < Date.parse(t))
const after = (list, t) => list.filter((r) => Date.parse(r.time) > Date.parse(t))

const config = (thresholds) => ({ ...DEFAULTS, thresholds, baselineWindow: { ...DEFAULTS.baselineWindow, runs: WINDOW } })
const CONFIGS = { ours: config(DEFAULTS.thresholds), 'ours m1.05': config({ ...DEFAULTS.thresholds, minor: 1.05 }) }

/** A confirmer that hands over the recorded `runs` one per confirmation run, as real processes would. */
function replayConfirmer(runs, scale, tally) {
  return async (plan) => {
    const samples = new Map()
    let n = 0
    let stopped
    for (const run of runs.slice(0, plan.runs)) {
      n++
      for (const s of plan.suspects) {
        const key = suspectKey(s.file, s.name, undefined)
        const list = samples.get(key) ?? []
        list.push(scaledSample(run.byId.get(s.name), scale?.get(s.name) ?? 1))
        samples.set(key, list)
      }
      if (plan.decided?.(samples)) {
        if (n < plan.runs) stopped = 'decided'
        break
      }
    }
    tally.runs = n
    tally.suspects = plan.suspects.length
    return { samples, runs: n, seconds: 0, notes: [], ...(stopped ? { stopped } : {}) }
  }
}

/** Verdicts by test id of the first run alone and after confirmation, and what confirmation cost. */
async function decide(cfg, first, scale, history, confirmRuns) {
  const record = runRecord(first, TESTS, { mode: 'compare', scale })
  const now = new Date(first.time)
  const verdicts = detect({ current: record.results, history, config: cfg, now, runId: record.id, trends: false })
  const tally = { runs: 0, suspects: 0 }
  const confirmed = await confirmSuspects({ verdicts, record, history, events: [], config: cfg, now, confirm: replayConfirmer(confirmRuns, scale, tally) })
  const byId = (vs) => new Map(vs.map((v) => [v.test.name, v]))
  return { alone: byId(verdicts), confirmed: byId(confirmed.verdicts), cost: tally }
}

const predicted = (v) => (v.kind === 'regression' ? v.severity : v.kind === 'improvement' ? 'improvement' : v.kind)
const bandOf = (f, thresholds) => severityOf(f, thresholds) ?? 'none'
const pct = (x, digits = 1) => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : '–')

/**
 * The states a first run is judged in. `first` lists the judged runs, `history` gives the
 * baseline runs before one of them, `confirm` the runs confirmation meets after it.
 */
const STATES = []
const busy = byCondition.get('busy') ?? []
const crowded = byCondition.get('crowded') ?? []
const sameCondition = (list) => (run) => after(list, run.time)
STATES.push({ name: 'idle', first: idle, confirm: sameCondition(idle) })
if (busy.length) {
  STATES.push({ name: 'busy neighbour, still there for confirmation', first: busy, confirm: sameCondition(busy) })
  STATES.push({ name: 'busy neighbour, gone for confirmation', first: busy, confirm: (run) => after(idle, run.time) })
}
if (crowded.length) {
  // One member per crowd: the 8 members of a crowd share one moment.
  const firsts = crowded.filter((r) => r.crowd?.member === 0)
  const sameMember = (run) => after(crowded, run.time).filter((r) => r.crowd?.member === run.crowd?.member)
  STATES.push({ name: 'crowded (8 at once), still crowded for confirmation', first: firsts, confirm: sameMember })
  STATES.push({ name: 'crowded (8 at once), quiet for confirmation', first: firsts, confirm: (run) => after(idle, run.time) })
}

const started = performance.now()
const out = { states: {}, real: {}, cost: {} }
const runsNeeded = DEFAULTS.confirm.runs

for (const state of STATES) {
  const perFactor = new Map(FACTORS.map((f) => [f, { n: 0, alone: {}, confirmed: {}, right: {}, rightAlone: {} }]))
  const unchanged = { verdicts: { alone: [], confirmed: [] }, m105: { alone: [], confirmed: [] }, runs: [] }
  for (const first of state.first) {
    const history = before(idle, first.time).slice(-WINDOW)
    if (history.length < MIN_HISTORY) continue
    const confirmRuns = state.confirm(first).slice(0, runsNeeded)
    if (confirmRuns.length < runsNeeded) continue
    const records = history.map((r) => runRecord(r, TESTS))
    for (const f of FACTORS) {
      const cell = perFactor.get(f)
      const cases = f === 1 ? [undefined] : GROUPS.map((ids) => new Map(ids.map((id) => [id, f])))
      // `minor: 1.05` is only scored on unchanged code and at 1.1×.
      const configs = Object.entries(CONFIGS).filter(([name]) => name === 'ours' || f <= 1.1)
      for (const scale of cases) {
        const judged = {}
        for (const [name, cfg] of configs) judged[name] = await decide(cfg, first, scale, records, confirmRuns)
        const ids = scale ? [...scale.keys()] : TESTS
        for (const id of ids) {
          cell.n++
          for (const [name, cfg] of configs) {
            const truth = bandOf(f, cfg.thresholds)
            for (const [when, map, right] of [['alone', judged[name].alone, 'rightAlone'], ['confirmed', judged[name].confirmed, 'right']]) {
              const v = map.get(id)
              const flagged = v.kind === 'regression'
              cell[when][name] = (cell[when][name] ?? 0) + (flagged ? 1 : 0)
              const ok = truth === 'none' ? !flagged : predicted(v) === truth
              cell[right][name] = (cell[right][name] ?? 0) + (ok ? 1 : 0)
              if (f === 1) (name === 'ours' ? unchanged.verdicts : unchanged.m105)[when].push(flagged ? 1 : 0)
            }
          }
        }
        if (f === 1) {
          const c = judged.ours.cost
          const firstRun = START_S + TESTS.length * TEST_S
          const extra = c.runs * START_S + c.runs * c.suspects * TEST_S
          unchanged.runs.push({ runs: c.runs, suspects: c.suspects, share: extra / firstRun, fails: [...judged.ours.confirmed.values()].some((v) => v.kind === 'regression') })
        }
      }
    }
  }
  out.states[state.name] = { perFactor: Object.fromEntries(perFactor), unchanged }
  report(state.name, perFactor, unchanged)
  console.log(`   (${((performance.now() - started) / 1000).toFixed(0)} s so far)`)
}

function suiteFails(verdicts, seed) {
  if (verdicts.length === 0) return NaN
  const random = rng(seed)
  let failing = 0
  for (let s = 0; s < 20000; s++) {
    let any = false
    for (let k = 0; k < SUITE && !any; k++) any = verdicts[Math.floor(random() * verdicts.length)] === 1
    if (any) failing++
  }
  return failing / 20000
}

function report(name, perFactor, unchanged) {
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length
  console.log(`\n━━ ${name}: ${unchanged.runs.length} first runs of ${TESTS.length} tests`)
  const rows = [['factor', 'n', 'flagged alone', 'flagged confirmed', 'right alone', 'right confirmed', 'm1.05 flagged confirmed']]
  for (const [f, c] of perFactor) {
    rows.push([`${f.toFixed(2)}×`, c.n, pct(c.alone.ours / c.n), pct(c.confirmed.ours / c.n), pct(c.rightAlone.ours / c.n), pct(c.right.ours / c.n), pct(c.confirmed['ours m1.05'] / c.n)])
  }
  printTable(rows)
  const { verdicts, m105, runs } = unchanged
  const shares = runs.map((r) => r.share).sort((a, b) => a - b)
  console.log(
    `   unchanged: false regressions per test ${pct(mean(verdicts.alone), 2)} alone → ${pct(mean(verdicts.confirmed), 2)} confirmed` +
      ` (m1.05: ${pct(mean(m105.alone), 2)} → ${pct(mean(m105.confirmed), 2)});` +
      ` ${SUITE}-test suite fails ${pct(suiteFails(verdicts.alone, 1))} → ${pct(suiteFails(verdicts.confirmed, 1))} (resampled);` +
      ` ${TESTS.length}-test runs failing ${pct(mean(runs.map((r) => (r.fails ? 1 : 0))))}`,
  )
  console.log(
    `   confirmation of unchanged runs: ${pct(mean(runs.map((r) => (r.runs > 0 ? 1 : 0))))} of runs had suspects;` +
      ` ${mean(runs.map((r) => r.runs)).toFixed(2)} extra processes and ${mean(runs.map((r) => r.suspects)).toFixed(2)} suspects per run on average;` +
      ` added wall time (model: ${START_S} s start + ${TEST_S} s per test): mean ${pct(mean(shares))}, median ${pct(median(shares))}, worst ${pct(shares.at(-1))}`,
  )
}

// Real slowdowns: every test slowed for real, confirmed by the other runs at that factor.
const real = [...byCondition.keys()].filter((c) => c.startsWith('idle-x')).sort((a, b) => factorOf(a) - factorOf(b))
if (real.length) {
  console.log(`\n━━ real extra work (idle-x<F>: all ${TESTS.length} tests slowed; confirmation by the next runs at F, wrapping around)`)
  const rows = [['factor', 'n', 'flagged alone', 'flagged confirmed', 'right alone (nominal band)', 'right confirmed']]
  for (const c of real) {
    const f = factorOf(c)
    const list = byCondition.get(c)
    let n = 0
    let alone = 0
    let confirmed = 0
    let rightAlone = 0
    let right = 0
    for (let i = 0; i < list.length; i++) {
      const history = before(idle, list[i].time).slice(-WINDOW)
      if (history.length < MIN_HISTORY) continue
      const confirmRuns = [...list.slice(i + 1), ...list.slice(0, i)].slice(0, runsNeeded)
      const j = await decide(CONFIGS.ours, list[i], undefined, history.map((r) => runRecord(r, TESTS)), confirmRuns)
      const truth = bandOf(f, DEFAULTS.thresholds)
      for (const id of TESTS) {
        n++
        const a = j.alone.get(id)
        const v = j.confirmed.get(id)
        if (a.kind === 'regression') alone++
        if (v.kind === 'regression') confirmed++
        if (predicted(a) === truth) rightAlone++
        if (predicted(v) === truth) right++
      }
    }
    rows.push([`${f}×`, n, pct(alone / n), pct(confirmed / n), pct(rightAlone / n), pct(right / n)])
    out.real[f] = { n, alone: alone / n, confirmed: confirmed / n, rightAlone: rightAlone / n, right: right / n }
  }
  printTable(rows)
}
// Thread CPU time per call as a judged metric (`metrics: { thread_cpu: {} }`), one run alone:
// how often it reads a regression on unchanged code and on real slowdowns, next to wall time.
{
  const cfg = { ...CONFIGS.ours, metrics: { thread_cpu: {} } }
  const rows = [['runs judged', 'n', 'wall regression', 'thread_cpu finding (worse, gating)']]
  const judgeAlone = (name, firsts) => {
    let n = 0
    let wall = 0
    let thread = 0
    for (const first of firsts) {
      const history = before(idle, first.time).slice(-WINDOW)
      if (history.length < MIN_HISTORY) continue
      const record = runRecord(first, TESTS, { mode: 'compare' })
      const verdicts = detect({ current: record.results, history: history.map((r) => runRecord(r, TESTS)), config: cfg, now: new Date(first.time), runId: record.id, trends: false })
      for (const v of verdicts) {
        n++
        if (v.kind === 'regression') wall++
        if ((v.findings ?? []).some((f) => f.kind === 'metric' && f.metric === 'thread_cpu' && f.direction === 'worse' && f.gates)) thread++
      }
    }
    rows.push([name, n, pct(wall / n), pct(thread / n)])
    out.threadCpu = { ...(out.threadCpu ?? {}), [name]: { n, wall: wall / n, thread: thread / n } }
  }
  judgeAlone('idle, unchanged', idle)
  if (busy.length) judgeAlone('busy neighbour, unchanged', busy)
  if (crowded.length) judgeAlone('crowded, unchanged', crowded.filter((r) => r.crowd?.member === 0))
  for (const c of real) judgeAlone(`real ${factorOf(c)}×`, byCondition.get(c))
  console.log('\n━━ thread CPU time per call judged as a metric (one run alone, no confirmation)')
  printTable(rows)
}
console.log(`\ncorpus: ${path.relative(repo, args.corpus)}/ (${[...byCondition].map(([c, l]) => `${c}: ${l.length}`).join(', ')}); test file ${FILE}`)
console.log(`decided in ${((performance.now() - started) / 1000).toFixed(0)} s`)
if (args.json) writeJson(args.json, out)
