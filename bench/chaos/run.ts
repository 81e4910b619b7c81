import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ThrowawayPostgres } from '../support/throwaway-postgres.js';
import { checkHistory } from './checker.js';
import { ChaosLog, openChaosUsers, type ChaosUser } from './clients.js';
import { startChaosCluster, type ChaosCluster, type Topology } from './cluster.js';
import { explainViolation } from './explain.js';
import { faultsOf, startFaults, type FaultKind } from './faults.js';
import type { ChaosHistory, ConversationInfo, Violation } from './history.js';
import { Prng } from './prng.js';
import { Recorder } from './recorder.js';
import { settle } from './settle.js';
import { startWorkload } from './workload.js';

export interface ChaosOptions {
  readonly seed: number;
  /** Seconds of traffic under faults (the settle phase comes after). */
  readonly durationS: number;
  readonly topology: Topology;
  /** @default 6 */
  readonly clients?: number;
  /** The PostgreSQL cluster for the postgres topology (each run makes its own database in it). */
  readonly postgres?: ThrowawayPostgres;
  /** Seconds the clients get to catch up once the faults stop. @default 60 */
  readonly settleS?: number;
  /** @default every fault the topology can suffer */
  readonly faults?: readonly FaultKind[];
  /** Prints the timeline as it happens. */
  readonly echo?: (line: string) => void;
}

export interface ChaosResult {
  readonly seed: number;
  readonly topology: Topology;
  readonly violations: readonly Violation[];
  /** The history of each violation (explain.ts), in the same order. */
  readonly explanations: readonly string[][];
  /** What was still missing when the settle phase gave up (empty: settled). */
  readonly unsettled: readonly string[];
  readonly stats: {
    sent: number;
    acked: number;
    stored: number;
    received: number;
    undecryptable: number;
    faults: Record<string, number>;
    seconds: number;
  };
}

/**
 * One seeded chaos run: real servers and real clients, traffic and membership changes under faults
 * drawn from the seed, a settle phase, then the checker over what the database holds and what every
 * client saw.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const started = performance.now();
  const prng = new Prng(options.seed);
  const recorder = new Recorder(options.echo);
  const log = new ChaosLog(recorder);
  const home = await mkdtemp(join(tmpdir(), 'fastchat-chaos-home-'));
  let cluster: ChaosCluster | undefined;
  const users: ChaosUser[] = [];
  try {
    cluster = await startChaosCluster({
      topology: options.topology,
      ...(options.postgres ? { postgres: options.postgres } : {}),
      label: `s${options.seed}`,
      onEvent: (text) => recorder.log(text),
    });
    users.push(...(await openChaosUsers(cluster.coordinator, options.clients ?? 6, home, log)));
    const groups = await createGroups(users, prng.fork(7));
    recorder.log(
      `world ready: ${cluster.nodes.length} node(s) on ${options.topology}, ${users.length} clients, groups ${groups.map((g) => `${g.conversation} [${g.founders.join(', ')}]`).join('; ')}`,
    );

    const workload = startWorkload({ users, groups: groups.map((g) => g.conversation), log, prng: prng.fork(11) });
    const faults = startFaults(cluster, options.faults ?? faultsOf(options.topology), prng.fork(13), recorder);
    await new Promise((resolve) => setTimeout(resolve, options.durationS * 1000));
    await faults.stop();
    await workload.stop();
    recorder.log('traffic stopped; settling');
    const unsettled = await settle(users, log, Date.now() + (options.settleS ?? 60) * 1000);
    for (const line of unsettled) recorder.log(`not settled: ${line}`);

    const clients = users.map((u) => ({ user: u.id, name: u.name, outbox: u.client.outbox.size, state: u.client.status.state }));
    await Promise.all(users.splice(0).map((u) => u.client.close(0)));
    const truth = await cluster.stopAndRead();
    const history: ChaosHistory = {
      conversations: [...groups, ...truth.direct],
      stored: truth.stored,
      sends: log.sends,
      received: log.received,
      clients,
      timeline: recorder.timeline,
    };
    const violations = checkHistory(history);
    return {
      seed: options.seed,
      topology: options.topology,
      violations,
      explanations: violations.map((v) => explainViolation(history, v)),
      unsettled,
      stats: {
        sent: log.sends.length,
        acked: log.sends.filter((s) => s.acks.length > 0).length,
        stored: truth.stored.filter((r) => r.kind === 'message').length,
        received: log.received.length,
        undecryptable: log.received.filter((r) => r.trust === 'undecryptable').length,
        faults: Object.fromEntries(faults.counts),
        seconds: (performance.now() - started) / 1000,
      },
    };
  } finally {
    await Promise.all(users.map((u) => u.client.close(0).catch(() => undefined)));
    await cluster?.dispose();
    await rm(home, { recursive: true, force: true });
  }
}

/** Two groups administered by the first user: everyone, and every other user. Made before any fault. */
async function createGroups(users: readonly ChaosUser[], prng: Prng): Promise<ConversationInfo[]> {
  const [admin, ...rest] = users;
  if (!admin || rest.length === 0) return [];
  const plans = [
    { name: 'everyone', members: rest },
    { name: 'some', members: rest.filter((u) => u.index % 2 === 1 || prng.chance(0.3)) },
  ];
  const groups: ConversationInfo[] = [];
  for (const plan of plans) {
    const { conversation } = await admin.client.request({ t: 'group_create', name: plan.name, members: plan.members.map((u) => u.id) });
    groups.push({ conversation: conversation.conversation, kind: 'group', founders: [admin.id, ...plan.members.map((u) => u.id)] });
  }
  return groups;
}
