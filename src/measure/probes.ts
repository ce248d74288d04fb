import { performance } from 'node:perf_hooks'
import pidusage from 'pidusage'
import { Bench } from 'tinybench'
import type { MeasureDeps, Probes } from './measure.js'

/** Real process readings: `performance.now`, `process.cpuUsage`, `process.memoryUsage`, pidusage. */
export const processProbes: Probes = {
  now: performance.now.bind(performance),
  cpuUsage: () => process.cpuUsage(),
  memoryUsage: () => process.memoryUsage(),
  processStats: async () => {
    const stat = await pidusage(process.pid)
    return { cpu: stat.cpu, memory: stat.memory }
  },
}

export const defaultMeasureDeps: MeasureDeps = { Bench, probes: processProbes }
