import { describe, expect, it } from 'vitest';
import { formatFanout, runFanout, type FanoutResult } from '../../bench/load/fanout.js';
import { postgresServerUrl } from '../support/databases.js';

/** Every send stored once and pushed once to each other member, whatever the speed. */
function expectSoundRun(result: FanoutResult): void {
  const members = result.options.members;
  expect(result.sends).toBe((result.options.ratePerS ?? 20) * result.options.durationS);
  expect(result.errors).toBe(0);
  expect(result.stored).toBe(result.sends);
  expect(result.storedWrong).toBe(0);
  expect(result.deliveries).toBe(result.sends * (members - 1));
  expect(result.missing).toBe(0);
  expect(result.duplicates).toBe(0);
  expect(result.delivery.count).toBe(result.deliveries);
  expect(result.lastMember.count).toBe(result.sends);
  expect(result.lastMember.max).toBeGreaterThanOrEqual(result.delivery.p50);
  expect(formatFanout([result])).toContain(`| ${members} |`);
}

describe('bench: group fan-out at a small size', () => {
  it('on the embedded database: each send is one row, pushed to every other member once', async () => {
    expectSoundRun(await runFanout({ database: 'pglite', members: 5, senders: 2, ratePerS: 10, durationS: 1 }));
  }, 60_000);

  it.skipIf(postgresServerUrl === null)(
    'on PostgreSQL: the same',
    async () => {
      const result = await runFanout({
        database: 'postgres',
        members: 6,
        senders: 3,
        ratePerS: 12,
        durationS: 1,
        postgresServerUrl: postgresServerUrl!,
      });
      expectSoundRun(result);
      expect(result.databaseLabel).toMatch(/PostgreSQL/);
    },
    60_000,
  );
});
