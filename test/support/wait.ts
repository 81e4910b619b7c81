/**
 * The deadline of one wait in a test harness (a reply, a push, a close): long enough that only
 * something that never comes reaches it on a loaded machine, and below the test's own timeout
 * (vitest.config.ts, 60 s), so a hang fails naming what it waited for. It is no speed promise.
 */
export const WAIT_MS = 20_000;
