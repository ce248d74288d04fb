// Reading the recorded corpus (record.mjs) and turning its runs into the detector's records.
// Shared by replay.mjs (one run judged alone) and decide.mjs (the whole decision, confirmation included).
import { existsSync, readdirSync, readFileSync } from 'node:fs'

/** Runs by condition (`idle`, `busy`, `crowded`, `idle-x1.3`, …), each list in recording order. */
export function loadCorpus(dir) {
  if (!existsSync(dir)) {
    console.error(`no corpus at ${dir}: record one with \`nice -n 10 node bench/detector/record.mjs\``)
    process.exit(2)
  }
  const byCondition = new Map()
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(`${dir}/${f}`, 'utf8').split('\n')) {
      if (!line.trim()) continue
      const run = JSON.parse(line)
      run.byId = new Map(run.results.map((r) => [r.id, r.sample]))
      const list = byCondition.get(run.condition) ?? []
      list.push(run)
      byCondition.set(run.condition, list)
    }
  }
  for (const list of byCondition.values()) list.sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
  return byCondition
}

export const factorOf = (condition) => Number(condition.slice('idle-x'.length))

export const RUNNER = { name: 'vitest', version: 'bench', pool: 'forks' }
export const ENV = { cpu_model: 'bench', cpu_count: 2, os: 'linux', arch: 'x64', node_version: process.version }
export const FILE = 'bench/detector/workloads.mjs'
export const testRef = (id) => ({ file: FILE, name: id, project: '' })

/** A sample with its wall times (median, mean, raw iterations) scaled by `f`: an injected slowdown. */
export function scaledSample(s, f) {
  if (f === 1) return s
  return {
    ...s,
    wall_ns: { ...s.wall_ns, median: s.wall_ns.median * f, mean: s.wall_ns.mean * f, p75: s.wall_ns.p75 * f, p99: s.wall_ns.p99 * f, min: s.wall_ns.min * f, max: s.wall_ns.max * f },
    ...(s.raw_wall_ns ? { raw_wall_ns: s.raw_wall_ns.map((x) => x * f) } : {}),
  }
}

/** A RunRecord of a corpus run over `tests`; `scale` maps test id → factor applied to its values. */
export function runRecord(run, tests, { mode = 'baseline', scale } = {}) {
  return {
    schema: 1,
    kind: 'run',
    id: `${run.session}#${run.seq}`,
    time: run.time,
    mode,
    git: {},
    env: ENV,
    results: tests.map((id) => ({ test: testRef(id), runner: RUNNER, env_key: 'bench', sample: scaledSample(run.byId.get(id), scale?.get(id) ?? 1) })),
  }
}
