import { describe, test, expect } from 'vitest'
import { BASELINE_MODE_ENV, extractBaselineModeFlag, globToRegExp, resolveConfig } from '../../src/config/resolve.js'
import { ConfigError, validateOptions } from '../../src/config/validate.js'
import { commonName } from '../../src/config/overlap.js'
import { thresholdsFor } from '../../src/detect/bands.js'
import { DEFAULTS } from '../../src/config/options.js'

function problemsOf(run: () => unknown): string[] {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).problems
  }
  throw new Error('expected a ConfigError')
}

describe('extractBaselineModeFlag', () => {
  test('both forms, removed from the rest', () => {
    expect(extractBaselineModeFlag(['run', '--baseline-mode=establish', 'x.test.ts'])).toEqual({
      value: 'establish',
      rest: ['run', 'x.test.ts'],
    })
    expect(extractBaselineModeFlag(['run', '--baseline-mode', 'compare', '--reporter=dot'])).toEqual({
      value: 'compare',
      rest: ['run', '--reporter=dot'],
    })
  })

  test('absent flag: no value, arguments untouched', () => {
    const out = extractBaselineModeFlag(['run', '--baseline', 'mode'])
    expect(out).toEqual({ rest: ['run', '--baseline', 'mode'] })
    expect('value' in out).toBe(false)
  })

  test('the last flag wins', () => {
    expect(extractBaselineModeFlag(['--baseline-mode=establish', '--baseline-mode', 'compare']).value).toBe('compare')
  })

  test('returns the raw value unvalidated', () => {
    expect(extractBaselineModeFlag(['--baseline-mode=whatever']).value).toBe('whatever')
  })

  test('a flag without a value is an error naming the allowed modes', () => {
    const expected = ['--baseline-mode needs a value: one of "establish", "compare"']
    expect(problemsOf(() => extractBaselineModeFlag(['run', '--baseline-mode']))).toEqual(expected)
    expect(problemsOf(() => extractBaselineModeFlag(['--baseline-mode', '--reporter=dot']))).toEqual(expected)
  })
})

describe('resolveConfig: baseline mode precedence', () => {
  const env = (mode: string) => ({ [BASELINE_MODE_ENV]: mode })

  test('defaults to compare', () => {
    expect(resolveConfig({}).baselineMode).toBe('compare')
    expect(resolveConfig({ options: undefined, env: {}, argv: [] })).toEqual(DEFAULTS)
  })

  test('options over the default', () => {
    expect(resolveConfig({ options: { baselineMode: 'establish' } }).baselineMode).toBe('establish')
  })

  test('PERF_BASELINE_MODE over options', () => {
    expect(resolveConfig({ options: { baselineMode: 'establish' }, env: env('compare') }).baselineMode).toBe('compare')
    expect(resolveConfig({ options: { baselineMode: 'compare' }, env: env('establish') }).baselineMode).toBe('establish')
  })

  test('the flag over PERF_BASELINE_MODE and options, in both forms', () => {
    const options = { baselineMode: 'compare' as const }
    expect(resolveConfig({ options, env: env('compare'), argv: ['--baseline-mode=establish'] }).baselineMode).toBe('establish')
    expect(resolveConfig({ options, env: env('compare'), argv: ['run', '--baseline-mode', 'establish'] }).baselineMode).toBe('establish')
    expect(
      resolveConfig({ options: { baselineMode: 'establish' }, env: env('establish'), argv: ['--baseline-mode', 'compare'] }).baselineMode,
    ).toBe('compare')
  })

  test('an empty PERF_BASELINE_MODE counts as unset', () => {
    expect(resolveConfig({ options: { baselineMode: 'establish' }, env: env('') }).baselineMode).toBe('establish')
  })

  test('the rest of the configuration comes from the options', () => {
    const config = resolveConfig({ options: { failOn: 'critical', minSamples: 3 }, env: env('establish') })
    expect(config.failOn).toBe('critical')
    expect(config.minSamples).toBe(3)
    expect(config.baselineMode).toBe('establish')
  })

  test('bad values from the flag and from the environment are rejected with a clear message', () => {
    expect(problemsOf(() => resolveConfig({ argv: ['--baseline-mode=fast'] }))).toEqual([
      '--baseline-mode must be one of "establish", "compare" (got "fast")',
    ])
    expect(problemsOf(() => resolveConfig({ argv: ['--baseline-mode', 'Establish'] }))).toEqual([
      '--baseline-mode must be one of "establish", "compare" (got "Establish")',
    ])
    expect(problemsOf(() => resolveConfig({ env: env('baseline') }))).toEqual([
      'PERF_BASELINE_MODE must be one of "establish", "compare" (got "baseline")',
    ])
  })

  test('a bad value is rejected even when a higher source is valid', () => {
    expect(problemsOf(() => resolveConfig({ env: env('nope'), argv: ['--baseline-mode=establish'] }))).toHaveLength(1)
  })

  test('flag, environment and option problems are reported together', () => {
    const problems = problemsOf(() =>
      resolveConfig({ options: { minSamples: 0, failOn: 'sometimes' as never }, env: env('x'), argv: ['--baseline-mode=y'] }),
    )
    expect(problems).toEqual([
      '--baseline-mode must be one of "establish", "compare" (got "y")',
      'PERF_BASELINE_MODE must be one of "establish", "compare" (got "x")',
      'failOn must be one of "minor", "moderate", "critical", "never" (got "sometimes")',
      'minSamples must be an integer at least 2 (got 0)',
    ])
  })
})

