import type { Bands, MetricRule, MetricRules, ResolvedConfig } from '../config/options.js'

/**
 * Compiles a test-name glob: `*` matches any run of characters (line breaks too),
 * `?` exactly one character (one code point); everything else matches itself.
 * `config/overlap.ts` decides which patterns can match one name by the same rules.
 */
export function globToRegExp(glob: string): RegExp {
  let source = ''
  for (const ch of glob) {
    if (ch === '*') source += '.*'
    else if (ch === '?') source += '.'
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 'su')
}

/**
 * Severity bands for one test: the global bands with every matching override applied
 * in order, each band of a later override replacing the earlier one. The result is in
 * order because the configuration was checked for every set of overlapping patterns.
 */
export function thresholdsFor(config: Pick<ResolvedConfig, 'thresholds' | 'tests'>, testName: string): Bands {
  let bands: Bands = config.thresholds
  for (const { pattern, thresholds } of config.tests) {
    if (globToRegExp(pattern).test(testName)) bands = { ...bands, ...thresholds }
  }
  return bands
}

/**
 * A metric's bands for one test: its rule's bands over the test's. In order because
 * the rules were checked against every per-test merge of the same configuration.
 */
export function metricBands(testBands: Bands, rule: Readonly<MetricRule> | undefined): Bands {
  return rule?.thresholds ? { ...testBands, ...rule.thresholds } : testBands
}

/**
 * The metric rules for one test: the `metrics` option with the `metrics` of every matching
 * per-test override merged over it in order, field by field within each metric's rule.
 */
export function rulesFor(config: Pick<ResolvedConfig, 'tests'> & { metrics?: MetricRules | undefined }, testName: string): MetricRules {
  let rules: Record<string, Readonly<MetricRule>> = config.metrics ?? {}
  for (const { pattern, metrics } of config.tests) {
    if (!metrics || !globToRegExp(pattern).test(testName)) continue
    rules = { ...rules }
    for (const [key, rule] of Object.entries(metrics)) rules[key] = { ...rules[key], ...rule }
  }
  // Per-test rules carry no bands, so the checked bands of the merge are those checked with `metrics`.
  return rules as MetricRules
}
