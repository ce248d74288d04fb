import { defineConfig } from 'vitest/config'
import { perfRegression } from 'perf-regression/vitest'

export default defineConfig({
  plugins: [perfRegression({ failOn: 'minor' })],
  test: { pool: 'forks', include: ['test/**/*.test.js'] },
})
