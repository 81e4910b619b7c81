import { randomUUID } from 'node:crypto';
import { mib, ms, summarise, table, type LatencySummary } from '../support/stats.js';
import { startDeployment, type BenchDatabase } from './deployment.js';
import { signupMany, type LoadClient } from './load-client.js';
import { offerLoad, waitUntil } from './offered-load.js';

export interface RateOptions {
  readonly database: BenchDatabase;
  readonly clients: number;
  /** Offered loads to run one after the other on the same clients, messages per second in total. */
  readonly rates: readonly number[];
  /** Seconds of load per rate. */
  readonly durationS: number;
  /** Seconds of load at the first rate before measuring (JIT, caches, pools warm up). @default 2 */
  readonly warmUpS?: number;
  /** Create the database on this PostgreSQL server rather than a throwaway cluster. */
  readonly postgresServerUrl?: string;
}

/** One offered rate's figures. */
export interface RateRow {
  readonly rate: number;
  /** Sends fired by the scheduler. */
  readonly offered: number;
  readonly acked: number;
  /** Acknowledged messages that reached their recipient, each counted once. */
  readonly delivered: number;
  readonly missing: number;
  readonly duplicates: number;
  readonly errors: number;
  /** Deliveries per second over the run (first due send to last delivery). */
  readonly achievedPerS: number;
  /** From the time the send was due to the recipient's push. */
  readonly delivery: LatencySummary;
  readonly ack: LatencySummary;
  /** The generator's worst lag behind the schedule, ms (large values mean the figures are its own). */
  readonly maxLagMs: number;
  readonly serverCores: number;
  readonly databaseCores: number;
  readonly serverRssBytes: number;
}

export interface RateResult {
  readonly options: RateOptions;
  readonly databaseLabel: string;
  readonly rows: readonly RateRow[];
}

let runs = 0;

/**
 * Fixed offered load: `clients` users each with one contact (the next round a ring, conversation
 * made before the clock starts); for each rate in turn, sends fire at evenly spaced times, sender
 * after sender round the ring, not waiting for acks (protocol.md § Delivery: acked after commit).
 * Each message is then counted at its recipient: once, twice or never.
 */
export async function runRate(options: RateOptions): Promise<RateResult> {
  const deployment = await startDeployment({
    database: options.database,
    ...(options.postgresServerUrl ? { postgresServerUrl: options.postgresServerUrl } : {}),
  });
  const clients: LoadClient[] = [];
  try {
    const tag = `rate${process.pid}r${++runs}`;
    clients.push(...(await signupMany(deployment.coordinator, options.clients, tag, { progress: `rate ${options.database}` })));
    const peerOf = (index: number) => clients[(index + 1) % clients.length]!.userId;
    await Promise.all(clients.map((client, index) => client.send(peerOf(index))));

    // The sends of the rate being run, by cid: a push for any other (a warm-up) is not counted.
    let sent = new Map<string, { acked: boolean; delivered: number }>();
    let deliveryLatencies: number[] = [];
    let lastDelivery = 0;
    for (const client of clients) {
      client.onMessage((sentAt, push) => {
        const message = sent.get(push.cid);
        if (push.from === client.userId || message === undefined) return;
        message.delivered++;
        lastDelivery = performance.now();
        deliveryLatencies.push(lastDelivery - sentAt);
      });
    }

    const rows: RateRow[] = [];
    const steps = [{ rate: options.rates[0]!, durationS: options.warmUpS ?? 2, warmUp: true }, ...options.rates.map((rate) => ({ rate, durationS: options.durationS, warmUp: false }))];
    for (const { rate, durationS, warmUp } of steps) {
      if (durationS === 0) continue;
      sent = new Map();
      deliveryLatencies = [];
      const ackLatencies: number[] = [];
      let errors = 0;
      const serverBefore = deployment.serverUsage();
      const databaseBefore = deployment.databaseUsage();
      const started = performance.now();
      const load = await offerLoad(rate, durationS, (n, at) => {
        const index = n % clients.length;
        const cid = randomUUID();
        const message = { acked: false, delivered: 0 };
        sent.set(cid, message);
        clients[index]!.send(peerOf(index), at, cid).then(
          () => {
            message.acked = true;
            ackLatencies.push(performance.now() - at);
          },
          () => void errors++,
        );
      });
      const offeredEnded = performance.now();
      const serverAfter = deployment.serverUsage();
      const databaseAfter = deployment.databaseUsage();
      const all = [...sent.values()];
      // Drain: every send answered, and every acknowledged message delivered (a few seconds' grace).
      await waitUntil(() => ackLatencies.length + errors >= all.length && all.every((m) => !m.acked || m.delivered > 0), 15_000);
      const acked = all.filter((m) => m.acked);
      const busyS = (offeredEnded - started) / 1000;
      if (warmUp) continue;
      rows.push({
        rate,
        offered: load.fired,
        acked: acked.length,
        delivered: acked.filter((m) => m.delivered > 0).length,
        missing: acked.filter((m) => m.delivered === 0).length,
        duplicates: all.reduce((sum, m) => sum + Math.max(0, m.delivered - 1), 0),
        errors,
        achievedPerS: deliveryLatencies.length / ((Math.max(lastDelivery, offeredEnded) - started) / 1000),
        delivery: summarise(deliveryLatencies),
        ack: summarise(ackLatencies),
        maxLagMs: load.maxLagMs,
        serverCores: (serverAfter.cpuSeconds - serverBefore.cpuSeconds) / busyS,
        databaseCores: (databaseAfter.cpuSeconds - databaseBefore.cpuSeconds) / busyS,
        serverRssBytes: serverAfter.rssBytes,
      });
    }
    return { options, databaseLabel: deployment.databaseLabel, rows };
  } finally {
    for (const client of clients) client.close();
    await deployment.stop();
  }
}

/** One row per database and rate. */
export function formatRate(results: readonly RateResult[]): string {
  const rows = results.flatMap((result) =>
    result.rows.map((r) => [
      String(r.rate),
      String(result.options.clients),
      result.databaseLabel,
      r.achievedPerS.toFixed(0),
      `${ms(r.delivery.p50)} / ${ms(r.delivery.p95)} / ${ms(r.delivery.p99)} / ${ms(r.delivery.max)}`,
      `${ms(r.ack.p50)} / ${ms(r.ack.p99)}`,
      `${r.errors} / ${r.missing} / ${r.duplicates}`,
      ms(r.maxLagMs),
      `${r.serverCores.toFixed(2)} + ${r.databaseCores.toFixed(2)}`,
      mib(r.serverRssBytes),
    ]),
  );
  return table(
    ['offered msg/s', 'clients', 'database', 'achieved msg/s', 'delivery ms p50 / p95 / p99 / max', 'ack ms p50 / p99', 'errors / missing / twice', 'generator lag ms max', 'CPU cores server + db', 'server RSS MiB'],
    rows,
  );
}
