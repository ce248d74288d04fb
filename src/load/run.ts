/**
 * `perf.load()` under any runner: checks that the load test fits the test's timeout, runs it,
 * and turns the run into the test's result and the sample for the reporter.
 */
import { MetricsError } from '../config/perf-call.js'
import { ConfigError } from '../config/validate.js'
import { LOAD_METRIC_NAMES } from '../detect/metrics.js'
import type { MeasureBudget } from '../measure/measure.js'
import type { PerfSample } from '../types.js'
import { runLoad, type LoadDeps } from './engine.js'
import { plannedMs, type LoadCall, type LoadCallCheck } from './options.js'
import { loadResult, loadSample, type LoadResult } from './result.js'

export interface LoadMeasured {
  result: LoadResult
  sample: PerfSample
}

const seconds = (ms: number) => `${Number((ms / 1000).toPrecision(3))} s`

/**
 * Runs a checked load test. The fixed phases (ramp-up, warm-up and, with `duration`, the measured
 * phase of every level) must fit before the budget's deadline, or it is refused before any call;
 * the drain, and a phase ended by `calls`, are cut to fit. What was cut, and calls cut off at the
 * end, are told through `budget.onCapped`.
 * @throws ConfigError when the load test cannot fit the test's timeout; Error when no call of the
 * measured phase finished; MetricsError when `record` returns bad metrics or one perf.load() records itself.
 */
export async function measureLoad(
  fn: (call: LoadCall) => unknown,
  call: LoadCallCheck,
  options: { rawSamples: number; budget?: MeasureBudget | undefined },
  deps: LoadDeps,
): Promise<LoadMeasured> {
  const { plan } = call
  const until = options.budget?.until ?? Infinity
  const left = until - deps.clock.now()
  const planned = plannedMs(plan)
  if (planned > left) {
    const parts = [
      plan.rampUpMs > 0 ? `ramp-up ${seconds(plan.rampUpMs)}` : '',
      plan.warmupMs > 0 ? `warm-up ${seconds(plan.warmupMs)}` : '',
      plan.durationMs !== undefined ? `${seconds(plan.durationMs)} measured` : '',
    ].filter(Boolean)
    const each = plan.levels.length > 1 ? ` at each of ${plan.levels.length} levels` : ''
    throw new ConfigError([
      `perf.load() needs ${seconds(planned)} (${parts.join(', ')}${each}) but the test's timeout leaves ${seconds(Math.max(0, left))}: ` +
        "raise the test's timeout (the third argument of test()) or shorten duration, rampUp or warmup",
    ])
  }
  const run = await runLoad(fn, plan, deps, { until, signal: options.budget?.signal })
  const last = run.steps.at(-1)
  if (!last || last.latencies.count === 0) {
    throw new Error(
      `perf.load(): no call of the measured phase finished${run.unfinished > 0 ? ` (${run.unfinished} ${run.unfinished === 1 ? 'was' : 'were'} still running and cut off at the end)` : ''}; nothing was recorded`,
    )
  }
  const result = loadResult(run, plan)
  const extra = call.record ? await call.record(result) : undefined
  const clash = Object.keys(extra ?? {}).filter((k) => LOAD_METRIC_NAMES.includes(k))
  if (clash.length > 0) {
    throw new MetricsError(clash.map((k) => `metric ${JSON.stringify(k)}: perf.load() records it itself: call yours something else, like "${k} (custom)"`))
  }
  const notes = run.capped.length > 0 ? [`${run.capped.join(' and ')} to finish inside the test's timeout`] : []
  if (run.unfinished > 0) notes.push(`${run.unfinished} call${run.unfinished === 1 ? ' was' : 's were'} still running after the drain and ${run.unfinished === 1 ? 'was' : 'were'} cut off`)
  if (notes.length > 0) options.budget?.onCapped?.(`perf.load(): ${notes.join('; ')}`)
  return { result, sample: loadSample(run, plan, result, { name: call.name, rawSamples: options.rawSamples, extra }) }
}
