/**
 * The dashboard's data for the charts of a load test: its latency percentiles over the runs,
 * and, with several levels, this run's throughput per level against the baseline's. Only what
 * the charts draw, rounded like the rest of the page's data. Pure.
 */
import { escapeHtml } from './html-escape.js'
import type { HistoryPoint, LoadLatencies, LoadRow } from './model.js'

/** The percentiles drawn, in the order of their series. */
export const PERCENTILES = ['p50', 'p90', 'p95', 'p99', 'max'] as const satisfies readonly (keyof LoadLatencies)[]

export type Percentile = (typeof PERCENTILES)[number]

/** A load test's charts' data (arrays of the history aligned with the test's `r`). */
export interface DashboardLoad {
  /** Each percentile some run recorded, with its value per run in ns (null where a run has none). */
  lat: { k: Percentile; v: (number | null)[] }[]
  /** The baseline's median p95 (the percentile judged by default), ns, for a dashed line; null without baseline runs. */
  p95: number | null
  /** With several levels: the levels, this run's throughput and efficiency at each, and the baseline's medians; null with one level. */
  scale: DashboardScaling | null
}

export interface DashboardScaling {
  /** What a level counts: `workers` (closed model), `calls/s` (open model), `virtual users` (imports). */
  unit: string
  /** The levels, in the order measured. */
  x: number[]
  /** This run's throughput at each level, calls/s. */
  cur: number[]
  /** This run's efficiency at each level (throughput per unit of level against the first level's), 0–1. */
  eff: (number | null)[]
  /** The baseline's medians at the same levels; null when no baseline run measured the same levels. */
  base: number[] | null
  baseEff: (number | null)[] | null
}

/** Four significant digits, as the rest of the page's data. */
const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : 0)
const maybe = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : round(x))

const UNIT: Record<'closed' | 'open' | 'imported', string> = { closed: 'workers', open: 'calls/s', imported: 'virtual users' }

/** The load charts' data of a test; null for a test that is not a load test of this run. */
export function loadData(row: LoadRow | undefined, points: readonly HistoryPoint[]): DashboardLoad | null {
  if (!row) return null
  const lat = PERCENTILES.map((k) => ({ k, v: points.map((p) => maybe(p.latency_ns?.[k])) })).filter((s) => s.v.some((x) => x !== null))
  const levels = row.levels
  const base = row.baseline?.levels
  const scale: DashboardScaling | null =
    levels.length > 1
      ? {
          unit: UNIT[row.model ?? 'imported'],
          x: levels.map((l) => l.level),
          cur: levels.map((l) => round(l.throughput)),
          eff: levels.map((l) => maybe(l.efficiency)),
          base: base ? base.map((l) => round(l.throughput)) : null,
          baseEff: base ? base.map((l) => maybe(l.efficiency)) : null,
        }
      : null
  return { lat, p95: maybe(row.baseline?.p95_ns), scale }
}

const key = (cls: string, text: string) => `<span class="key"><span class="sw sw-line ${cls}" aria-hidden="true"></span>${text}</span>`

/** The figures of a load test's charts, each with its caption and the key to its lines (static words only). */
export function loadFiguresHtml(load: DashboardLoad, runs: number): string {
  const lat = load.lat.length
    ? `<figure class="plot-fig f-lat"><figcaption>Latency percentiles per run, ${runs} run${runs === 1 ? '' : 's'}</figcaption><div class="plot" data-chart="lat"></div>` +
      `<div class="chart-key">${load.lat.map((s) => key(`sw-${s.k}`, s.k)).join('')}${load.p95 !== null ? key('sw-p95-base', 'baseline p95 (median)') : ''}` +
      `${key('sw-this-run', 'this run (ringed)')}<span class="key">filled: baseline runs, hollow: compare runs</span></div></figure>`
    : ''
  const s = load.scale
  const scale = s
    ? `<figure class="plot-fig f-scale"><figcaption>${escapeHtml(`Throughput per level (${s.unit}): this run${s.base ? " against the baseline's medians" : ' (no baseline run measured these levels)'}, and efficiency against the first level`)}</figcaption>` +
      '<div class="plot" data-chart="scale"></div>' +
      `<div class="chart-key">${key('sw-cur-line', 'this run, calls/s')}${s.base ? key('sw-base-line', 'baseline, calls/s') : ''}${key('sw-cur-dash', 'this run, efficiency')}${s.base ? key('sw-base-dash', 'baseline, efficiency') : ''}</div></figure>`
    : ''
  return lat + scale
}
