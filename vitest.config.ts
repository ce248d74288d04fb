import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], pool: 'forks' } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 15 * 60_000,
          hookTimeout: 15 * 60_000,
          globalSetup: ['test/e2e/global-setup.ts'],
        },
      },
    ],
  },
})
