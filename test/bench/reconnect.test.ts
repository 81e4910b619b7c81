import { describe, expect, it } from 'vitest';
import { formatReconnect, runReconnect, type ReconnectResult } from '../../bench/load/reconnect.js';
import { postgresServerUrl } from '../support/databases.js';

/** Every client comes back, and every acknowledged message arrives exactly once across the storm. */
function expectSoundRun(result: ReconnectResult): void {
  expect(result.rows.map((r) => r.storm)).toEqual(result.options.storms);
  for (const row of result.rows) {
    expect(row.clientsBack).toBe(result.options.clients);
    expect(row.back.count).toBe(result.options.clients);
    expect(row.allBackS).toBeGreaterThan(0);
    expect(row.acked).toBeGreaterThan(0);
    expect(row.errors).toBe(0);
    expect(row.lost).toBe(0);
    expect(row.doubled).toBe(0);
  }
  expect(formatReconnect([result])).toContain(`| ${result.options.clients} |`);
}

describe('bench: reconnect storm at a small size', () => {
  it('on the embedded database: every client drops and comes back; nothing is lost or doubled', async () => {
    expectSoundRun(await runReconnect({ database: 'pglite', clients: 6, storms: ['drop', 'drop'], ratePerS: 30, calmS: 0.5 }));
  }, 60_000);

  it.skipIf(postgresServerUrl === null)(
    'on PostgreSQL: a client drop, then the server killed and restarted',
    async () => {
      const result = await runReconnect({
        database: 'postgres',
        clients: 6,
        storms: ['drop', 'restart'],
        ratePerS: 30,
        calmS: 0.5,
        postgresServerUrl: postgresServerUrl!,
      });
      expectSoundRun(result);
      expect(result.rows[1]!.serverDownS).toBeGreaterThan(0);
    },
    90_000,
  );
});
