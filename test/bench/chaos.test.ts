import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatChaosResult } from '../../bench/chaos/report.js';
import { runChaos, type ChaosResult } from '../../bench/chaos/run.js';
import { findPostgresBin, startThrowawayPostgres, type ThrowawayPostgres } from '../../bench/support/throwaway-postgres.js';

/**
 * One short seeded chaos run per topology (docs/testing.md § Chaos): real server processes and real
 * clients under faults drawn from the seed, then the checker. The long runs are `npm run chaos`.
 * PostgreSQL is a cluster of this file's own, since the run restarts it.
 */
function expectClean(result: ChaosResult): void {
  // The report names the seed and the history of each violation: it is the failure message.
  expect(result.violations, formatChaosResult(result)).toEqual([]);
  expect(result.stats.acked).toBeGreaterThan(0);
  expect(result.stats.received).toBeGreaterThan(result.stats.acked);
  expect(Object.values(result.stats.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
}

describe('chaos: a short seeded run', () => {
  let postgres: ThrowawayPostgres | undefined;
  beforeAll(async () => {
    const bin = await findPostgresBin();
    if (bin) postgres = await startThrowawayPostgres(bin);
  }, 120_000);
  afterAll(async () => {
    await postgres?.stop();
  }, 60_000);

  it('three nodes on PostgreSQL: every message once, in order, in its windows', async (context) => {
    if (!postgres) return context.skip('no PostgreSQL binaries');
    expectClean(await runChaos({ seed: 1, topology: 'postgres', postgres, durationS: 6, clients: 4, settleS: 90 }));
  }, 300_000);

  it('one node on PGlite: every message once, in order, in its windows', async () => {
    expectClean(await runChaos({ seed: 1, topology: 'pglite', durationS: 6, clients: 4, settleS: 90 }));
  }, 300_000);
});
