import { describe, expect, it } from 'vitest';
import { formatLegacy, runLegacy, type LegacyResult } from '../../bench/load/legacy.js';
import { ciphertextCarrying, messageNumber } from '../../bench/load/legacy-load-client.js';
import { postgresServerUrl } from '../support/databases.js';

/** Counts only: the legacy path's speed is measured by npm run bench, never asserted. */
function expectSoundRun(result: LegacyResult): void {
  const { clients, messages } = result.options;
  expect(result.sent).toBe(clients * messages);
  expect(result.delivered).toBe(result.sent);
  expect(result.lost).toBe(0);
  expect(result.twice).toBe(0);
  // What reached a client live is not reported unread again at its next login.
  expect(result.unreadAgain).toBe(0);
  expect(result.delivery.count).toBe(result.delivered);
  expect(formatLegacy([result])).toContain(`| ${clients} × ${messages} (${result.options.window}) |`);
}

describe('bench: 2022-protocol clients at a small size', () => {
  it('a ciphertext carries its message number in its first four byte values', () => {
    for (const n of [0, 1, 255, 256, 65_535, 2 ** 31, 2 ** 32 - 1]) {
      const text = ciphertextCarrying(n);
      expect(text.split(' ')).toHaveLength(128);
      expect(messageNumber(text)).toBe(n);
    }
  });

  it('on the embedded database: every message is delivered live once, and not again at the next login', async () => {
    expectSoundRun(await runLegacy({ database: 'pglite', clients: 6, messages: 8, window: 2 }));
  }, 120_000);

  it.skipIf(postgresServerUrl === null)(
    'on PostgreSQL: the same',
    async () => {
      const result = await runLegacy({ database: 'postgres', clients: 6, messages: 8, window: 2, postgresServerUrl: postgresServerUrl! });
      expectSoundRun(result);
      expect(result.databaseLabel).toMatch(/PostgreSQL/);
    },
    120_000,
  );
});
