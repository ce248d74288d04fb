import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { git } from '../env/environment.js'
import type { ChartLibrary } from '../report/html.js'
import { reportLinks, type ReportLinks } from '../report/next-steps.js'

let library: ChartLibrary | undefined

/**
 * uPlot's script and stylesheet, read once from the installed package, for the dashboard
 * to inline (the page loads nothing). Throws with what to do when the package is missing.
 */
export function loadChartLibrary(): ChartLibrary {
  if (library) return library
  const require = createRequire(import.meta.url)
  let script: string
  try {
    script = require.resolve('uplot/dist/uPlot.iife.min.js')
  } catch (error) {
    throw new Error(`the dashboard's chart library (the uplot package) is not installed: ${(error as Error).message}. Reinstall perf-regression's dependencies (npm install).`)
  }
  library = { script: readFileSync(script, 'utf8'), style: readFileSync(path.join(path.dirname(script), 'uPlot.min.css'), 'utf8') }
  return library
}

/**
 * The links a report can make: from GitHub Actions' variables, else from the `origin`
 * remote of the repository at `root` (asked only when the variables do not name one).
 */
export function readReportLinks(env: Record<string, string | undefined>, root: string, dashboard?: string): ReportLinks {
  const fromCi = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY
  return reportLinks(env, fromCi ? undefined : git(['remote', 'get-url', 'origin'], root), dashboard === undefined ? undefined : path.basename(dashboard))
}
