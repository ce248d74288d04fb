import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], pool: 'forks' } },
      {
        // Tests that need the built dist/ (child processes that import it, the CommonJS
        // bundle) or root (small tmpfs mounts, /sys, /dev/full): `npm test` builds first.
        test: { name: 'faults', include: ['test/faults/**/*.test.ts'], pool: 'forks', testTimeout: 180_000 },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          // Only the suites themselves: the fixture projects hold test files of their own.
          include: ['test/e2e/*.e2e.test.ts'],
          pool: 'forks',
          testTimeout: 15 * 60_000,
          hookTimeout: 15 * 60_000,
          globalSetup: ['test/e2e/global-setup.ts'],
        },
      },
    ],
    // The end-to-end suites time real runs: never run them side by side.
    fileParallelism: false,
  },
})
