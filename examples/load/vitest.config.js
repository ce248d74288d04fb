import { defineConfig } from 'vitest/config'
import { perfRegression } from 'perf-regression/vitest'

export default defineConfig({
  // Load tests are judged on throughput, p95 latency and error rate (see docs/load.md).
  plugins: [perfRegression({ failOn: 'minor' })],
  test: { pool: 'forks', include: ['test/**/*.test.js'] },
})
