import { describe, expect, it } from 'vitest';
import { formatDmStorm, runDmStorm, type DmStormResult } from '../../bench/load/dm-storm.js';
import { postgresServerUrl } from '../support/databases.js';

/** What every DM storm run must show, whatever its speed (speed itself is only measured, in npm run bench). */
function expectSoundRun(result: DmStormResult): void {
  expect(result.acked).toBeGreaterThan(0);
  expect(result.errors).toBe(0);
  expect(result.delivered).toBe(result.acked);
  expect(result.missing).toBe(0);
  expect(result.duplicates).toBe(0);
  expect(result.delivery.count).toBe(result.delivered);
  expect(result.delivery.p50).toBeGreaterThan(0);
  expect(result.serverRssBytes).toBeGreaterThan(0);
  expect(formatDmStorm([result])).toContain(`| ${result.options.clients} |`);
}

describe('bench: DM storm at a small size', () => {
  it('on the embedded database: every acknowledged message is counted as delivered once', async () => {
    expectSoundRun(await runDmStorm({ database: 'pglite', clients: 4, contacts: 2, durationS: 1 }));
  }, 60_000);

  it.skipIf(postgresServerUrl === null)(
    'on PostgreSQL with --workers 2: the same, across two worker processes',
    async () => {
      const result = await runDmStorm({
        database: 'postgres',
        clients: 6,
        contacts: 3,
        durationS: 1,
        workers: 2,
        postgresServerUrl: postgresServerUrl!,
      });
      expectSoundRun(result);
      expect(result.databaseLabel).toMatch(/PostgreSQL/);
    },
    60_000,
  );
});
