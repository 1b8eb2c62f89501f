import { defineConfig } from 'vitest/config';

// One run covers every package. Projects that start servers or browsers get longer timeouts; PostgreSQL is used
// when DATABASE_URL is set (a fresh database per run, made by the global setup), PGlite otherwise.
export default defineConfig({
  test: {
    globalSetup: ['./test/support/global-setup.ts'],
    projects: [
      { test: { name: 'engine', include: ['engine/**/*.test.ts'], exclude: ['**/node_modules/**'] } },
      { test: { name: 'sdk', include: ['sdk/**/*.test.ts'], exclude: ['**/node_modules/**'] } },
      { test: { name: 'ui', include: ['ui/src/**/*.test.ts'], exclude: ['**/node_modules/**'] } },
      { test: { name: 'server', include: ['server/test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file starts server processes; two at a time is what two cores carry.
          maxWorkers: 2,
        },
      },
    ],
  },
});
