import { mib, ms, table } from '../support/stats.js';
import { startDeployment, type BenchDatabase } from './deployment.js';
import { signupMany, type LoadClient } from './load-client.js';
import { RingLoad, type RingPhase } from './ring-load.js';

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
export interface RateRow extends Omit<RingPhase, 'busyS'> {
  readonly rate: number;
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
    const ring = new RingLoad(clients);
    await ring.prime();

    const rows: RateRow[] = [];
    const steps = [
      { rate: options.rates[0]!, durationS: options.warmUpS ?? 2, warmUp: true },
      ...options.rates.map((rate) => ({ rate, durationS: options.durationS, warmUp: false })),
    ];
    for (const { rate, durationS, warmUp } of steps) {
      if (durationS === 0) continue;
      const serverBefore = deployment.serverUsage();
      const databaseBefore = deployment.databaseUsage();
      let serverAfter = serverBefore;
      let databaseAfter = databaseBefore;
      const { busyS, ...phase } = await ring.run(rate, durationS, () => {
        serverAfter = deployment.serverUsage();
        databaseAfter = deployment.databaseUsage();
      });
      if (warmUp) continue;
      rows.push({
        rate,
        ...phase,
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
    [
      'offered msg/s',
      'clients',
      'database',
      'achieved msg/s',
      'delivery ms p50 / p95 / p99 / max',
      'ack ms p50 / p99',
      'errors / missing / twice',
      'generator lag ms max',
      'CPU cores server + db',
      'server RSS MiB',
    ],
    rows,
  );
}
