/**
 * The load generator. Closed model: `level` workers, each starting its next call when its
 * last one ends. Open model: calls start at their scheduled arrival times whatever the
 * earlier ones take, at most `maxConcurrency` at once; a call due while all slots are busy
 * waits for one, and its latency counts from its scheduled start (no coordinated omission).
 *
 * Each level runs its ramp-up, its warm-up (neither recorded) and its measured phase. Then
 * no call starts any more, the calls still running (and, open model, still waiting) get
 * `drainMs` to finish, and the rest are cut off: counted as unfinished, their signal aborted,
 * whatever they do later ignored. The clock, its timers and the process readings are
 * injected, so tests drive the generator on a simulated clock.
 */
import { printable } from '../report/printable.js'
import { latencies } from './histogram.js'
import type { LoadBudget, LoadCall, LoadDeps, LoadPlan, LoadRun, StepRun } from './types.js'

export type { LoadBudget, LoadClock, LoadDeps, LoadProbes, LoadRun, StepRun } from './types.js'
import { Arrivals, workerStarts } from './schedule.js'

/** Distinct error messages kept; longer messages are cut to `MESSAGE_CHARS`. */
const MESSAGES = 5
const MESSAGE_CHARS = 200
/** How often (ms) a closed worker lets the event loop run, when its calls never wait on it. */
const YIELD_MS = 5

interface Open extends StepRun {
  openAt: number
  closeAt: number
  areaAtOpen: number
  cpuAtOpen: { user: number; system: number }
}
interface InFlight {
  /** When the call started (open model: was scheduled to). */
  at: number
}

/** A signal aborted by `parent` too, and how to let go of `parent` afterwards (AbortSignal.any needs Node 20.3). */
function linked(parent: AbortSignal): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController()
  const abort = () => controller.abort()
  if (parent.aborted) controller.abort()
  else parent.addEventListener('abort', abort, { once: true })
  return { controller, dispose: () => parent.removeEventListener('abort', abort) }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  return reason instanceof Error ? reason : new Error('perf.load(): the test was aborted, so the load test stopped')
}

