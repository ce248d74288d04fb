import { SEVERITIES } from '../types.js'
import { inOrder, show, type Problems } from './checks.js'
import type { TestOverride, Thresholds } from './options.js'
import { commonName } from './overlap.js'

/** One layer of bands in a merge, and what to call it in a message. */
interface Layer {
  label: string
  bands: Readonly<Partial<Thresholds>>
}

/** Bands merged layer over layer (a later layer's band replaces an earlier one's), with where each came from. */
function merge(layers: readonly Layer[]): { bands: Thresholds; text: string } {
  const bands: Partial<Thresholds> = {}
  const from: Partial<Record<keyof Thresholds, string>> = {}
  for (const layer of layers) {
    for (const s of SEVERITIES) {
      const v = layer.bands[s]
      if (v !== undefined) {
        bands[s] = v
        from[s] = layer.label
      }
    }
  }
  const all = bands as Thresholds
  return { bands: all, text: SEVERITIES.map((s) => `${s} ${all[s]} (${from[s]})`).join(', ') }
}

const ORDER = 'not in increasing order minor < moderate < critical'
const outOfOrder = (path: string, m: { text: string }) => `${path} must be in increasing order minor < moderate < critical (got ${m.text})`
const testPath = (t: TestOverride) => `tests[${show(t.pattern)}]`

export interface BandOptions {
  /** The defaults' bands. */
  defaults: Readonly<Thresholds>
  /** The bands the `thresholds` option set. */
  global: Readonly<Partial<Thresholds>>
  /** The `tests` option, in the order its entries apply. */
  tests: readonly TestOverride[]
  /** Metric rules that set bands, by metric key. */
  metrics: readonly { key: string; thresholds: Readonly<Partial<Thresholds>> }[]
}

/**
 * Checks the bands of every test as the detector will merge them: the global bands,
 * then every per-test override whose pattern matches the test's name, in order, then
 * (for a metric with bands of its own) the metric's rule.
 *
 * Test names are not known here, so every set of patterns that can match one name is
 * checked. Two patterns overlap when some name matches both (`commonName`, exact).
 * Pairs are enough: each band of a merge comes from one layer, and a merge is out of
 * order when two of its bands are. Say those come from overrides P and Q (or one of
 * them from the global bands): merging P and Q alone (or P alone) gives the two bands
 * the same values, as no override after them in the set sets them, and P and Q match
 * a common name because the whole set does.
 */
export function checkMergedBands(options: BandOptions, problems: Problems): void {
  const base: Layer = { label: 'default', bands: options.defaults }
  const global: Layer = { label: 'thresholds', bands: options.global }
  const layer = (t: TestOverride): Layer => ({ label: testPath(t), bands: t.thresholds })
  const merged = (...layers: Layer[]) => merge([base, global, ...layers])
  if (!inOrder(merged().bands)) return // reported as the `thresholds` option's own problem

  // Each override alone, then each pair of overrides that can apply to one test.
  const alone = options.tests.map((t) => inOrder(merged(layer(t)).bands))
  options.tests.forEach((t, i) => {
    if (!alone[i]) problems.push(outOfOrder(`${testPath(t)}.thresholds`, merged(layer(t))))
  })
  const pairs: { first: TestOverride; second: TestOverride; name: string }[] = []
  for (let i = 0; i < options.tests.length; i++) {
    for (let j = i + 1; j < options.tests.length; j++) {
      if (!alone[i] || !alone[j]) continue
      const first = options.tests[i]!
      const second = options.tests[j]!
      const name = commonName(first.pattern, second.pattern)
      if (name !== undefined) pairs.push({ first, second, name })
    }
  }
  for (const { first, second, name } of pairs) {
    const m = merged(layer(first), layer(second))
    if (inOrder(m.bands)) continue
    problems.push(
      `${testPath(first)} and ${testPath(second)} both match a test such as ${show(name)}, which then gets ${m.text}: ${ORDER}. ` +
        `Both apply, the later one's bands replacing the earlier one's band by band: give ${testPath(second)} bands that stay in order over those of ${testPath(first)} (or all three), or make the patterns match no common name`,
    )
  }

  // A metric's bands over the global ones and over each override. Pairs add nothing here: a band
  // that comes from the metric is compared with one from at most one override, and two bands
  // that both come from overrides were compared in the pairs above.
  for (const metric of options.metrics) {
    const path = `metrics[${show(metric.key)}].thresholds`
    const own: Layer = { label: path, bands: metric.thresholds }
    const overGlobal = merged(own)
    if (!inOrder(overGlobal.bands)) {
      problems.push(outOfOrder(path, overGlobal))
      continue
    }
    const clash = options.tests.find((t, i) => alone[i] && !inOrder(merged(layer(t), own).bands))
    if (clash) {
      problems.push(
        `${path} over ${testPath(clash)} gives ${merged(layer(clash), own).text}: ${ORDER}. ` +
          `A metric's bands apply over each test's: give ${path} bands that stay in order over those of ${testPath(clash)} (or all three)`,
      )
    }
  }
}
