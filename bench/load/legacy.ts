import { generateLegacyKey, legacyKeyText, legacyPublicKeyDer } from '../../src/crypto/index.js';
import { mib, ms, summarise, table, type LatencySummary } from '../support/stats.js';
import { startDeployment, type BenchDatabase } from './deployment.js';
import { LegacyLoadClient, messageNumber } from './legacy-load-client.js';

export interface LegacyOptions {
  readonly database: BenchDatabase;
  /** 2022-protocol clients, in a ring: each sends to the next one round it. @default 200 */
  readonly clients: number;
  /** Direct messages each client sends. @default 60 */
  readonly messages: number;
  /** Messages a sender may have sent and not yet seen delivered. @default 1 */
  readonly window: number;
  readonly postgresServerUrl?: string;
}

export interface LegacyResult {
  readonly options: LegacyOptions;
  readonly databaseLabel: string;
  readonly sent: number;
  /** Messages that reached their receiver live, each counted once. */
  readonly delivered: number;
  readonly lost: number;
  readonly twice: number;
  /** Messages delivered live that a fresh login's Notifications reported unread again (should be 0). */
  readonly unreadAgain: number;
  readonly deliveredPerSecond: number;
  readonly delivery: LatencySummary;
  readonly serverCores: number;
  readonly databaseCores: number;
  readonly generatorCores: number;
  /** The server's largest RSS, sampled every 100 ms through the run. */
  readonly serverRssPeakBytes: number;
}

let runs = 0;

/** How long the drain waits for a message that has not come, since the last one that did. */
const DRAIN_QUIET_MS = 10_000;

/**
 * The 2022 clients' load (issue 18): `clients` legacy clients in a ring, each sending `messages` direct
 * messages to the next, at most `window` of its own undelivered at a time; each is counted as it
 * arrives (`inst-msg`), by the number its ciphertext carries. The direct conversations exist before the
 * clock starts (one first message each, not counted). Afterwards every client logs in again on a new
 * connection: what was delivered live must not be in its Notifications as unread.
 */