/** Runs a load test of `fn` by `plan`. Rejects only when the test is aborted; calls that throw are counted as errors. */
export async function runLoad(fn: (call: LoadCall) => unknown, plan: LoadPlan, deps: LoadDeps, budget: LoadBudget = { until: Infinity }): Promise<LoadRun> {
  const { clock, probes } = deps
  const histogram = deps.histogram ?? latencies
  if (budget.signal?.aborted) throw abortReason(budget.signal)
  const stop = new AbortController()
  const cut = new AbortController()
  const onAbort = () => stop.abort()
  budget.signal?.addEventListener('abort', onAbort, { once: true })
  const call: LoadCall = { signal: cut.signal }
  const started = clock.now()
  const heapBefore = probes.memoryUsage().heapUsed

  const steps: Open[] = []
  const capped: string[] = []
  const messages = new Map<string, number>()
  const pending = new Set<InFlight>()
  /** Scheduled times of the open model's calls waiting for a slot. */
  const backlog: number[] = []
  let head = 0
  let window: Open | undefined
  let area = 0
  let lastChange = started
  let warmupCalls = 0
  let stopping = false
  let closed = false
  let lastYield = started
  /** Told when a call finishes: the end of a `calls` phase, or of the drain. */
  let onSettled: (() => void) | undefined

  const track = (now: number) => {
    area += pending.size * (now - lastChange)
    lastChange = now
  }
  const note = (error: unknown) => {
    const text = error instanceof Error ? error.message || error.name : String(error)
    const message = [...printable(text)].slice(0, MESSAGE_CHARS).join('')
    if (messages.has(message) || messages.size < MESSAGES) messages.set(message, (messages.get(message) ?? 0) + 1)
  }
  /** The measured phase a call belongs to: the one open when it started (or was scheduled to). */
  const ownerAt = (at: number): Open | undefined => {
    for (let i = steps.length - 1; i >= 0; i--) {
      const s = steps[i]!
      if (at >= s.openAt && at < s.closeAt) return s
      if (at >= s.closeAt) return undefined
    }
    return undefined
  }

  function settle(entry: InFlight, failed: boolean, error: unknown): void {
    if (closed || !pending.has(entry)) return
    const now = clock.now()
    track(now)
    pending.delete(entry)
    const owner = ownerAt(entry.at)
    if (owner) {
      owner.latencies.record((now - entry.at) * 1e6)
      if (failed) {
        owner.errors++
        note(error)
      }
    } else warmupCalls++
    if (window) window.completed++
    pump()
    onSettled?.()
  }

  function launch(scheduled: number): Promise<void> {
    track(clock.now())
    const entry: InFlight = { at: scheduled }
    pending.add(entry)
    let result: unknown
    try {
      result = fn(call)
    } catch (error) {
      result = Promise.reject(error)
    }
    return Promise.resolve(result).then(
      () => settle(entry, false, undefined),
      (error: unknown) => settle(entry, true, error),
    )
  }

  // Closed model: workers by index; those at or above `target` stop after their current call.
  let target = 0
  const running = new Set<number>()
  function spawn(index: number): void {
    if (running.has(index)) return
    running.add(index)
    void (async () => {
      while (!stopping && index < target) {
        await launch(clock.now())
        if (clock.now() - lastYield >= YIELD_MS) {
          lastYield = clock.now()
          await clock.yield()
        }
      }
      running.delete(index)
    })()
  }

  // Open model: arrivals wait in the backlog for a free slot.
  const arrivals = new Arrivals(started)
  let sleeper = new AbortController()
  const wake = () => sleeper.abort()
  function pump(): void {
    if (plan.model !== 'open' || closed) return
    while (head < backlog.length && pending.size < plan.maxConcurrency) {
      void launch(backlog[head++]!)
    }
    if (head > 1024 && head * 2 > backlog.length) backlog.splice(0, head), (head = 0)
  }
  async function dispatch(): Promise<void> {
    while (!stopping) {
      if (arrivals.peek() > clock.now()) {
        await clock.sleepUntil(arrivals.peek(), sleeper.signal)
        if (sleeper.signal.aborted) sleeper = new AbortController()
        continue
      }
      while (arrivals.peek() <= clock.now()) backlog.push(arrivals.take())
      pump()
    }
  }

  const sleep = (at: number) => clock.sleepUntil(Math.min(at, budget.until), stop.signal)
  const halt = () => stop.signal.aborted || clock.now() >= budget.until
  const dispatcher = plan.model === 'open' ? dispatch() : Promise.resolve()

  let prev = 0
  for (const [j, level] of plan.levels.entries()) {
    if (halt()) break
    const rampStart = clock.now()
    if (plan.model === 'closed') {
      if (level < target) target = level
      for (const [k, at] of workerStarts(rampStart, Math.min(prev, level), level, plan.rampUpMs).entries()) {
        if (at > clock.now()) await sleep(at)
        if (halt()) break
        target = Math.max(target, Math.min(prev, level) + k + 1)
        spawn(target - 1)
      }
    } else {
      arrivals.segment(rampStart, level, plan.rampUpMs)
      wake()
    }
    await sleep(rampStart + plan.rampUpMs)
    await sleep(clock.now() + plan.warmupMs)
    if (halt()) break
    const openAt = clock.now()
    track(openAt)
    const step: Open = {
      level, durationMs: 0, latencies: histogram(), errors: 0, completed: 0, concurrency: 0, cpuUs: 0,
      openAt, closeAt: Infinity, areaAtOpen: area, cpuAtOpen: probes.cpuUsage(),
    }
    steps.push(step)
    window = step
    if (plan.durationMs !== undefined) {
      await sleep(openAt + plan.durationMs)
    } else {
      // Each remaining level gets an equal share of the time left, keeping the drain's.
      const share = (budget.until - plan.drainMs - openAt) / (plan.levels.length - j)
      const stepUntil = Math.max(openAt, openAt + share)
      const enough = linked(stop.signal)
      onSettled = () => {
        if (step.completed >= plan.calls!) enough.controller.abort()
      }
      await clock.sleepUntil(Math.min(stepUntil, budget.until), enough.controller.signal)
      onSettled = undefined
      enough.dispose()
      if (step.completed < plan.calls! && !stop.signal.aborted) capped.push(`the measured phase at level ${level} finished ${step.completed} of ${plan.calls} calls`)
    }
    const closeAt = clock.now()
    track(closeAt)
    if (plan.durationMs !== undefined && closeAt - openAt < plan.durationMs - 1e-9 && !stop.signal.aborted) {
      capped.push(`the measured phase at level ${level} lasted ${Math.round(closeAt - openAt)} of ${plan.durationMs} ms`)
    }
    const cpu = probes.cpuUsage()
    step.closeAt = closeAt
    step.durationMs = closeAt - openAt
    step.concurrency = step.durationMs > 0 ? (area - step.areaAtOpen) / step.durationMs : pending.size
    step.cpuUs = cpu.user - step.cpuAtOpen.user + (cpu.system - step.cpuAtOpen.system)
    window = undefined
    prev = level
  }
  const skipped = plan.levels.length - steps.length
  if (skipped > 0 && !stop.signal.aborted) capped.push(`${skipped} of ${plan.levels.length} levels did not run`)

  // No new calls; the running (and waiting) ones get the drain to finish.
  stopping = true
  target = 0
  wake()
  await dispatcher
  const idle = () => pending.size === 0 && head >= backlog.length
  if (!idle() && !stop.signal.aborted) {
    const done = linked(stop.signal)
    onSettled = () => {
      if (idle()) done.controller.abort()
    }
    await clock.sleepUntil(Math.min(clock.now() + plan.drainMs, budget.until), done.controller.signal)
    onSettled = undefined
    done.dispose()
  }
  const unfinished = pending.size + (backlog.length - head)
  closed = true
  pending.clear()
  backlog.length = 0
  cut.abort(new Error('perf.load(): the load test ended before this call finished'))
  budget.signal?.removeEventListener('abort', onAbort)
  if (budget.signal?.aborted) throw abortReason(budget.signal)
  const memory = probes.memoryUsage()
  return {
    steps: steps.map(({ level, durationMs, latencies: l, errors, completed, concurrency, cpuUs }) => ({ level, durationMs, latencies: l, errors, completed, concurrency, cpuUs })),
    warmup: { calls: warmupCalls, ms: steps.length > 0 ? steps.reduce((sum, s, i) => sum + (s.openAt - (i === 0 ? started : steps[i - 1]!.closeAt)), 0) : clock.now() - started },
    unfinished,
    errorMessages: [...messages].map(([message, count]) => ({ message, count })),
    capped,
    memory: { heapBefore, heapAfter: memory.heapUsed, rss: memory.rss },
    totalMs: clock.now() - started,
  }
}
