import path from 'node:path'
import { describe, test, expect } from 'vitest'
import { DEFAULTS, DEFAULT_MEASURE, type Bands } from '../../src/config/options.js'
import { ConfigError, validateMeasure, validateOptions } from '../../src/config/validate.js'
import { detect } from '../../src/detect/detect.js'
import { baselineRuns, detectConfig, noisy, NOW, result } from './helpers.js'

/** The problems validateOptions reports for `input` (fails the test when it does not throw). */
function problemsOf(input: unknown): string[] {
  try {
    validateOptions(input)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).problems
  }
  throw new Error('expected validateOptions to throw a ConfigError')
}

const ALLOWED = 'baselineMode, store, allowOutsideRoot, failOn, thresholds, tests, metrics, confidence, minSamples, baselineWindow, rawSamples, measure, reports, github, ab, confirm, notify'

describe('defaults', () => {
  test('every default', () => {
    expect(DEFAULTS).toEqual({
      baselineMode: 'compare',
      store: '.perf/benchmarks.jsonl',
      allowOutsideRoot: false,
      failOn: 'minor',
      thresholds: { minor: 1.2, moderate: 1.5, critical: 2.0 },
      tests: [],
      metrics: {},
      confidence: 0.95,
      minSamples: 5,
      baselineWindow: { runs: 30, days: 90 },
      rawSamples: 64,
      measure: { time: 100, iterations: 10, warmupTime: 20, warmupIterations: 5, metrics: ['cpu', 'memory'] },
      reports: { markdown: '.perf/report.md', json: '.perf/analysis.json', html: '.perf/dashboard.html', issue: '.perf/regression-issue.md' },
      github: 'auto',
      ab: {
        base: undefined,
        design: 'auto',
        thresholds: { minor: 1.03, moderate: 1.15, critical: 1.5 },
        processes: undefined,
        maxRounds: undefined,
        budget: 300,
        cycles: 10,
        roundTime: 5,
        setup: undefined,
      },
      confirm: { runs: 4, budget: 60 },
      notify: false,
    })
    expect(DEFAULTS.measure).toEqual(DEFAULT_MEASURE)
  })

  test('no options and empty options resolve to the defaults', () => {
    expect(validateOptions(undefined)).toEqual(DEFAULTS)
    expect(validateOptions({})).toEqual(DEFAULTS)
  })

  test('partial options are merged over the defaults', () => {
    const config = validateOptions({
      baselineMode: 'establish',
      failOn: 'never',
      thresholds: { critical: 3 },
      baselineWindow: { days: 7 },
      measure: { time: 50, metrics: ['cpu', 'cpu'] },
      store: 'perf/history.jsonl',
    })
    expect(config.baselineMode).toBe('establish')
    expect(config.failOn).toBe('never')
    expect(config.thresholds).toEqual({ minor: 1.2, moderate: 1.5, critical: 3 })
    expect(config.baselineWindow).toEqual({ runs: 30, days: 7 })
    expect(config.measure).toEqual({ ...DEFAULT_MEASURE, time: 50, metrics: ['cpu'] })
    expect(config.store).toBe('perf/history.jsonl')
    expect(config.minSamples).toBe(5)
  })

  test('resolving does not modify the defaults', () => {
    validateOptions({ thresholds: { minor: 1.1 }, baselineWindow: { runs: 10 } })
    expect(DEFAULTS.thresholds).toEqual({ minor: 1.2, moderate: 1.5, critical: 2.0 })
    expect(DEFAULTS.baselineWindow).toEqual({ runs: 30, days: 90 })
  })

  test('the defaults are deeply frozen: changing them throws', () => {
    const loose = DEFAULTS as unknown as Record<string, Record<string, unknown>>
    expect(() => (loose.thresholds!.minor = 1.01)).toThrow(TypeError)
    expect(() => (loose.reports!.markdown = '/tmp/x.md')).toThrow(TypeError)
    expect(() => (loose.measure!.metrics as string[]).push('leak')).toThrow(TypeError)
    expect(() => (loose.ab!.thresholds as Record<string, number>).minor = 1).toThrow(TypeError)
    expect(() => (loose.tests as unknown as unknown[]).push({ pattern: '*', thresholds: {} })).toThrow(TypeError)
    expect(() => ((loose as Record<string, unknown>).store = 'x')).toThrow(TypeError)
    expect(DEFAULTS.thresholds.minor).toBe(1.2)
    expect(DEFAULTS.measure.metrics).toEqual(['cpu', 'memory'])
    expect(DEFAULT_MEASURE.metrics).toEqual(['cpu', 'memory'])
  })

  test('a resolved configuration is frozen too, and one resolution never leaks into the next', () => {
    const first = validateOptions({ thresholds: { minor: 1.3 }, measure: { metrics: ['cpu'] } })
    expect(Object.isFrozen(first.measure.metrics)).toBe(true)
    expect(() => (first.measure.metrics as string[]).push('leak')).toThrow(TypeError)
    expect(() => ((first.thresholds as { minor: number }).minor = 1.9)).toThrow(TypeError)
    const second = validateOptions({})
    expect(second.thresholds).toEqual({ minor: 1.2, moderate: 1.5, critical: 2 })
    expect(second.measure.metrics).toEqual(['cpu', 'memory'])
    expect(validateOptions({ thresholds: { minor: 1.3 }, measure: { metrics: ['cpu'] } })).toEqual(first)
  })

  test('metrics: [] records wall time only', () => {
    expect(validateOptions({ measure: { metrics: [] } }).measure.metrics).toEqual([])
  })

  test('test overrides keep their patterns in order', () => {
    const config = validateOptions({ tests: { 'parse *': { thresholds: { minor: 1.3 } }, 'render ?': {} } })
    expect(config.tests).toEqual([
      { pattern: 'parse *', thresholds: { minor: 1.3 } },
      { pattern: 'render ?', thresholds: {} },
    ])
  })
})

