import { mib, table } from '../support/stats.js';
import { startDeployment, type BenchDatabase } from './deployment.js';
import { signupMany, type LoadClient } from './load-client.js';

export interface IdleOptions {
  readonly database: BenchDatabase;
  /** Client counts, ascending: the same server grows from one to the next. */
  readonly sizes: readonly number[];
  /** Seconds the server's CPU is measured with every client idle. @default 5 */
  readonly idleS?: number;
  /** Create the database on this PostgreSQL server rather than a throwaway cluster. */
  readonly postgresServerUrl?: string;
}

export interface IdleRow {
  readonly clients: number;
  /** Server RSS with no client connected. */
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  /** (after − before) / clients. */
  readonly rssPerClientBytes: number;
  /** Cores' worth of server CPU while every client sat idle. */
  readonly idleCores: number;
  /** Clients that answered a ping after the idle period (all of them, unless some were dropped). */
  readonly answering: number;
  /** Connections that closed without the generator closing them. */
  readonly dropped: number;
  /** Seconds it took to connect and sign up this step's new clients. */
  readonly setupS: number;
}

export interface IdleResult {
  readonly options: IdleOptions;
  readonly databaseLabel: string;
  readonly rows: readonly IdleRow[];
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let runs = 0;

/**
 * Idle connections on one node: the server listens on a single node port, so every client lands on
 * the same process. Clients connect, sign up and sync (`signupMany`, bounded concurrency: each
 * signup costs the server a scrypt), then do nothing; the server's RSS and CPU are read from /proc.
 * Sizes grow on the same server rather than starting over, since the signups are most of the time.
 */
export async function runIdle(options: IdleOptions): Promise<IdleResult> {
  const deployment = await startDeployment({
    database: options.database,
    ports: 1,
    ...(options.postgresServerUrl ? { postgresServerUrl: options.postgresServerUrl } : {}),
  });
  const clients: LoadClient[] = [];
  let dropped = 0;
  let closing = false;
  try {
    // Let start-up work (schema checks, first heartbeats) finish before the baseline.
    await pause(2000);
    const rssBeforeBytes = deployment.serverUsage().rssBytes;
    const tag = `idle${process.pid}r${++runs}`;
    const rows: IdleRow[] = [];
    for (const size of [...options.sizes].sort((a, b) => a - b)) {
      const setupStarted = performance.now();
      const added = await signupMany(deployment.coordinator, size - clients.length, tag, {
        first: clients.length,
        progress: `idle ${options.database} → ${size}`,
      });
      for (const client of added) void client.rpc.closed.then(() => void (closing || dropped++));
      clients.push(...added);
      const setupS = (performance.now() - setupStarted) / 1000;
      await pause(1000);
      const before = deployment.serverUsage();
      const idleStarted = performance.now();
      await pause((options.idleS ?? 5) * 1000);
      const after = deployment.serverUsage();
      const idleCores = (after.cpuSeconds - before.cpuSeconds) / ((performance.now() - idleStarted) / 1000);
      let answering = 0;
      await Promise.all(
        clients.map((client) =>
          client.rpc.request({ t: 'ping' }, { timeoutMs: 30_000 }).then(
            () => void answering++,
            () => undefined,
          ),
        ),
      );
      rows.push({
        clients: size,
        rssBeforeBytes,
        rssAfterBytes: after.rssBytes,
        rssPerClientBytes: (after.rssBytes - rssBeforeBytes) / size,
        idleCores,
        answering,
        dropped,
        setupS,
      });
    }
    return { options, databaseLabel: deployment.databaseLabel, rows };
  } finally {
    closing = true;
    for (const client of clients) client.close();
    await deployment.stop();
  }
}

/** One row per size. */
export function formatIdle(results: readonly IdleResult[]): string {
  const rows = results.flatMap((result) =>
    result.rows.map((r) => [
      String(r.clients),
      result.databaseLabel,
      mib(r.rssBeforeBytes),
      mib(r.rssAfterBytes),
      (r.rssPerClientBytes / 1024).toFixed(1),
      r.idleCores.toFixed(3),
      `${r.answering} / ${r.dropped}`,
      r.setupS.toFixed(0),
    ]),
  );
  return table(
    [
      'idle clients',
      'database',
      'server RSS MiB before',
      'server RSS MiB after',
      'KiB per client',
      'idle CPU cores',
      'answering / dropped',
      'setup s (this step)',
    ],
    rows,
  );
}
