import { table } from '../support/stats.js';
import { startDeployment, type BenchDatabase } from './deployment.js';
import { signupMany, type LoadClient } from './load-client.js';

export interface OrderProbeOptions {
  readonly database: BenchDatabase;
  /** Senders, each on its own connection. @default 40 */
  readonly senders?: number;
  /** Sends per sender. @default 300 */
  readonly sends?: number;
  /** Sends of one sender awaiting their ack at once. @default 8 */
  readonly inFlight?: number;
  /** Create the database on this PostgreSQL server rather than a throwaway cluster. */
  readonly postgresServerUrl?: string;
}

export interface OrderProbeResult {
  readonly options: Required<Omit<OrderProbeOptions, 'postgresServerUrl'>>;
  readonly databaseLabel: string;
  /** Sends acknowledged by the server. */
  readonly acked: number;
  /** Sends refused or lost (there should be none: the server's limits are off). */
  readonly errors: number;
  /** Acknowledged sends whose seq is below the seq of an earlier send of the same sender (should be 0). */
  readonly outOfOrder: number;
  /** Senders with at least one such send. */
  readonly sendersOutOfOrder: number;
  readonly seconds: number;
}

let runs = 0;

/**
 * Order probe (protocol.md § Delivery, "In the order sent"): each sender pipelines its sends, a few
 * in flight at once, into a direct conversation that does not exist yet (`to`, so the first sends
 * race to create it; the peer is the next sender round the ring, which is doing the same from its
 * own connection). The server must give one sender's sends seqs in the order it sent them; the
 * probe counts, from the acks, every send whose seq is below that of an earlier send of its sender.
 */
export async function runOrderProbe(options: OrderProbeOptions): Promise<OrderProbeResult> {
  const senders = options.senders ?? 40;
  const sends = options.sends ?? 300;
  const inFlight = options.inFlight ?? 8;
  const deployment = await startDeployment({
    database: options.database,
    ...(options.postgresServerUrl ? { postgresServerUrl: options.postgresServerUrl } : {}),
  });
  const clients: LoadClient[] = [];
  try {
    clients.push(...(await signupMany(deployment.coordinator, senders, `o${process.pid}r${++runs}`, { concurrency: 16 })));
    const started = performance.now();
    let errors = 0;
    const seqLists = await Promise.all(
      clients.map(async (client, index) => {
        const peer = clients[(index + 1) % clients.length]!.userId;
        const seqs: Array<number | undefined> = new Array<number | undefined>(sends);
        let next = 0;
        const lane = async () => {
          while (next < sends) {
            const n = next++;
            try {
              seqs[n] = (await client.send(peer)).seq;
            } catch {
              errors++;
            }
          }
        };
        // `inFlight` lanes take the sends in order: send n goes out before send n + 1 on the one connection.
        await Promise.all(Array.from({ length: inFlight }, lane));
        return seqs;
      }),
    );
    const counts = seqLists.map(countOutOfOrder);
    return {
      options: { database: options.database, senders, sends, inFlight },
      databaseLabel: deployment.databaseLabel,
      acked: seqLists.reduce((sum, seqs) => sum + seqs.filter((s) => s !== undefined).length, 0),
      errors,
      outOfOrder: counts.reduce((a, b) => a + b, 0),
      sendersOutOfOrder: counts.filter((c) => c > 0).length,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    for (const client of clients) client.close();
    await deployment.stop();
  }
}

/** Sends (in send order) whose seq is below the highest seq of a send before them; unacked ones are skipped. */
export function countOutOfOrder(seqs: ReadonlyArray<number | undefined>): number {
  let highest = 0;
  let late = 0;
  for (const seq of seqs) {
    if (seq === undefined) continue;
    if (seq < highest) late++;
    else highest = seq;
  }
  return late;
}

/** One row per run: the figures docs/benchmarks.md records. */
export function formatOrderProbe(results: readonly OrderProbeResult[]): string {
  const rows = results.map((r) => [
    r.databaseLabel,
    `${r.options.senders} × ${r.options.sends} (${r.options.inFlight} in flight)`,
    String(r.acked),
    String(r.errors),
    String(r.outOfOrder),
    String(r.sendersOutOfOrder),
    r.seconds.toFixed(1),
  ]);
  return table(['database', 'senders × sends', 'acked', 'errors', 'out of order', 'senders out of order', 's'], rows);
}
