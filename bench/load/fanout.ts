import { randomUUID } from 'node:crypto';
import { mib, ms, summarise, table, type LatencySummary } from '../support/stats.js';
import { startDeployment, type BenchDatabase } from './deployment.js';
import { signupMany, type LoadClient } from './load-client.js';
import { offerLoad, waitUntil } from './offered-load.js';

export interface FanoutOptions {
  readonly database: BenchDatabase;
  /** Members of the one group, senders included. */
  readonly members: number;
  /** Members that send, taking turns. @default 2 */
  readonly senders?: number;
  /** Messages per second, all senders together. @default 20 */
  readonly ratePerS?: number;
  readonly durationS: number;
  /** Create the database on this PostgreSQL server rather than a throwaway cluster. */
  readonly postgresServerUrl?: string;
}

export interface FanoutResult {
  readonly options: FanoutOptions;
  readonly databaseLabel: string;
  /** Sends acknowledged. */
  readonly sends: number;
  /** Distinct seqs the members were pushed for one send, summed over sends (one each when stored once). */
  readonly stored: number;
  /** Sends whose pushes named another seq than their ack, or more than one seq. */
  readonly storedWrong: number;
  /** Member deliveries, each (member, send) counted once; members − 1 per send when none is lost. */
  readonly deliveries: number;
  readonly missing: number;
  readonly duplicates: number;
  readonly errors: number;
  /** From the send's due time to each member's push. */
  readonly delivery: LatencySummary;
  /** From the send's due time to the push of the last member to get it. */
  readonly lastMember: LatencySummary;
  readonly serverCores: number;
  readonly databaseCores: number;
  readonly serverRssBytes: number;
}

interface Send {
  readonly at: number;
  ackSeq: number;
  readonly seqs: Set<number>;
  readonly members: Set<number>;
  pushes: number;
  lastAt: number;
  /** Each push's latency, from `at`. */
  readonly latencies: number[];
}

let runs = 0;

/**
 * Group fan-out: one group of `members`; a few of them send in turn at a modest fixed rate. Each
 * send is followed to every other member: how many rows it became (the seqs its pushes carry: one,
 * the ack's), how many members got it (once each), and when the last of them did.
 */
export async function runFanout(options: FanoutOptions): Promise<FanoutResult> {
  const deployment = await startDeployment({
    database: options.database,
    ...(options.postgresServerUrl ? { postgresServerUrl: options.postgresServerUrl } : {}),
  });
  const clients: LoadClient[] = [];
  try {
    const tag = `fan${process.pid}r${++runs}`;
    clients.push(...(await signupMany(deployment.coordinator, options.members, tag, { progress: `fanout ${options.members}` })));
    const group = await clients[0]!.createGroup(
      `fanout ${options.members}`,
      clients.slice(1).map((c) => c.userId),
    );

    const sends = new Map<string, Send>();
    for (const client of clients) {
      client.onMessage((_sentAt, push) => {
        const send = sends.get(push.cid);
        if (push.from === client.userId || push.conversation !== group || send === undefined) return;
        send.pushes++;
        send.seqs.add(push.seq);
        send.members.add(client.userId);
        send.lastAt = performance.now();
        send.latencies.push(send.lastAt - send.at);
      });
    }
    // Warm-up: one message every member has seen, so that the clock starts with every feed live.
    const track = (cid: string, at: number): Send => {
      const send: Send = { at, ackSeq: 0, seqs: new Set(), members: new Set(), pushes: 0, lastAt: 0, latencies: [] };
      sends.set(cid, send);
      return send;
    };
    const warmUpCid = randomUUID();
    const warmUp = track(warmUpCid, performance.now());
    await clients[0]!.send({ conversation: group }, warmUp.at, warmUpCid);
    await waitUntil(() => warmUp.members.size === clients.length - 1, 30_000);
    sends.clear();

    const senders = Math.min(options.senders ?? 2, clients.length);
    let errors = 0;
    let answered = 0;
    const serverBefore = deployment.serverUsage();
    const databaseBefore = deployment.databaseUsage();
    const started = performance.now();
    await offerLoad(options.ratePerS ?? 20, options.durationS, (n, at) => {
      const cid = randomUUID();
      const send = track(cid, at);
      clients[n % senders]!.send({ conversation: group }, at, cid).then(
        (ack) => void ((send.ackSeq = ack.seq), answered++),
        () => void (errors++, answered++),
      );
    });
    const busyS = (performance.now() - started) / 1000;
    const serverAfter = deployment.serverUsage();
    const databaseAfter = deployment.databaseUsage();
    const all = [...sends.values()];
    const expected = clients.length - 1;
    await waitUntil(() => answered === all.length && all.every((s) => s.ackSeq === 0 || s.members.size === expected), 15_000);

    const acked = all.filter((s) => s.ackSeq > 0);
    const lastLatencies = acked.filter((s) => s.members.size > 0).map((s) => s.lastAt - s.at);
    return {
      options,
      databaseLabel: deployment.databaseLabel,
      sends: acked.length,
      stored: acked.reduce((sum, s) => sum + s.seqs.size, 0),
      storedWrong: acked.filter((s) => s.seqs.size !== 1 || !s.seqs.has(s.ackSeq)).length,
      deliveries: acked.reduce((sum, s) => sum + s.members.size, 0),
      missing: acked.reduce((sum, s) => sum + expected - s.members.size, 0),
      duplicates: all.reduce((sum, s) => sum + s.pushes - s.members.size, 0),
      errors,
      delivery: summarise(acked.flatMap((s) => s.latencies)),
      lastMember: summarise(lastLatencies),
      serverCores: (serverAfter.cpuSeconds - serverBefore.cpuSeconds) / busyS,
      databaseCores: (databaseAfter.cpuSeconds - databaseBefore.cpuSeconds) / busyS,
      serverRssBytes: serverAfter.rssBytes,
    };
  } finally {
    for (const client of clients) client.close();
    await deployment.stop();
  }
}

/** One row per group size. */
export function formatFanout(results: readonly FanoutResult[]): string {
  const rows = results.map((r) => [
    String(r.options.members),
    r.databaseLabel,
    String(r.sends),
    `${(r.stored / r.sends).toFixed(2)} (${r.storedWrong} wrong)`,
    (r.deliveries / r.sends).toFixed(1),
    `${ms(r.delivery.p50)} / ${ms(r.delivery.p99)} / ${ms(r.delivery.max)}`,
    `${ms(r.lastMember.p50)} / ${ms(r.lastMember.p99)} / ${ms(r.lastMember.max)}`,
    `${r.errors} / ${r.missing} / ${r.duplicates}`,
    `${r.serverCores.toFixed(2)} + ${r.databaseCores.toFixed(2)}`,
    mib(r.serverRssBytes),
  ]);
  return table(
    [
      'members',
      'database',
      'sends',
      'rows per send',
      'deliveries per send',
      'delivery ms p50 / p99 / max',
      'last member ms p50 / p99 / max',
      'errors / missing / twice',
      'CPU cores server + db',
      'server RSS MiB',
    ],
    rows,
  );
}
