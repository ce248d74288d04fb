import type { ResolvedMeasureOptions } from '../config/options.js'
import type { BaselineMode } from '../types.js'

/** What the plugin hands to test workers through `project.provide`. */
export interface WorkerSettings {
  measure: ResolvedMeasureOptions
  rawSamples: number
  baselineMode: BaselineMode
}

export const PROVIDE_KEY = 'perfRegression'

declare module 'vitest' {
  interface ProvidedContext {
    perfRegression: WorkerSettings
  }
}
