import { expect } from 'vitest';
import { startServer } from '../../src/server/start-server.js';
import { openDatabase } from '../../src/store/open-database.js';
import { SqlChatStore } from '../../src/store/sql-chat-store.js';
import { silentLogger } from '../../src/util/logger.js';
import { ChatTestClient } from '../support/chat-client.js';
import { itOnEachDataStore } from '../support/databases.js';

const SENDS = 300;

/**
 * Stops the server while a client is pipelining sends: every send gets an answer (ok, or an error
 * saying the server is going: `shutting_down`, or the connection closed), the client is told
 * `shutting_down`, and every acknowledged message is in the database afterwards (protocol.md § Delivery,
 * "A graceful stop").
 */
async function stopUnderLoad(databaseUrl: string | undefined, dataDir: string): Promise<void> {
  const server = await startServer({
    host: '127.0.0.1',
    ports: [0],
    coordinatorPort: 0,
    databaseUrl,
    dataDir,
    maxFrameBytes: 1024 * 1024,
    logger: silentLogger,
  });
  const sender = await (await ChatTestClient.connect(server.listening.coordinatorPort)).signup('sender');
  const receiver = await (await ChatTestClient.connect(server.listening.coordinatorPort)).signup('receiver');
  const { conversation } = await sender.send({ to: receiver.id }, 'first', 'first');
  const closedNotice = new Promise<Error>((resolve) => void sender.rpc.closed.then(resolve));
  let ackedSoFar = 0;
  const outcomes = Array.from({ length: SENDS }, (_, n) =>
    sender.send({ conversation }, `m${n}`, `m${n}`).then(
      () => (ackedSoFar++, `m${n}`),
      (error: { code?: string }) => error.code ?? 'unknown',
    ),
  );
  // Stop once some sends are acknowledged, while the rest are still in flight.
  await expect.poll(() => ackedSoFar, { interval: 1 }).toBeGreaterThanOrEqual(20);
  await server.close();
  const results = await Promise.all(outcomes);
  const acked = results.filter((r) => r.startsWith('m'));
  const failed = results.filter((r) => !r.startsWith('m'));
  expect(acked.length + failed.length).toBe(SENDS);
  expect(acked.length).toBeGreaterThanOrEqual(20);
  // Not out_of_order behind a send refused for stopping (the codes left over are named on failure).
  expect(failed.filter((code) => code !== 'shutting_down' && code !== 'connection_closed')).toEqual([]);
  expect((await closedNotice).message).toMatch(/shutting down|closed/);

  const store = new SqlChatStore(await openDatabase({ url: databaseUrl, dataDir }));
  try {
    const stored = await store.messagesAfter(conversation, 0, null, 1000);
    const storedCids = new Set(stored.map((m) => m.clientId));
    for (const cid of acked) expect(storedCids.has(cid), `acknowledged ${cid} is stored`).toBe(true);
  } finally {
    await store.close();
  }
}

itOnEachDataStore('graceful shutdown', 'answers every in-flight send, tells the client, and loses no acknowledged message', (store) =>
  stopUnderLoad(store.url, store.dataDir),
);
