import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/support/global-postgres.ts'],
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    // Both cores: vitest's default leaves one idle on a 2-core machine, and the suite is mostly
    // waiting on sockets, processes and databases rather than computing.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Fail on leaked handles instead of hanging: a suite that needs force-exit is a bug.
    teardownTimeout: 10_000,
    reporters: ['default'],
  },
});