describe('error messages name the key, the value and what is allowed', () => {
  test.each<[string, unknown, string]>([
    ['threshold below 1', { thresholds: { minor: 0.8 } }, 'thresholds.minor must be a number greater than 1 (got 0.8)'],
    ['threshold not a number', { thresholds: { critical: '2' } }, 'thresholds.critical must be a number greater than 1 (got "2")'],
    ['thresholds not an object', { thresholds: 1.2 }, 'thresholds must be an object like { minor: 1.2, moderate: 1.5, critical: 2 } (got 1.2)'],
    ['unknown severity', { thresholds: { major: 1.3 } }, 'unknown option thresholds.major (allowed: minor, moderate, critical)'],
    [
      'bands out of order',
      { thresholds: { minor: 1.6 } },
      'thresholds must be in increasing order minor < moderate < critical (got minor 1.6, moderate 1.5, critical 2)',
    ],
    ['negative measure.time', { measure: { time: -1 } }, 'measure.time must be a number at least 0 (got -1)'],
    ['zero iterations', { measure: { iterations: 0 } }, 'measure.iterations must be an integer at least 1 (got 0)'],
    ['fractional iterations', { measure: { iterations: 2.5 } }, 'measure.iterations must be an integer at least 1 (got 2.5)'],
    ['negative warm-up', { measure: { warmupIterations: -1 } }, 'measure.warmupIterations must be an integer at least 0 (got -1)'],
    ['unknown metric', { measure: { metrics: ['gpu'] } }, 'measure.metrics[0] must be one of "cpu", "memory", "leak" (got "gpu")'],
    ['metrics not an array', { measure: { metrics: 'cpu' } }, 'measure.metrics must be an array of "cpu", "memory", "leak" (got "cpu")'],
    [
      'unknown measure key',
      { measure: { warmup: 5 } },
      'unknown option measure.warmup (allowed: time, iterations, warmupTime, warmupIterations, metrics)',
    ],
    ['bad baselineMode', { baselineMode: 'fast' }, 'baselineMode must be one of "establish", "compare" (got "fast")'],
    ['bad failOn', { failOn: 'major' }, 'failOn must be one of "minor", "moderate", "critical", "never" (got "major")'],
    ['empty store', { store: '  ' }, 'store must be a non-empty file path (got "  ")'],
    ['confidence of 1', { confidence: 1 }, 'confidence must be a number greater than 0.5 and less than 1 (got 1)'],
    ['minSamples of 1', { minSamples: 1 }, 'minSamples must be an integer at least 2 (got 1)'],
    ['rawSamples negative', { rawSamples: -5 }, 'rawSamples must be an integer at least 0 (got -5)'],
    ['window days of 0', { baselineWindow: { days: 0 } }, 'baselineWindow.days must be a number greater than 0 (got 0)'],
    ['window not an object', { baselineWindow: 30 }, 'baselineWindow must be an object like { runs: 30, days: 90 } (got 30)'],
    [
      'window smaller than minSamples',
      { baselineWindow: { runs: 3 } },
      'baselineWindow.runs (3) must be at least minSamples (5), or no test could ever be judged',
    ],
    ['unknown key', { fail: 'minor' }, `unknown option fail (allowed: ${ALLOWED})`],
    ['tests not an object', { tests: ['parse *'] }, 'tests must be an object keyed by test-name glob (got ["parse *"])'],
    [
      'test override not an object',
      { tests: { 'parse *': 1.3 } },
      `tests["parse *"] must be an object like { thresholds: { minor: 1.3 } } or { metrics: { 'error rate': { max: 5 } } } (got 1.3)`,
    ],
    [
      'test override out of order',
      { tests: { 'parse *': { thresholds: { minor: 1.7 } } } },
      'tests["parse *"].thresholds must be in increasing order minor < moderate < critical (got minor 1.7 (tests["parse *"]), moderate 1.5 (default), critical 2 (default))',
    ],
    [
      'unknown key in a test override',
      { tests: { 'parse *': { minor: 1.3 } } },
      'unknown option tests["parse *"].minor (allowed: thresholds, metrics)',
    ],
    ['metrics not an object', { metrics: ['cpu'] }, 'metrics must be an object keyed by metric name, like { cpu: true, errors: { max: 0 } } (got ["cpu"])'],
    ['metric rule not an object', { metrics: { cpu: 'on' } }, 'metrics["cpu"] must be true, false or an object like { thresholds: { minor: 1.3 }, max: 100, floor: 1024 } (got "on")'],
    ['unknown key in a metric rule', { metrics: { cpu: { limit: 5 } } }, 'unknown option metrics["cpu"].limit (allowed: judge, thresholds, max, min, floor)'],
    ['metric floor negative', { metrics: { heap: { floor: -1 } } }, 'metrics["heap"].floor must be a number at least 0 (got -1)'],
    ['metric min not below max', { metrics: { 'req/s': { min: 10, max: 5 } } }, 'metrics["req/s"].min (10) must be less than metrics["req/s"].max (5)'],
    [
      'metric bands out of order',
      { metrics: { p99: { thresholds: { minor: 3 } } } },
      'metrics["p99"].thresholds must be in increasing order minor < moderate < critical (got minor 3 (metrics["p99"].thresholds), moderate 1.5 (default), critical 2 (default))',
    ],
    ['leak with a max', { metrics: { leak: { max: 5 } } }, 'metrics["leak"] takes only judge and floor (the smallest heap growth per call, in bytes, that counts as a leak)'],
    ['memory as a metric rule', { metrics: { memory: true } }, 'metrics["memory"]: "memory" is what perf() records (measure.metrics); the metrics it gives are "heap" and "rss": judge those'],
    ['wall turned off', { metrics: { wall: false } }, "metrics[\"wall\"]: wall time is every test's verdict and cannot be turned off; use failOn: 'never' to report without failing"],
    [
      'metric bands out of order once a per-test override applies',
      { tests: { '*': { thresholds: { minor: 1.9, moderate: 2.5, critical: 3 } } }, metrics: { cpu: { thresholds: { critical: 2.2 } } } },
      'metrics["cpu"].thresholds over tests["*"] gives minor 1.9 (tests["*"]), moderate 2.5 (tests["*"]), critical 2.2 (metrics["cpu"].thresholds): ' +
        "not in increasing order minor < moderate < critical. A metric's bands apply over each test's: " +
        'give metrics["cpu"].thresholds bands that stay in order over those of tests["*"] (or all three)',
    ],
    ['options not an object', 'fast', 'options must be an object (got "fast")'],
    ['options null', null, 'options must be an object (got null)'],
  ])('%s', (_label, input, message) => {
    const problems = problemsOf(input)
    expect(problems).toEqual([message])
  })

  test('a single problem is the whole message', () => {
    expect(() => validateOptions({ minSamples: 1 })).toThrow(
      'perf-regression: invalid configuration: minSamples must be an integer at least 2 (got 1)',
    )
  })

  test('the source name is used for a non-object', () => {
    expect(() => validateOptions(42, 'perfRegression() options')).toThrow('perfRegression() options must be an object (got 42)')
  })

  test('an override is checked against the global bands it is merged with', () => {
    // 1.8 is in order with the global moderate 1.9, but not with the default 1.5.
    expect(() => validateOptions({ thresholds: { moderate: 1.9, critical: 2.5 }, tests: { 'a*': { thresholds: { minor: 1.8 } } } })).not.toThrow()
    expect(problemsOf({ tests: { 'a*': { thresholds: { minor: 1.8 } } } })).toHaveLength(1)
  })

  test('a circular value is still named by its type', () => {
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(problemsOf({ thresholds: { minor: circular } })).toEqual([
      'thresholds.minor must be a number greater than 1 (got an object with keys self)',
    ])
  })

  test('a NaN value is shown as NaN, not as null', () => {
    // JSON.stringify would turn NaN (and ±Infinity) into "null".
    expect(problemsOf({ confidence: Number.NaN })).toEqual(['confidence must be a number greater than 0.5 and less than 1 (got NaN)'])
  })
})

