import { defineConfig } from 'vitest/config';

/**
 * Three projects, one `npm test`:
 * - api: in-process API tests, each file on its own fresh database (PostgreSQL when
 *   DATABASE_URL is set, embedded PGlite otherwise);
 * - widgets: the built bundle (size budgets, manifest) and pure widget logic;
 * - e2e: real Chromium (Debian's) driving the widgets against a running API on two origins.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'api',
          include: ['api/**/*.test.ts', 'test/api/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'widgets',
          include: ['widgets/**/*.test.ts', 'test/bundle/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
