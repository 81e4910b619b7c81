import { describe, expect, it } from 'vitest';
import { formatIdle, runIdle, type IdleResult } from '../../bench/load/idle.js';
import { postgresServerUrl } from '../support/databases.js';

/** Every idle client stays connected and answers; the server's memory is read. */
function expectSoundRun(result: IdleResult): void {
  expect(result.rows.map((r) => r.clients)).toEqual(result.options.sizes);
  for (const row of result.rows) {
    expect(row.answering).toBe(row.clients);
    expect(row.dropped).toBe(0);
    expect(row.rssBeforeBytes).toBeGreaterThan(0);
    expect(row.rssAfterBytes).toBeGreaterThan(0);
    expect(row.idleCores).toBeGreaterThanOrEqual(0);
  }
  expect(formatIdle([result])).toContain(`| ${result.options.sizes[0]} |`);
}

describe('bench: idle clients on one node at a small size', () => {
  it('on the embedded database: every client stays logged in and answers', async () => {
    expectSoundRun(await runIdle({ database: 'pglite', sizes: [3, 6], idleS: 1 }));
  }, 60_000);

  it.skipIf(postgresServerUrl === null)(
    'on PostgreSQL: the same',
    async () => {
      const result = await runIdle({ database: 'postgres', sizes: [4, 8], idleS: 1, postgresServerUrl: postgresServerUrl! });
      expectSoundRun(result);
      expect(result.databaseLabel).toMatch(/PostgreSQL/);
    },
    60_000,
  );
});
