/**
 * The schema of everything perf-regression reads back: the lines of the history
 * store (runs and baseline events), the Jest workers' spool lines and the Jest
 * measurement settings. The stored types in `types.ts` are derived from it, so
 * what is checked and what the code may rely on cannot drift apart.
 *
 * Each schema's message says what was expected, in plain words; `record.ts`
 * turns the first problem into "path: expected …, got …" (a check on a whole
 * value says what is wrong instead).
 */
import * as v from 'valibot'

/** Version of the stored record format. */
export const SCHEMA_VERSION = 1

/** Deepest nesting of objects and arrays accepted in a record (a valid one has about 7 levels). */
export const MAX_DEPTH = 32
/** Most objects and arrays in one record (a 64 MiB line of records holds far fewer). */
const MAX_CONTAINERS = 1_000_000

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/** Whether `value` nests objects and arrays at most `MAX_DEPTH` levels deep. Iterative: deep input cannot overflow the stack. */
function shallow(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 1]]
  let containers = 0
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!
    if (typeof item !== 'object' || item === null) continue
    if (depth > MAX_DEPTH || ++containers > MAX_CONTAINERS) return false
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1])
    }
  }
  return true
}

/** Valibot's object schemas also take arrays; stored objects never are. */
const anObject = v.custom<Record<string, unknown>>(isObject, 'an object')

/**
 * An object with these fields. Fields the schema does not know are kept as they are
 * (a newer version may have written them; compact and merge must not lose them), except
 * `__proto__`, `constructor` and `prototype`. The type lists the known fields only.
 */
function struct<const E extends v.ObjectEntries>(entries: E): v.GenericSchema<Record<string, unknown>, v.InferOutput<v.ObjectSchema<E, undefined>>> {
  return v.pipe(anObject, v.looseObject(entries, 'an object'))
}

/** The whole value nests at most `MAX_DEPTH` levels (checked before its fields; the message is a whole sentence). */
const bounded = v.pipe(anObject, v.check((x: Record<string, unknown>) => shallow(x), `nested deeper than ${MAX_DEPTH} levels of objects and arrays`))

