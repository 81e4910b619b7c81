import { defineConfig } from 'vitest/config';

/**
 * Files that load the machine (the fuzzer, the load scenarios, several server processes, SIGKILL and
 * restart, PTYs) or hold deadlines that assume it is not also running another heavy file: they run
 * one at a time, after the rest. Everything else runs two files at a time (both cores), the CLI's
 * tests too: they spawn a process per command and wait on its output, never on time.
 */
const ONE_AT_A_TIME = [
  'test/fuzz/**',
  'test/bench/*.test.ts',
  'test/journeys/**/*.test.ts',
  'test/tui/tui-pty.test.ts',
  'test/tui/terminal-exits.test.ts',
  'test/tui/message-states-pty.test.ts',
  'test/tui/key-change-retry-pty.test.ts',
  'test/tui/tui-server-restart.test.ts',
  'test/tui/tui-colours-pty.test.ts',
  'test/tui/tui-input-pty.test.ts',
  'test/client/reconnect-dead-node.test.ts',
  'test/client/resume.test.ts',
  // Restarts a server on the same ports; races two outbox processes.
  'test/client/offline.test.ts',
  'test/client/outbox-shared.test.ts',
  'test/integration/cluster-*.test.ts',
  'test/integration/fault-*.test.ts',
  'test/integration/limits-*.test.ts',
  'test/integration/workers.test.ts',
  'test/integration/client-reconnect.test.ts',
  'test/integration/chat-load.test.ts',
  'test/integration/crash-recovery.test.ts',
  'test/integration/graceful-shutdown.test.ts',
  'test/integration/tls.test.ts',
];

const ALL = ['test/**/*.test.ts', 'test/**/*.test.tsx'];

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-postgres.ts', 'test/support/global-pglite.ts', 'test/support/global-keys.ts'],
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    // Hang catchers, not speed limits: every wait inside a test is on an event (docs/testing.md § Under
    // load), so these only end one that never comes; a test that takes 15 s alone takes far longer
    // beside two CPU hogs and another file.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Fail on leaked handles instead of hanging: a suite that needs force-exit is a bug.
    teardownTimeout: 10_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'side-by-side', include: ALL, exclude: ONE_AT_A_TIME, maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'one-at-a-time', include: ONE_AT_A_TIME, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
