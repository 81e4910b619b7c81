import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/support/global-postgres.ts'],
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    // One test file at a time (vitest's default on 2 cores): the suite holds real servers, PostgreSQL
    // and PTYs whose deadlines assume the machine is not also running another heavy file.
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Fail on leaked handles instead of hanging: a suite that needs force-exit is a bug.
    teardownTimeout: 10_000,
    reporters: ['default'],
  },
});
