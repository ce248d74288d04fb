import type { Bands, MetricRule, ResolvedConfig } from '../config/options.js'

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
