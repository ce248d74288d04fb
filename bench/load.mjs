#!/usr/bin/env node
// The load generator's own ceiling: how many calls per second perf.load() drives, and how much
// time it adds to each call.
//
//   (a) against a no-op async function, in this process: the generator alone;
//   (b) against an HTTP server on 127.0.0.1 in a child process, next to autocannon (its
//       programmatic API) on the same server, in rotating rounds, the same connection count
//       and length; perf.load()'s calls use node:http with kept-alive connections, as a test
//       would, and a plain loop of as many workers making the same calls without perf.load()
//       tells the cost of that client from the generator's;
//   (c) the latency it adds: the p50 and p99 of a no-op call as perf.load() records it,
//       closed model (launch to settle) and open model (from the scheduled start: timer lag).
//
// Usage: node bench/load.mjs [--rounds 5] [--duration 2] [--connections 32] [--json FILE]   (after `npm run build`)
import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { fmt, fmtRatio, fmtSpread, machine, printTable, ratioOfMedians, spread, writeJson } from './lib.mjs'

const here = fileURLToPath(import.meta.url)
const repo = path.resolve(path.dirname(here), '..')
const dist = (p) => pathToFileURL(path.join(repo, 'dist', p)).href

// The child: a server that answers every request at once.
if (process.argv[2] === '--serve') {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' })
    res.end('ok')
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
  process.on('disconnect', () => process.exit(0))
} else {
  await main()
}

