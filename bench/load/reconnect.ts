import { randomUUID } from 'node:crypto';
import { ms, summarise, table, type LatencySummary } from '../support/stats.js';
import { startDeployment, type BenchDatabase, type Deployment } from './deployment.js';
import { signupMany, type LoadClient } from './load-client.js';
import { offerLoad, waitUntil } from './offered-load.js';

/**
 * How every connection is lost: `drop` closes every client's socket at once from the client side;
 * `restart` SIGKILLs the server (a node dies) and starts it again on the same ports and database.
 */
export type StormKind = 'drop' | 'restart';

export interface ReconnectOptions {
  readonly database: BenchDatabase;
  readonly clients: number;
  /** Storms to run one after the other on the same clients. `restart` needs PostgreSQL. */
  readonly storms: readonly StormKind[];
  /** Messages per second flowing before, during and after each storm. @default 100 */
  readonly ratePerS?: number;
  /** Seconds of load before the storm and after everyone is back. @default 2 */
  readonly calmS?: number;
  /** Create the database on this PostgreSQL server rather than a throwaway cluster. */
  readonly postgresServerUrl?: string;
}

export interface StormRow {
  readonly storm: StormKind;
  /** Per client, from the drop (the kill) to its `sync` answered on the new connection. */
  readonly back: LatencySummary;
  /** From the drop until the last client was back, seconds. */
  readonly allBackS: number;
  /** `restart`: from the kill until the new server said it was ready, seconds. */
  readonly serverDownS: number;
  /** Relogin attempts that failed and were retried (refused while the server was down, …). */
  readonly retries: number;
  readonly clientsBack: number;
  /** Messages fired from the drop until everyone was back. */
  readonly sentDuringStorm: number;
  /** Acknowledged, of all the messages of this storm's run (before, during and after). */
  readonly acked: number;
  /** Sends resent with their cid after the connection broke under them. */
  readonly resent: number;
  readonly lost: number;
  readonly doubled: number;
  /** Sends never acknowledged, even after resending. */
  readonly errors: number;
}

export interface ReconnectResult {
  readonly options: ReconnectOptions;
  readonly databaseLabel: string;
  readonly rows: readonly StormRow[];
}