describe('globToRegExp', () => {
  test('* and ? with anchors', () => {
    expect(globToRegExp('parse *').test('parse json')).toBe(true)
    expect(globToRegExp('parse *').test('parse ')).toBe(true)
    expect(globToRegExp('parse *').test('fast parse json')).toBe(false)
    expect(globToRegExp('v?').test('v1')).toBe(true)
    expect(globToRegExp('v?').test('v')).toBe(false)
    expect(globToRegExp('v?').test('v12')).toBe(false)
  })

  test('regular-expression characters are literal', () => {
    const re = globToRegExp('a.b (c) [d] {2} x+y^$|\\')
    expect(re.test('a.b (c) [d] {2} x+y^$|\\')).toBe(true)
    expect(re.test('aXb (c) [d] {2} x+y^$|\\')).toBe(false)
    expect(globToRegExp('a.b').test('axb')).toBe(false)
    expect(globToRegExp('(x|y)').test('x')).toBe(false)
  })

  test('* spans line breaks in a test name', () => {
    expect(globToRegExp('suite > *').test('suite > line one\nline two')).toBe(true)
  })
})

describe('commonName: a name two globs both match', () => {
  test('examples', () => {
    expect(commonName('c*', 'ch*')).toBe('ch')
    expect(commonName('c*', 'd*')).toBeUndefined()
    expect(commonName('*.fast', '*.slow')).toBeUndefined()
    expect(commonName('a?', 'a??*')).toBeUndefined()
    expect(commonName('*', '')).toBe('')
    expect(commonName('?', '')).toBeUndefined()
    expect(commonName('', '')).toBe('')
    expect(commonName('x', 'x')).toBe('x')
    // Code points, as globToRegExp matches them: one ? is one emoji.
    expect(commonName('?', '😀')).toBe('😀')
    expect(commonName('??', '😀')).toBeUndefined()
  })

  test('agrees with globToRegExp on every pair of globs of up to 3 characters over a, b, * and ?', () => {
    // Names over a, b and x (x stands for every other character). A shortest common name has at
    // most as many characters as both globs have characters other than *, so 6 is enough.
    const names = ['']
    for (let len = 1, last = ['']; len <= 6; len++) {
      last = last.flatMap((n) => ['a', 'b', 'x'].map((c) => n + c))
      names.push(...last)
    }
    const globs = ['']
    for (let len = 1, last = ['']; len <= 3; len++) {
      last = last.flatMap((g) => ['a', 'b', '*', '?'].map((c) => g + c))
      globs.push(...last)
    }
    const matches = globs.map((g) => {
      const re = globToRegExp(g)
      return names.map((n) => re.test(n))
    })
    let overlapping = 0
    for (let i = 0; i < globs.length; i++) {
      for (let j = i; j < globs.length; j++) {
        const expected = names.some((_, k) => matches[i]![k] && matches[j]![k])
        const name = commonName(globs[i]!, globs[j]!)
        expect(name !== undefined, `${globs[i]} / ${globs[j]}`).toBe(expected)
        if (name !== undefined) {
          overlapping++
          expect(globToRegExp(globs[i]!).test(name) && globToRegExp(globs[j]!).test(name), `${globs[i]} / ${globs[j]}: ${name}`).toBe(true)
        }
      }
    }
    // Both kinds of pairs were seen.
    expect(overlapping).toBeGreaterThan(100)
    expect(overlapping).toBeLessThan((globs.length * (globs.length + 1)) / 2)
  })
})

describe('thresholdsFor', () => {
  const thresholds = { minor: 1.2, moderate: 1.5, critical: 2 }

  test('no override: the global bands', () => {
    expect(thresholdsFor(validateOptions({}), 'anything')).toEqual(thresholds)
    expect(thresholdsFor(validateOptions({ tests: { 'parse *': { thresholds: { minor: 1.3 } } } }), 'render x')).toEqual(thresholds)
  })

  test('a matching override is merged over the global bands', () => {
    const config = validateOptions({ tests: { 'parse *': { thresholds: { minor: 1.3 } } } })
    expect(thresholdsFor(config, 'parse json')).toEqual({ minor: 1.3, moderate: 1.5, critical: 2 })
  })

  test('? matches exactly one character', () => {
    const config = validateOptions({ tests: { 'case ?': { thresholds: { critical: 5 } } } })
    expect(thresholdsFor(config, 'case 7').critical).toBe(5)
    expect(thresholdsFor(config, 'case 10').critical).toBe(2)
  })

  test('every matching override applies in order, the last one winning per band', () => {
    const config = validateOptions({
      tests: {
        '*': { thresholds: { minor: 1.1, critical: 3 } },
        'parse *': { thresholds: { minor: 1.3 } },
        'render *': { thresholds: { minor: 1.4 } },
      },
    })
    expect(thresholdsFor(config, 'parse json')).toEqual({ minor: 1.3, moderate: 1.5, critical: 3 })
    expect(thresholdsFor(config, 'other')).toEqual({ minor: 1.1, moderate: 1.5, critical: 3 })
  })

  test('metacharacters in test names are matched literally', () => {
    const config = validateOptions({ tests: { 'sum (a+b) [v2].*': { thresholds: { minor: 1.25 } } } })
    expect(thresholdsFor(config, 'sum (a+b) [v2].fast').minor).toBe(1.25)
    expect(thresholdsFor(config, 'sum (aab) [v2].fast').minor).toBe(1.2)
    expect(thresholdsFor(config, 'sum a+b v2 fast').minor).toBe(1.2)
  })

  test('works on a resolved configuration', () => {
    const config = resolveConfig({ options: { tests: { 'slow *': { thresholds: { minor: 1.4, moderate: 1.8 } } } } })
    expect(thresholdsFor(config, 'slow path')).toEqual({ minor: 1.4, moderate: 1.8, critical: 2 })
  })
})