async function main() {
  if (!existsSync(path.join(repo, 'dist/load/engine.js'))) {
    console.error('dist/ is missing: run `npm run build` first.')
    process.exit(2)
  }
  const { runLoad } = await import(dist('load/engine.js'))
  const { defaultLoadDeps } = await import(dist('load/clock.js'))
  const { checkLoadCall } = await import(dist('load/options.js'))
  const { loadResult } = await import(dist('load/result.js'))

  const { values: args } = parseArgs({
    options: { rounds: { type: 'string', default: '5' }, duration: { type: 'string', default: '2' }, connections: { type: 'string', default: '32' }, json: { type: 'string' } },
  })
  const rounds = Number(args.rounds)
  const seconds = Number(args.duration)
  const connections = Number(args.connections)
  if (!Number.isInteger(rounds) || rounds < 2 || !(seconds > 0) || !Number.isInteger(connections) || connections < 1) {
    console.error('--rounds must be an integer >= 2, --duration a number of seconds > 0, --connections an integer >= 1')
    process.exit(2)
  }

  /** The result for the test, and the last level's latencies in ns (the result rounds them to µs). */
  const load = async (fn, options) => {
    const { plan } = checkLoadCall(fn, options)
    const run = await runLoad(fn, plan, defaultLoadDeps)
    const h = run.steps.at(-1).latencies
    return { ...loadResult(run, plan), ns: { p50: h.percentile(50), p99: h.percentile(99) } }
  }
  const noop = async () => {}

  const child = fork(here, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port))
    child.once('error', reject)
  })
  const url = `http://127.0.0.1:${port}/`
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  const get = () =>
    new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        res.resume()
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))))
      })
      req.on('error', reject)
    })
  const ours = async () => {
    const r = await load(get, { concurrency: connections, duration: seconds * 1000, warmup: 300, drain: 2000 })
    if (r.errors > 0) throw new Error(`perf.load() saw ${r.errors} errors: ${JSON.stringify(r.errorMessages)}`)
    return { rate: r.throughput, p50: r.latencyMs.p50, p99: r.latencyMs.p99 }
  }
  const plain = async () => {
    const until = performance.now() + 300
    const work = async (end, count) => {
      let n = 0
      while (performance.now() < end) {
        await get()
        n++
      }
      return count ? n : 0
    }
    await Promise.all(Array.from({ length: connections }, () => work(until, false)))
    const start = performance.now()
    const end = start + seconds * 1000
    const counts = await Promise.all(Array.from({ length: connections }, () => work(end, true)))
    return { rate: (counts.reduce((a, b) => a + b, 0) * 1000) / (performance.now() - start) }
  }
  const cannon = async () => {
    const r = await autocannon({ url, connections, duration: seconds, pipelining: 1 })
    if (r.errors > 0 || r.non2xx > 0) throw new Error(`autocannon saw ${r.errors} errors and ${r.non2xx} non-2xx responses`)
    return { rate: r.requests.total / r.duration, p50: r.latency.p50, p99: r.latency.p99 }
  }

  // Untimed first round of each: JIT, connections, the child's warm-up.
  await ours()
  await cannon()
  await load(noop, { concurrency: connections, duration: 300, warmup: 0 })
  const A = []
  const B = []
  const C = []
  const noopClosed = []
  const noopOne = []
  const noopOpen = []
  for (let r = 0; r < rounds; r++) {
    // The order rotates, so drift over the run falls on every side alike.
    const sides = [() => ours().then((x) => A.push(x)), () => cannon().then((x) => B.push(x)), () => plain().then((x) => C.push(x))]
    for (let k = 0; k < sides.length; k++) await sides[(k + r) % sides.length]()
    noopClosed.push(await load(noop, { concurrency: connections, duration: seconds * 1000, warmup: 200 }))
    noopOne.push(await load(noop, { concurrency: 1, duration: seconds * 500, warmup: 200 }))
    noopOpen.push(await load(noop, { rate: 2000, maxConcurrency: connections, duration: seconds * 500, warmup: 200 }))
    if (process.stderr.isTTY) process.stderr.write(`\rload: round ${r + 1}/${rounds}`)
  }
  if (process.stderr.isTTY) process.stderr.write('\n')
  agent.destroy()
  child.disconnect()

  const col = (xs, key) => xs.map((x) => x[key])
  const figures = {
    rounds,
    seconds,
    connections,
    noop: { closed: spread(noopClosed.map((r) => r.throughput)), single: spread(noopOne.map((r) => r.throughput)) },
    http: { perfLoad: spread(col(A, 'rate')), autocannon: spread(col(B, 'rate')), ...ratioOfMedians(col(A, 'rate'), col(B, 'rate')) },
    plainLoop: { rate: spread(col(C, 'rate')), ...ratioOfMedians(col(A, 'rate'), col(C, 'rate'), { seed: 2 }) },
    httpLatency: { perfLoad: spread(col(A, 'p50')), autocannon: spread(col(B, 'p50')) },
    added: {
      closedP50: spread(noopOne.map((r) => r.ns.p50 / 1000)),
      closedP99: spread(noopOne.map((r) => r.ns.p99 / 1000)),
      openP50: spread(noopOpen.map((r) => r.ns.p50 / 1000)),
      openP99: spread(noopOpen.map((r) => r.ns.p99 / 1000)),
    },
  }

  console.log(`\nperf.load() ceiling, ${rounds} rounds of ${seconds} s, ${connections} workers/connections (${machine()})`)
  console.log('Cells: median over rounds [min–max]; ratio = median(perf.load) / median(autocannon), CI by paired bootstrap over rounds.\n')
  printTable([
    ['figure', 'perf.load()', 'autocannon', 'ratio'],
    [`(a) no-op async fn, ${connections} workers, calls/s`, fmtSpread(figures.noop.closed, 0), '', ''],
    ['(a) no-op async fn, 1 worker, calls/s', fmtSpread(figures.noop.single, 0), '', ''],
    ['(b) HTTP GET on 127.0.0.1, requests/s', fmtSpread(figures.http.perfLoad, 0), fmtSpread(figures.http.autocannon, 0), fmtRatio(figures.http)],
    ['(b) the same node:http calls in a plain loop, requests/s', fmtSpread(figures.plainLoop.rate, 0), '', `perf.load / plain: ${fmtRatio(figures.plainLoop)}`],
    ['(b) HTTP GET latency p50, ms', fmtSpread(figures.httpLatency.perfLoad, 2), fmtSpread(figures.httpLatency.autocannon, 2), ''],
    ['(c) a no-op call as recorded, closed, p50 µs', fmtSpread(figures.added.closedP50, 3), '', ''],
    ['(c) a no-op call as recorded, closed, p99 µs', fmtSpread(figures.added.closedP99, 3), '', ''],
    ['(c) open model lag at 2000/s, p50 µs', fmtSpread(figures.added.openP50, 1), '', ''],
    ['(c) open model lag at 2000/s, p99 µs', fmtSpread(figures.added.openP99, 1), '', ''],
  ])
  console.log('\n(b) perf.load() calls node:http with kept-alive connections; autocannon writes requests on raw sockets. Both share this process, the server has its own.')
  console.log('(c) closed: the time between a no-op call\'s launch and its settling, which every recorded latency includes;')
  console.log('    open: how late calls start after their scheduled time (Node timers fire in whole milliseconds), which the open model\'s latencies include.')
  console.log(`    ${fmt(figures.noop.single.median, 0)} no-op calls/s on one worker is ${fmt(1e6 / figures.noop.single.median, 2)} µs of the generator per call in all.`)
  writeJson(args.json, figures)
}
