import { afterEach } from 'vitest';

/**
 * What a test opens, closed after it whichever way it ends: the closers pushed during the test, all
 * at once (clients), then `then` (the server they ran on, its folder).
 */
export function closeAfterEach(then?: () => unknown): { push(...closes: Array<() => unknown>): void } {
  const closes: Array<() => unknown> = [];
  afterEach(async () => {
    await Promise.all(closes.splice(0).map((close) => close()));
    await then?.();
  });
  return { push: (...more) => void closes.push(...more) };
}