export async function runLegacy(options: LegacyOptions): Promise<LegacyResult> {
  const deployment = await startDeployment({
    database: options.database,
    ...(options.postgresServerUrl ? { postgresServerUrl: options.postgresServerUrl } : {}),
  });
  const clients: LegacyLoadClient[] = [];
  try {
    // The embedded database's first start makes the database (initdb), whose memory the process keeps:
    // measured from a second start, as a server runs every day after its first.
    if (options.database === 'pglite') await deployment.restart(undefined, 'stop');
    // One key for all: the server stores and forwards it, never encrypts with it.
    const publicKey = legacyKeyText(legacyPublicKeyDer(await generateLegacyKey()));
    const tag = `lg${process.pid}r${++runs}`;
    for (let next = 0; next < options.clients;) {
      const batch = Array.from({ length: Math.min(16, options.clients - next) }, (_, k) => next + k);
      next += batch.length;
      clients.push(
        ...(await Promise.all(
          batch.map(async (n) => {
            const client = await LegacyLoadClient.connect(deployment.coordinator, `${tag}u${n}`);
            await client.enter('signup', publicKey);
            return client;
          }),
        )),
      );
    }
    const receiverOf = (index: number) => clients[(index + 1) % clients.length]!;

    // Warm-up: one message each, so that the conversations exist; numbers from 2^31 up are warm-up.
    const WARM = 0x80000000;
    await Promise.all(
      clients.map((client, index) => {
        const receiver = receiverOf(index);
        const arrived = receiver.next((o) => o['info-type'] === 'inst-msg' && messageNumber(String(o.text)) === WARM + index);
        client.sendMessage(receiver.id, WARM + index);
        return arrived;
      }),
    );

    const sentAt = new Map<number, number>();
    const seen = new Set<number>();
    const latencies: number[] = [];
    let twice = 0;
    let lastDelivery = performance.now();
    /** Per sender: undelivered count and who waits for a slot. */
    const open = clients.map(() => ({ undelivered: 0, wake: undefined as (() => void) | undefined }));
    const numberOf = (sender: number, message: number) => sender * options.messages + message;
    clients.forEach((client) =>
      client.onObject((object) => {
        if (object['info-type'] !== 'inst-msg') return;
        const number = messageNumber(String(object.text));
        const at = sentAt.get(number);
        if (at === undefined) return;
        if (seen.has(number)) return void twice++;
        seen.add(number);
        lastDelivery = performance.now();
        latencies.push(lastDelivery - at);
        const sender = open[Math.floor(number / options.messages)]!;
        sender.undelivered--;
        const wake = sender.wake;
        sender.wake = undefined;
        wake?.();
      }),
    );

    let rssPeak = 0;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, deployment.serverUsage().rssBytes)), 100);
    const serverBefore = deployment.serverUsage();
    const databaseBefore = deployment.databaseUsage();
    const generatorBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      clients.map(async (client, index) => {
        const receiver = receiverOf(index);
        const slot = open[index]!;
        for (let m = 0; m < options.messages; m++) {
          while (slot.undelivered >= options.window) {
            if (client.closed) return;
            await new Promise<void>((resolve) => (slot.wake = resolve));
          }
          const number = numberOf(index, m);
          sentAt.set(number, performance.now());
          slot.undelivered++;
          client.sendMessage(receiver.id, number);
        }
      }),
    );
    // Drain: until everything sent has come, or nothing has come for a while.
    while (seen.size < sentAt.size && performance.now() - lastDelivery < DRAIN_QUIET_MS) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const busyS = (lastDelivery - started) / 1000;
    const generator = process.cpuUsage(generatorBefore);
    const serverAfter = deployment.serverUsage();
    const databaseAfter = deployment.databaseUsage();
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, serverAfter.rssBytes);

    // Nothing delivered live comes again as unread at the next login.
    for (const client of clients) client.close();
    let unreadAgain = 0;
    for (let index = 0; index < clients.length; index += 16) {
      const again = await Promise.all(
        clients.slice(index, index + 16).map(async (old) => {
          const client = await LegacyLoadClient.connect(deployment.coordinator, old.name);
          const notifications = await client.enter('login', '');
          client.close();
          return (notifications.unread as unknown[][]).filter((row) => seen.has(messageNumber(String(row[1])))).length;
        }),
      );
      unreadAgain += again.reduce((a, b) => a + b, 0);
    }
    return {
      options,
      databaseLabel: deployment.databaseLabel,
      sent: sentAt.size,
      delivered: seen.size,
      lost: sentAt.size - seen.size,
      twice,
      unreadAgain,
      deliveredPerSecond: seen.size / busyS,
      delivery: summarise(latencies),
      serverCores: (serverAfter.cpuSeconds - serverBefore.cpuSeconds) / busyS,
      databaseCores: (databaseAfter.cpuSeconds - databaseBefore.cpuSeconds) / busyS,
      generatorCores: (generator.user + generator.system) / 1e6 / busyS,
      serverRssPeakBytes: rssPeak,
    };
  } finally {
    for (const client of clients) client.close();
    await deployment.stop();
  }
}

export function formatLegacy(results: readonly LegacyResult[]): string {
  return table(
    [
      'clients × messages (window)',
      'database',
      'delivered msg/s',
      'delivery ms p50 / p95 / p99 / max',
      'sent / delivered / lost / twice / unread again',
      'CPU cores server + db + load',
      'server RSS MiB, peak',
    ],
    results.map((r) => [
      `${r.options.clients} × ${r.options.messages} (${r.options.window})`,
      r.databaseLabel,
      r.deliveredPerSecond.toFixed(0),
      `${ms(r.delivery.p50)} / ${ms(r.delivery.p95)} / ${ms(r.delivery.p99)} / ${ms(r.delivery.max)}`,
      `${r.sent} / ${r.delivered} / ${r.lost} / ${r.twice} / ${r.unreadAgain}`,
      `${r.serverCores.toFixed(2)} + ${r.databaseCores.toFixed(2)} + ${r.generatorCores.toFixed(2)}`,
      mib(r.serverRssPeakBytes),
    ]),
  );
}