interface Message {
  acked: boolean;
  delivered: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let runs = 0;

/**
 * Reconnect storm: `clients` users, each with one contact (the next round a ring), messages flowing
 * at a fixed rate; then every connection goes at once, and every client comes back through the
 * coordinator (`LoadClient.relogin`: login, then sync from its cursors). Messages keep being sent
 * meanwhile; one whose connection broke under it is resent with the same cid once its client is
 * back, as the real client does. Every message is then counted at its recipient: once, twice or never.
 */
export async function runReconnect(options: ReconnectOptions): Promise<ReconnectResult> {
  if (options.database !== 'postgres' && options.storms.includes('restart')) {
    throw new Error('bench: the restart storm needs PostgreSQL (a SIGKILLed embedded database is not what a node death looks like)');
  }
  const deployment = await startDeployment({
    database: options.database,
    ...(options.postgresServerUrl ? { postgresServerUrl: options.postgresServerUrl } : {}),
  });
  const clients: LoadClient[] = [];
  try {
    const tag = `rc${process.pid}r${++runs}`;
    clients.push(...(await signupMany(deployment.coordinator, options.clients, tag, { progress: `reconnect ${options.database}` })));
    // Direct conversations exist before the first storm, so that it measures messages, not new chats.
    await Promise.all(clients.map((client, index) => client.send(clients[(index + 1) % clients.length]!.userId)));
    const rows: StormRow[] = [];
    for (const storm of options.storms) rows.push(await runStorm(deployment, clients, storm, options));
    return { options, databaseLabel: deployment.databaseLabel, rows };
  } finally {
    for (const client of clients) client.close();
    await deployment.stop();
  }
}

async function runStorm(deployment: Deployment, clients: LoadClient[], storm: StormKind, options: ReconnectOptions): Promise<StormRow> {
  const peerOf = (index: number) => clients[(index + 1) % clients.length]!.userId;
  const messages = new Map<string, Message>();
  const listeners = clients.map((client) => (_sentAt: number, push: { cid: string; from: number }) => {
    const message = messages.get(push.cid);
    if (message && push.from !== client.userId) message.delivered++;
  });
  clients.forEach((client, index) => client.onMessage(listeners[index]!));

  // Each client's way back after a drop: resolved while it is connected.
  const back: Array<Promise<void>> = clients.map(() => Promise.resolve());
  const backAt: number[] = [];
  let dropAt = Infinity;
  let retries = 0;
  let stopping = false;
  const reconnect = async (index: number) => {
    for (;;) {
      try {
        await clients[index]!.relogin();
        backAt[index] = performance.now();
        watch(index);
        return;
      } catch {
        retries++;
        // Refused while the server restarts: try again soon, jittered so the retries spread out.
        await pause(100 + Math.random() * 100);
      }
    }
  };
  // A client notices its connection closing and starts back at once, as the real client does.
  const watch = (index: number) => {
    const rpc = clients[index]!.rpc;
    void rpc.closed.then(() => {
      if (!stopping && clients[index]!.rpc === rpc) back[index] = reconnect(index);
    });
  };
  clients.forEach((_, index) => watch(index));

  let errors = 0;
  let resent = 0;
  let answered = 0;
  const sendOnce = async (index: number, cid: string, at: number, message: Message) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      await back[index];
      try {
        await clients[index]!.send(peerOf(index), at, cid);
        message.acked = true;
        return;
      } catch {
        // The connection broke under it (or was already gone): let the watcher see it, then wait
        // until this client is back and resend with the same cid, which the server stores once.
        if (attempt === 0) resent++;
        await pause(20);
      }
    }
    errors++;
  };

  let allBack = false;
  let firedAtDrop = 0;
  let firedAtBack = 0;
  let fired = 0;
  let serverDownS = 0;
  let calmAfterEnds = Infinity;
  const load = offerLoad(
    options.ratePerS ?? 100,
    3600,
    (n, at) => {
      fired = n + 1;
      const cid = randomUUID();
      const message: Message = { acked: false, delivered: 0 };
      messages.set(cid, message);
      void sendOnce(n % clients.length, cid, at, message).finally(() => void answered++);
    },
    () => performance.now() > calmAfterEnds,
  );

  await pause((options.calmS ?? 2) * 1000);
  firedAtDrop = fired;
  dropAt = performance.now();
  if (storm === 'drop') {
    for (const client of clients) client.close();
  } else {
    await deployment.restart();
    serverDownS = (performance.now() - dropAt) / 1000;
  }
  allBack = await waitUntil(() => backAt.filter((t) => t > dropAt).length === clients.length, 120_000);
  const lastBack = Math.max(...backAt.filter((t) => t > dropAt));
  firedAtBack = fired;
  calmAfterEnds = performance.now() + (options.calmS ?? 2) * 1000;
  await load;
  stopping = true;
  const all = [...messages.values()];
  await waitUntil(() => answered === all.length && all.every((m) => !m.acked || m.delivered > 0), 30_000);
  const acked = all.filter((m) => m.acked);
  const backTimes = backAt.filter((t) => t > dropAt).map((t) => t - dropAt);
  // This storm's listeners stay attached but find no message of theirs in a later storm's map.
  messages.clear();
  return {
    storm,
    back: summarise(backTimes),
    allBackS: allBack ? (lastBack - dropAt) / 1000 : NaN,
    serverDownS,
    retries,
    clientsBack: backTimes.length,
    sentDuringStorm: firedAtBack - firedAtDrop,
    acked: acked.length,
    resent,
    lost: acked.filter((m) => m.delivered === 0).length,
    doubled: acked.filter((m) => m.delivered > 1).length,
    errors,
  };
}

/** One row per storm. */
export function formatReconnect(results: readonly ReconnectResult[]): string {
  const rows = results.flatMap((result) =>
    result.rows.map((r) => [
      String(result.options.clients),
      r.storm === 'drop' ? 'clients drop' : 'server killed + restarted',
      result.databaseLabel,
      `${r.clientsBack}`,
      `${ms(r.back.p50)} / ${ms(r.back.p99)} / ${ms(r.back.max)}`,
      r.allBackS.toFixed(2),
      r.storm === 'restart' ? r.serverDownS.toFixed(2) : '–',
      String(r.retries),
      `${r.sentDuringStorm} / ${r.acked} / ${r.resent}`,
      `${r.lost} / ${r.doubled} / ${r.errors}`,
    ]),
  );
  return table(
    [
      'clients',
      'storm',
      'database',
      'back',
      'back ms p50 / p99 / max',
      'all back s',
      'server restart s',
      'relogin retries',
      'msgs during storm / acked / resent',
      'lost / twice / errors',
    ],
    rows,
  );
}