describe('per-test overrides are checked as the detector merges them', () => {
  const crashing = { tests: { 'c*': { thresholds: { moderate: 1.9 } }, 'ch*': { thresholds: { critical: 1.6 } } } }

  test('two patterns that can match one test: their merged bands must be in order, and the message says how to fix it', () => {
    // Each is in order with the global bands on its own; "check" gets moderate 1.9 and critical 1.6.
    expect(problemsOf(crashing)).toEqual([
      'tests["c*"] and tests["ch*"] both match a test such as "ch", which then gets minor 1.2 (default), moderate 1.9 (tests["c*"]), critical 1.6 (tests["ch*"]): ' +
        'not in increasing order minor < moderate < critical. ' +
        "Both apply, the later one's bands replacing the earlier one's band by band: " +
        'give tests["ch*"] bands that stay in order over those of tests["c*"] (or all three), or make the patterns match no common name',
    ])
  })

  test('the configuration that crashed a run is refused when read; the detector does not check bands again', () => {
    expect(() => validateOptions(crashing)).toThrow(ConfigError)
    // Bands that reach the detector are trusted: forged unordered ones (only a cast makes them) do not throw there.
    const forged = detectConfig({ thresholds: { minor: 1.2, moderate: 1.9, critical: 1.6 } as Bands })
    const history = baselineRuns('check', noisy(1e6, 12, 0.02, 3))
    const verdicts = detect({ current: [result('check', 1.05e6)], history, config: forged, now: NOW })
    expect(verdicts.map((v) => v.kind)).toHaveLength(1)
  })

  test('patterns that no name matches both may set bands that would clash', () => {
    expect(() => validateOptions({ tests: { 'c*': { thresholds: { moderate: 1.9 } }, 'd*': { thresholds: { critical: 1.6 } } } })).not.toThrow()
    expect(() => validateOptions({ tests: { '*.fast': { thresholds: { moderate: 1.9 } }, '*.slow': { thresholds: { critical: 1.6 } } } })).not.toThrow()
    expect(() => validateOptions({ tests: { 'a?': { thresholds: { moderate: 1.9 } }, 'a??*': { thresholds: { critical: 1.6 } } } })).not.toThrow()
  })

  test('overlap anywhere in the names counts, with an example name that both patterns match', () => {
    const problems = problemsOf({ tests: { 'parse * fast': { thresholds: { moderate: 1.9 } }, '*json*': { thresholds: { critical: 1.6 } } } })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^tests\["parse \* fast"\] and tests\["\*json\*"\] both match a test such as "parse json fast", /)
  })

  test('the later entry wins band by band, so the order of the entries decides', () => {
    const early = { 'slow *': { thresholds: { moderate: 1.9, critical: 2.5 } } }
    const late = { 'slow io *': { thresholds: { critical: 1.7 } } }
    // The later sets critical 1.7 under the earlier's moderate 1.9: out of order.
    expect(problemsOf({ tests: { ...early, ...late } })[0]).toContain('moderate 1.9 (tests["slow *"]), critical 1.7 (tests["slow io *"])')
    // The other way round the earlier's critical is replaced by the later's 2.5: in order.
    expect(() => validateOptions({ tests: { ...late, ...early } })).not.toThrow()
  })

  test('an override out of order on its own is reported once, not again with every pattern it overlaps', () => {
    expect(problemsOf({ tests: { '*': { thresholds: { minor: 1.7 } }, 'a*': { thresholds: { critical: 1.8 } } } })).toEqual([
      'tests["*"].thresholds must be in increasing order minor < moderate < critical (got minor 1.7 (tests["*"]), moderate 1.5 (default), critical 2 (default))',
    ])
  })

  test('every clashing pair is reported', () => {
    const problems = problemsOf({
      tests: { 'a*': { thresholds: { moderate: 1.9 } }, 'ab*': { thresholds: { critical: 1.6 } }, '*z': { thresholds: { critical: 1.8 } } },
    })
    expect(problems).toHaveLength(2)
    expect(problems[0]).toContain('tests["a*"] and tests["ab*"] both match a test such as "ab"')
    expect(problems[1]).toContain('tests["a*"] and tests["*z"] both match a test such as "az"')
  })

  test('metric bands are checked over every override, and the global bands decide what an override leaves out', () => {
    expect(() => validateOptions({ tests: { 'x*': { thresholds: { minor: 1.4 } } }, metrics: { cpu: { thresholds: { moderate: 1.45 } } } })).not.toThrow()
    expect(problemsOf({ tests: { 'x*': { thresholds: { minor: 1.46 } } }, metrics: { cpu: { thresholds: { moderate: 1.45 } } } })[0]).toMatch(
      /^metrics\["cpu"\]\.thresholds over tests\["x\*"\] gives minor 1\.46 \(tests\["x\*"\]\), moderate 1\.45 \(metrics\["cpu"\]\.thresholds\), critical 2 \(default\)/,
    )
    // Set globally, the same band is named after the thresholds option.
    expect(problemsOf({ thresholds: { critical: 3 }, tests: { 'x*': { thresholds: { moderate: 3.5 } } } })[0]).toContain('critical 3 (thresholds)')
  })

  test('patterns and names in messages are escaped', () => {
    const problems = problemsOf({ tests: { '\u001b[31m*': { thresholds: { moderate: 1.9 } }, '*\u009b': { thresholds: { critical: 1.6 } } } })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain('tests["\\u001b[31m*"] and tests["*\\u009b"] both match a test such as "\\u001b[31m\\u009b"')
    expect(problems[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
    expect(problemsOf({ '\u001b[2J': 1 })[0]).toContain('unknown option \\u001b[2J')
  })
})

describe('several problems at once', () => {
  test('every problem is reported in one ConfigError', () => {
    const error = (() => {
      try {
        validateOptions({
          baselineMode: 'fast',
          thresholds: { minor: 0.8 },
          measure: { time: -1, metrics: ['gpu'] },
          minSamples: 1,
          bogus: true,
        })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(ConfigError)
    const { problems, message, name } = error as ConfigError
    expect(name).toBe('ConfigError')
    expect(problems).toHaveLength(6)
    expect(problems).toContain('baselineMode must be one of "establish", "compare" (got "fast")')
    expect(problems).toContain('thresholds.minor must be a number greater than 1 (got 0.8)')
    expect(problems).toContain('measure.time must be a number at least 0 (got -1)')
    expect(problems).toContain('measure.metrics[0] must be one of "cpu", "memory", "leak" (got "gpu")')
    expect(problems).toContain('minSamples must be an integer at least 2 (got 1)')
    expect(problems).toContain(`unknown option bogus (allowed: ${ALLOWED})`)
    expect(message.startsWith('perf-regression: invalid configuration:\n')).toBe(true)
    for (const p of problems) expect(message).toContain(`  - ${p}`)
  })
})

describe('metrics', () => {
  test('true and false become judge, rules are kept as given', () => {
    const config = validateOptions({ metrics: { cpu: true, rss: false, errors: { max: 0 }, heap: { floor: 1024, thresholds: { minor: 1.3 } } } })
    expect(config.metrics).toEqual({ cpu: { judge: true }, rss: { judge: false }, errors: { max: 0 }, heap: { floor: 1024, thresholds: { minor: 1.3 } } })
  })
})

describe('validateMeasure (options of one perf() call)', () => {
  test('returns only the given keys, and accepts extra keys', () => {
    const problems: string[] = []
    expect(validateMeasure({ iterations: 3, name: 'x' }, '', problems, ['name'])).toEqual({ iterations: 3 })
    expect(problems).toEqual([])
  })

  test('without a path, problems are named by the bare key', () => {
    const problems: string[] = []
    validateMeasure({ time: -2, nme: 'x' }, '', problems, ['name'])
    expect(problems).toEqual([
      'unknown option nme (allowed: time, iterations, warmupTime, warmupIterations, metrics, name)',
      'time must be a number at least 0 (got -2)',
    ])
  })

  test('a non-object is reported', () => {
    const problems: string[] = []
    expect(validateMeasure(5, '', problems)).toEqual({})
    expect(problems).toEqual(['options must be an object (got 5)'])
  })
})

describe('reports and github', () => {
  test('report paths can be changed or turned off, one by one', () => {
    const config = validateOptions({ reports: { markdown: 'out/perf.md', html: false }, github: false })
    expect(config.reports).toEqual({ markdown: 'out/perf.md', json: '.perf/analysis.json', html: false, issue: '.perf/regression-issue.md' })
    expect(config.github).toBe(false)
  })

  test('bad report options name the key and what is allowed', () => {
    expect(() => validateOptions({ reports: { markdown: '', pdf: 'x.pdf' }, github: 'yes' })).toThrow(
      /reports\.pdf[\s\S]*reports\.markdown must be a file path or false \(got ""\)[\s\S]*github must be true, false or "auto" \(got "yes"\)/,
    )
  })
})

describe('paths stay inside the project root', () => {
  const root = path.resolve('/work/app')
  const HOW = 'use a path inside the project, or set allowOutsideRoot: true to allow paths outside it'
  const problemsAt = (input: unknown) => {
    try {
      validateOptions(input, 'options', root)
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      return (error as ConfigError).problems
    }
    return []
  }

  test('a store outside the root is refused, naming the option, the value, where it leads and how to allow it', () => {
    expect(problemsAt({ store: '../../etc/x' })).toEqual([
      `store "../../etc/x" resolves to ${JSON.stringify(path.resolve('/etc/x'))}, outside the project root ${JSON.stringify(root)}: ${HOW}`,
    ])
  })

  test('every report path is checked; paths turned off are not', () => {
    const outside = path.resolve('/tmp/report.html')
    expect(problemsAt({ reports: { html: outside, json: 'a/../../x.json', markdown: false } })).toEqual([
      `reports.json "a/../../x.json" resolves to ${JSON.stringify(path.resolve('/work/x.json'))}, outside the project root ${JSON.stringify(root)}: ${HOW}`,
      `reports.html ${JSON.stringify(outside)} resolves to ${JSON.stringify(outside)}, outside the project root ${JSON.stringify(root)}: ${HOW}`,
    ])
  })

  test('paths inside the root are accepted, absolute or relative', () => {
    expect(problemsAt({ store: path.join(root, 'perf', 'h.jsonl'), reports: { markdown: 'a/../b.md', json: '..data/x.json' } })).toEqual([])
    expect(problemsAt({})).toEqual([])
  })

  test('allowOutsideRoot: true lets them through, as written', () => {
    const store = path.resolve('/tmp/ci-cache/history.jsonl')
    const config = validateOptions({ store, reports: { html: '../site/perf.html' }, allowOutsideRoot: true }, 'options', root)
    expect(config.store).toBe(store)
    expect(config.reports.html).toBe('../site/perf.html')
    expect(config.allowOutsideRoot).toBe(true)
    expect(problemsOf({ allowOutsideRoot: 'yes' })).toEqual(['allowOutsideRoot must be true or false (got "yes")'])
  })

  test('without a root, relative paths that climb out are refused; absolute ones wait for the root', () => {
    expect(problemsOf({ store: '../../etc/x' })).toEqual([
      `store "../../etc/x" leads outside the project root (relative paths are resolved against it): ${HOW}`,
    ])
    expect(() => validateOptions({ store: path.resolve('/tmp/x.jsonl') })).not.toThrow()
  })

  test('a path in a message is escaped', () => {
    const [problem] = problemsAt({ store: '../\u001b]0;owned\u0007.jsonl' })
    expect(problem).toContain('store "../\\u001b]0;owned\\u0007.jsonl" resolves to')
    expect(problem).not.toMatch(/[\u0000-\u001f]/)
  })
})

describe('messages the runners print themselves', () => {
  test('a ConfigError cannot carry a workflow command or a control character', async () => {
    const { claimName } = await import('../../src/config/perf-call.js')
    const error = new ConfigError(['tests["x ##[stop-commands]tok"]: bad', '::error::fake\nline'])
    expect(error.message).not.toMatch(/##\[|^::|\n::/m)
    expect(error.message.split('\n')).toHaveLength(3)
    const names = new Set<string | undefined>(['dup ##[add-mask]x'])
    expect(() => claimName(names, 'dup ##[add-mask]x')).toThrow(/names must be unique/)
    try {
      claimName(names, 'dup ##[add-mask]x')
    } catch (e) {
      expect((e as Error).message).not.toContain('##[')
    }
  })
})

describe('confirm', () => {
  test('defaults to 4 runs within 60 seconds; false turns it off; parts merge over the defaults', () => {
    expect(validateOptions({}).confirm).toEqual({ runs: 4, budget: 60 })
    expect(validateOptions({ confirm: false }).confirm).toBe(false)
    expect(validateOptions({ confirm: { runs: 2 } }).confirm).toEqual({ runs: 2, budget: 60 })
    expect(validateOptions({ confirm: { budget: 10.5 } }).confirm).toEqual({ runs: 4, budget: 10.5 })
  })

  test('bad values are refused with what is wrong', () => {
    expect(() => validateOptions({ confirm: true })).toThrow('confirm must be false or an object like { runs: 4, budget: 60 } (got true)')
    expect(() => validateOptions({ confirm: { runs: 1.5 } })).toThrow('confirm.runs must be an integer')
    expect(() => validateOptions({ confirm: { budget: 0 } })).toThrow('confirm.budget must be a number greater than 0')
    expect(() => validateOptions({ confirm: { run: 3 } })).toThrow(/confirm\.run/)
  })
})
