import { mib, ms, summarise, table, type LatencySummary } from '../support/stats.js';
import { startDeployment, type BenchDatabase } from './deployment.js';
import { signupMany, type LoadClient } from './load-client.js';

export interface DmStormOptions {
  readonly database: BenchDatabase;
  readonly clients: number;
  /** Contacts per client: each sends to a random one of these. @default 5 */
  readonly contacts?: number;
  readonly durationS: number;
  /** `--workers` of the server (PostgreSQL only). @default 1 */
  readonly workers?: number;
  /** Create the database on this PostgreSQL server rather than a throwaway cluster. */
  readonly postgresServerUrl?: string;
}

export interface DmStormResult {
  readonly options: DmStormOptions;
  readonly databaseLabel: string;
  /** Sends acknowledged (committed) by the server. */
  readonly acked: number;
  /** Messages received by their recipients, each counted once. */
  readonly delivered: number;
  /** Acknowledged messages that never arrived after the drain (should be 0). */
  readonly missing: number;
  /** Messages a recipient got twice (should be 0). */
  readonly duplicates: number;
  /** Failed sends (errors from the server or a lost connection). */
  readonly errors: number;
  readonly deliveredPerSecond: number;
  readonly ack: LatencySummary;
  readonly delivery: LatencySummary;
  /** Cores' worth of CPU the server processes used while the storm ran. */
  readonly serverCores: number;
  readonly databaseCores: number;
  readonly serverRssBytes: number;
  /** Cores' worth of CPU the load generator itself used (it shares the machine). */
  readonly generatorCores: number;
}

let runs = 0;

/**
 * DM storm: every client sends to a random one of its contacts as fast as its acknowledgements allow (one
 * send in flight per client), for `durationS` seconds; then waits for every acknowledged message to
 * reach its recipient and counts, message by message, what arrived, twice or never.
 */
export async function runDmStorm(options: DmStormOptions): Promise<DmStormResult> {
  const deployment = await startDeployment({
    database: options.database,
    workers: options.workers ?? 1,
    ...(options.postgresServerUrl ? { postgresServerUrl: options.postgresServerUrl } : {}),
  });
  const clients: LoadClient[] = [];
  try {
    clients.push(...(await signupMany(deployment.coordinator, options.clients, `b${process.pid}r${++runs}`, { concurrency: 16 })));
    const seen = new Set<string>();
    const deliveryLatencies: number[] = [];
    const ackLatencies: number[] = [];
    let duplicates = 0;
    let lastDelivery = 0;
    let started = Infinity;
    // Contacts: the next few clients round the ring. Their direct conversations are created by a
    // first message each before the clock starts, so the storm measures messages, not new chats.
    const contacts = Math.min(options.contacts ?? 5, clients.length - 1);
    const peersOf = (index: number) => Array.from({ length: contacts }, (_, k) => clients[(index + 1 + k) % clients.length]!.userId);
    await Promise.all(
      clients.map(async (client, index) => {
        for (const peer of peersOf(index)) await client.send(peer);
      }),
    );

    for (const client of clients) {
      client.onMessage((sentAt, push) => {
        // Senders get their own messages too (their other devices would); count recipients only,
        // and only messages of the storm (a late warm-up message is not one).
        if (push.from === client.userId || sentAt < started) return;
        const key = `${client.userId}:${push.conversation}:${push.seq}`;
        if (seen.has(key)) return void duplicates++;
        seen.add(key);
        lastDelivery = performance.now();
        deliveryLatencies.push(lastDelivery - sentAt);
      });
    }

    const serverBefore = deployment.serverUsage();
    const databaseBefore = deployment.databaseUsage();
    const generatorBefore = process.cpuUsage();
    started = performance.now();
    const end = started + options.durationS * 1000;
    let acked = 0;
    let errors = 0;
    await Promise.all(
      clients.map(async (client, index) => {
        const peers = peersOf(index);
        while (performance.now() < end) {
          const peer = peers[Math.floor(Math.random() * peers.length)]!;
          const sentAt = performance.now();
          try {
            await client.send(peer);
            ackLatencies.push(performance.now() - sentAt);
            acked++;
          } catch {
            errors++;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }),
    );
    const sendingEnded = performance.now();
    const generator = process.cpuUsage(generatorBefore);
    const serverAfter = deployment.serverUsage();
    const databaseAfter = deployment.databaseUsage();
    // Drain: every acknowledged message should arrive; give stragglers a few seconds.
    const drainDeadline = performance.now() + 10_000;
    while (seen.size < acked && performance.now() < drainDeadline) await new Promise((r) => setTimeout(r, 50));
    const elapsedS = (Math.max(lastDelivery, sendingEnded) - started) / 1000;
    const busyS = (sendingEnded - started) / 1000;
    return {
      options,
      databaseLabel: deployment.databaseLabel,
      acked,
      delivered: seen.size,
      missing: Math.max(0, acked - seen.size),
      duplicates,
      errors,
      deliveredPerSecond: seen.size / elapsedS,
      ack: summarise(ackLatencies),
      delivery: summarise(deliveryLatencies),
      serverCores: (serverAfter.cpuSeconds - serverBefore.cpuSeconds) / busyS,
      databaseCores: (databaseAfter.cpuSeconds - databaseBefore.cpuSeconds) / busyS,
      serverRssBytes: serverAfter.rssBytes,
      generatorCores: (generator.user + generator.system) / 1e6 / busyS,
    };
  } finally {
    for (const client of clients) client.close();
    await deployment.stop();
  }
}

/** One row per run: the figures docs/benchmarks.md records. */
export function formatDmStorm(results: readonly DmStormResult[], first = 'clients'): string {
  const rows = results.map((r) => [
    first === 'workers' ? String(r.options.workers ?? 1) : String(r.options.clients),
    r.databaseLabel,
    r.deliveredPerSecond.toFixed(0),
    `${ms(r.delivery.p50)} / ${ms(r.delivery.p95)} / ${ms(r.delivery.p99)} / ${ms(r.delivery.max)}`,
    `${ms(r.ack.p50)} / ${ms(r.ack.p99)}`,
    `${r.errors} / ${r.missing} / ${r.duplicates}`,
    `${r.serverCores.toFixed(2)} + ${r.databaseCores.toFixed(2)} + ${r.generatorCores.toFixed(2)}`,
    mib(r.serverRssBytes),
  ]);
  return table(
    [
      first,
      'database',
      'delivered msg/s',
      'delivery ms p50 / p95 / p99 / max',
      'ack ms p50 / p99',
      'errors / missing / twice',
      'CPU cores server + db + load',
      'server RSS MiB',
    ],
    rows,
  );
}
