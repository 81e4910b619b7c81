import { describe, expect, it } from 'vitest';
import { formatRate, runRate, type RateResult } from '../../bench/load/rate.js';
import { postgresServerUrl } from '../support/databases.js';

/** What every fixed-rate run must show, whatever its speed (speed is only measured, in npm run bench). */
function expectSoundRun(result: RateResult): void {
  expect(result.rows).toHaveLength(result.options.rates.length);
  for (const row of result.rows) {
    expect(row.offered).toBe(row.rate * result.options.durationS);
    expect(row.errors).toBe(0);
    expect(row.acked).toBe(row.offered);
    expect(row.delivered).toBe(row.acked);
    expect(row.missing).toBe(0);
    expect(row.duplicates).toBe(0);
    expect(row.delivery.count).toBe(row.delivered);
    expect(row.delivery.p50).toBeGreaterThan(0);
  }
  expect(formatRate([result])).toContain(`| ${result.options.rates[0]} | ${result.options.clients} |`);
}

describe('bench: fixed offered rate at a small size', () => {
  it('on the embedded database: every send fires on schedule and is delivered once', async () => {
    expectSoundRun(await runRate({ database: 'pglite', clients: 4, rates: [20, 40], durationS: 1 }));
  }, 60_000);

  it.skipIf(postgresServerUrl === null)(
    'on PostgreSQL: the same',
    async () => {
      const result = await runRate({ database: 'postgres', clients: 5, rates: [30], durationS: 1, postgresServerUrl: postgresServerUrl! });
      expectSoundRun(result);
      expect(result.databaseLabel).toMatch(/PostgreSQL/);
    },
    60_000,
  );
});