const str = v.string('a string')
const nonEmpty = v.pipe(str, v.minLength(1, 'a non-empty string'))
const num = v.pipe(v.number('a number'), v.finite('a finite number'))
const nonNegative = v.pipe(num, v.minValue(0, 'a number of 0 or more'))
const whole = v.pipe(num, v.integer('a whole number'), v.minValue(0, 'a whole number of 0 or more'))
const count = v.pipe(num, v.integer('a whole number'), v.minValue(1, 'a whole number of 1 or more'))
const flag = v.boolean('true or false')
const oneOf = <const T extends readonly string[]>(options: T) => {
  const quoted = options.map((o) => `"${o}"`)
  return v.picklist(options, quoted.length > 2 ? `one of ${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : quoted.join(' or '))
}
const list = <T extends v.GenericSchema>(item: T, what: string) => v.array(item, `an array of ${what}`)
const isFiniteNumber = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x)
/** Index of the first item that is not a finite number (holes of a sparse array included), or -1. */
function firstNotFinite(items: readonly unknown[]): number {
  for (let i = 0; i < items.length; i++) if (!isFiniteNumber(items[i])) return i
  return -1
}
/** Raw samples are most of a record: checked in one loop rather than item by item. */
const finiteNumbers = v.custom<number[]>(
  (x) => Array.isArray(x) && firstNotFinite(x) === -1,
  (issue) => (Array.isArray(issue.input) ? `an array of finite numbers (item ${firstNotFinite(issue.input)} is not)` : 'an array of finite numbers'),
)

/** ISO 8601 date and time, as `Date#toISOString` writes it (seconds and fraction optional, `Z` or an offset). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i
const isoTime = v.pipe(
  str,
  v.check((s) => ISO_TIME.test(s) && !Number.isNaN(Date.parse(s)), 'an ISO 8601 date and time like "2025-06-01T12:00:00.000Z"'),
)

export const SampleStatsSchema = struct({
  n: num,
  mean: num,
  median: v.pipe(num, v.gtValue(0, 'a number above 0')),
  p75: num,
  p99: num,
  min: num,
  max: num,
  sd: num,
})

export const CustomMetricSchema = struct({
  value: num,
  better: oneOf(['lower', 'higher'] as const),
  unit: str,
  /** Changes are judged by difference, not ratio. */
  absolute: v.optional(flag),
})

export const HeapGrowthSchema = struct({
  /** Slope, in bytes per call. */
  bytes_per_iteration: num,
  /** Two-sided 95% confidence interval of the slope, in bytes per call. */
  interval: v.pipe(
    v.strictTuple([num, num], 'two numbers, low to high'),
    v.check(([low, high]) => low <= high, 'two numbers, low to high'),
  ),
  /** One-sided p-value of "the slope is greater than 0". */
  p_value: v.pipe(num, v.minValue(0, 'a number from 0 to 1'), v.maxValue(1, 'a number from 0 to 1')),
  /** Calls made in the leak phase's batches. */
  iterations: count,
  /** Batches, each followed by a full GC and a heap reading. */
  batches: count,
})

/** Share of one core over a phase (0–1): on a CPU, and (Linux) waiting for one. */
const share = v.pipe(num, v.minValue(0, 'a number from 0 to 1'), v.maxValue(1, 'a number from 0 to 1'))
export const CoreShareSchema = struct({ cpu: share, wait: v.optional(share) })

const positive = v.pipe(num, v.gtValue(0, 'a number above 0'))

/** One level of a load test (`perf.load()`, or an imported load test's only level). */
export const LoadStepSchema = struct({
  /** Workers (closed model) or calls per second (open model); for imports, the most virtual users. */
  level: positive,
  /** Calls started in the measured phase that finished, failed ones included. */
  calls: whole,
  errors: whole,
  /** Calls finished per second of the measured phase. */
  throughput: nonNegative,
  /** Calls in flight on average. */
  concurrency: v.optional(nonNegative),
  /** Throughput per unit of level against the first level's. */
  efficiency: v.optional(nonNegative),
  latency_ns: struct({ p50: nonNegative, p95: nonNegative, p99: v.optional(nonNegative) }),
})

/** How a load sample was made; its figures are in `wall_ns` (latencies) and `metrics`. */
export const LoadInfoSchema = struct({
  /** `closed` (concurrency) or `open` (rate); absent for imported results, whose tool does not say. */
  model: v.optional(oneOf(['closed', 'open'] as const)),
  /** Open model: the most calls in flight at once. */
  max_concurrency: v.optional(count),
  /** Length of the last level's measured phase, in milliseconds. */
  duration_ms: nonNegative,
  /** Calls still running, or waiting for a slot, when they were cut off at the end. */
  unfinished: whole,
  /** The first distinct error messages, with how often each was seen. */
  error_messages: list(struct({ message: str, count: count }), 'error messages like { message, count }'),
  /** Every level in the order measured; the sample's figures are the last one's. */
  steps: v.pipe(list(LoadStepSchema, 'levels'), v.minLength(1, 'at least one level')),
})

export const PerfSampleSchema = struct({
  /** Label given with `perf(fn, { name })`; absent for the test's unnamed benchmark. */
  name: v.optional(str),
  /** Timed iterations. */
  iterations: v.pipe(num, v.minValue(1, 'a number of 1 or more')),
  /**
   * The untimed warm-up before the timed phase: how many calls, over how many
   * milliseconds (not counting the first call, which produces `perf()`'s return value).
   */
  warmup: struct({ iterations: num, time_ms: num }),
  /** Wall time per iteration, in nanoseconds. */
  wall_ns: SampleStatsSchema,
  /** A bounded, evenly spaced subset of the per-iteration wall times, in nanoseconds. */
  raw_wall_ns: finiteNumbers,
  /** Process CPU time (user + system) per timed iteration, in nanoseconds. */
  cpu_ns: v.optional(num),
  /** Process CPU use during the timed phase, in percent of one core (read in-process: process CPU time over the phase). */
  cpu_percent: v.optional(num),
  /** CPU time of the measuring thread per timed iteration, in nanoseconds (where from: `core.source`). */
  thread_cpu_ns: v.optional(num),
  /**
   * The share of one core the measuring thread got in each phase: its CPU time over the
   * phase's wall time, and on Linux the share it spent runnable but waiting for a core.
   * Far below 1 for a CPU-bound function means a busy machine, not slow code.
   */
  core: v.optional(struct({ source: v.picklist(['schedstat', 'thread', 'process']), timed: CoreShareSchema, warmup: v.optional(CoreShareSchema) })),
  /** V8 heap in use after the timed phase, in bytes. */
  heap_used_bytes: v.optional(num),
  /** Change of the V8 heap in use across the timed phase, in bytes. */
  heap_delta_bytes: v.optional(num),
  /** Resident set size of the process after the timed phase, in bytes. */
  rss_bytes: v.optional(num),
  /**
   * Heap retained per call after full GCs across the leak phase (only with `metrics: ['leak']`):
   * the least-squares slope of the heap in use after a full GC against the cumulative calls.
   */
  heap_growth: v.optional(HeapGrowthSchema),
  /** Wall time of the whole `perf()` call, warm-up and leak phase included, in milliseconds. */
  duration_ms: num,
  /**
   * Further metrics, each with its direction: those a test records with `perf(fn, { record })`,
   * and those of imported results (throughput, failure rate, percentiles).
   */
  metrics: v.optional(v.pipe(anObject, v.record(str, CustomMetricSchema, 'an object of metrics'))),
  /** Present on load samples (`perf.load()`, k6 imports): the levels measured and the errors seen. */
  load: v.optional(LoadInfoSchema),
})

export const TestRefSchema = struct({
  /** Test file, relative to the project root, with `/` separators. */
  file: str,
  /** Full test name: suite names and the test name joined with ` > `. */
  name: str,
  /** Vitest project (or Jest display) name; empty when there is none. */
  project: str,
  /** Label of a named `perf()` call inside the test. */
  bench: v.optional(str),
  /** Line of the test in its file, when the runner reports it (for annotations; not part of the identity). */
  line: v.optional(num),
})

export const RunnerInfoSchema = struct({
  /** `locust` and `k6` for imported results; Vitest bench imports use `vitest` with pool `bench`. */
  name: oneOf(['vitest', 'jest', 'locust', 'k6'] as const),
  version: str,
  /** Worker pool (`forks`, `threads`, `vmThreads`, ...). Timings of different pools are not comparable. */
  pool: str,
})

export const EnvInfoSchema = struct({
  cpu_model: str,
  cpu_count: num,
  os: str,
  arch: str,
  node_version: str,
  /** Name of the CI service, when one was detected. */
  ci: v.optional(str),
})

export const GitInfoSchema = struct({
  commit: v.optional(str),
  branch: v.optional(str),
})

export const TestResultSchema = struct({
  test: TestRefSchema,
  runner: RunnerInfoSchema,
  /** Compatibility key: results are only compared when their keys match. */
  env_key: str,
  sample: PerfSampleSchema,
})

export const AbRecordSchema = struct({
  /** The merge-base that was measured, in full. */
  base_commit: v.pipe(v.string('a hexadecimal commit id'), v.regex(/^[0-9a-f]{4,64}$/, 'a hexadecimal commit id')),
  /** The ref it was found from (`origin/main`). */
  base_ref: str,
  design: oneOf(['paired', 'processes'] as const),
  /** The base's results of the tests in both trees, measured in the same processes (paired) or the same job. */
  base_results: list(TestResultSchema, 'results'),
})

const RunFields = struct({
    schema: v.literal(SCHEMA_VERSION, `${SCHEMA_VERSION}`),
    kind: v.literal('run', '"run"'),
    id: nonEmpty,
    /** ISO 8601 time the run finished. */
    time: isoTime,
    /** `baseline` runs form baselines; `compare` runs are only judged. */
    mode: oneOf(['baseline', 'compare'] as const),
    /**
     * Runs of one `perf-regression vitest|jest --repeat N` invocation share a group: together
     * they are N observations of the same code, and compare runs are judged on their median.
     */
    group: v.optional(nonEmpty),
    git: GitInfoSchema,
    env: EnvInfoSchema,
    results: list(TestResultSchema, 'results'),
    /**
     * Present on A/B runs (`perf-regression ab`): `results` are the head's, measured next to the
     * base commit in the same job. Always a `compare` run: never part of a baseline.
     */
    ab: v.optional(AbRecordSchema),
})

export const RunRecordSchema = v.pipe(
  bounded,
  RunFields,
  v.forward(v.check((r: v.InferOutput<typeof RunFields>) => r.ab === undefined || r.mode === 'compare', '"compare" on an A/B run (ab is set)'), ['mode']),
)

const EventFields = struct({
    schema: v.literal(SCHEMA_VERSION, `${SCHEMA_VERSION}`),
    kind: v.literal('baseline-event', '"baseline-event"'),
    id: nonEmpty,
    /** ISO 8601 time of the event. */
    time: isoTime,
    action: oneOf(['accept', 'reset'] as const),
    /** The accepted run (for `accept`). */
    run_id: v.optional(str),
    /** Why, in the words of whoever did it. */
    reason: str,
    /** Who did it (git user, CI actor or login name). */
    who: str,
})

export const BaselineEventSchema = v.pipe(
  bounded,
  EventFields,
  v.forward(v.check((e: v.InferOutput<typeof EventFields>) => e.action !== 'accept' || (e.run_id ?? '') !== '', 'the id of the accepted run'), ['run_id']),
)

/** One line of a Jest worker's spool file (`src/jest/spool.ts`). */
export const SpooledSampleSchema = v.pipe(
  bounded,
  struct({
    /** Absolute path of the test file (`expect.getState().testPath`). */
    testPath: str,
    /** `expect.getState().currentTestName`: describe titles and test title joined by spaces. */
    testName: str,
    /** Set when another `perf()` overlapped this one: the test name cannot be trusted. */
    concurrent: v.optional(flag),
    sample: PerfSampleSchema,
  }),
)

/** A sample handed over from a test worker in memory (Vitest's task meta): bounded like a stored one. */
export const BoundedSampleSchema = v.pipe(bounded, PerfSampleSchema)

/** The measurement settings the Jest reporter hands to its workers. */
export const JestSettingsSchema = v.pipe(
  bounded,
  struct({
    measure: struct({
      time: nonNegative,
      iterations: count,
      warmupTime: nonNegative,
      warmupIterations: whole,
      metrics: list(oneOf(['cpu', 'memory', 'leak'] as const), '"cpu", "memory" or "leak"'),
    }),
    rawSamples: whole,
  }),
)
