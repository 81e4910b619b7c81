import { parseArgs } from 'node:util';
import { formatChaosResult } from './chaos/report.js';
import { runChaos } from './chaos/run.js';
import type { Topology } from './chaos/cluster.js';
import { findPostgresBin, startThrowawayPostgres, type ThrowawayPostgres } from './support/throwaway-postgres.js';

/**
 * `npm run chaos -- --seed S --duration D`: the seeded chaos checker (docs/testing.md § Chaos). Real
 * servers and clients under faults drawn from the seed, then every promise of protocol.md § Delivery
 * checked. A random seed unless --seed is given; `--seeds N` runs S, S+1, … S+N-1.
 *
 *   npm run chaos -- --seed 1 --seeds 50 --duration 20
 *   npm run chaos -- --seed 17 --topology pglite --verbose
 */
const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    seeds: { type: 'string', default: '1' },
    duration: { type: 'string', default: '20' },
    topology: { type: 'string', default: 'postgres' },
    clients: { type: 'string', default: '6' },
    settle: { type: 'string', default: '60' },
    verbose: { type: 'boolean', default: false },
  },
});

const topology = values.topology as Topology;
if (topology !== 'postgres' && topology !== 'pglite') throw new Error(`--topology: postgres or pglite, not ${values.topology}`);
const first = values.seed === undefined ? (Math.random() * 2 ** 31) | 0 : Number(values.seed);
const count = Number(values.seeds);

let postgres: ThrowawayPostgres | undefined;
if (topology === 'postgres') {
  const bin = await findPostgresBin();
  if (!bin) throw new Error('chaos: the postgres topology needs pg_ctl and initdb (PostgreSQL 15 binaries); try --topology pglite');
  postgres = await startThrowawayPostgres(bin);
}

const failed: number[] = [];
try {
  for (let seed = first; seed < first + count; seed++) {
    console.log(`chaos seed ${seed} (${topology}, ${values.duration} s, ${values.clients} clients)`);
    const result = await runChaos({
      seed,
      topology,
      durationS: Number(values.duration),
      clients: Number(values.clients),
      settleS: Number(values.settle),
      ...(postgres ? { postgres } : {}),
      ...(values.verbose ? { echo: (line: string) => console.log(`  ${line}`) } : {}),
    }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    if (result instanceof Error) {
      // The world could not be set up or torn down (not a verdict on delivery): say so, count it, go on.
      console.log(`seed ${seed} (${topology}) ERROR: ${result.stack ?? result.message}`);
      failed.push(seed);
      continue;
    }
    console.log(formatChaosResult(result));
    if (result.violations.length > 0) failed.push(seed);
  }
} finally {
  await postgres?.stop();
}
console.log(
  `${count - failed.length}/${count} seeds passed (${first}..${first + count - 1}, ${topology})${failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''}`,
);
process.exitCode = failed.length > 0 ? 1 : 0;
