import { afterEach, expect } from 'vitest';
import { ChatTestClient } from '../support/chat-client.js';
import { itOnEachDataStore } from '../support/databases.js';
import { freePorts, startServerBin, type RunningBin } from '../support/run-bin.js';

const MESSAGES = 200;
const running: RunningBin[] = [];
const clients: ChatTestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await Promise.all(running.splice(0).map((r) => r.stop('SIGKILL')));
});

/** The real fastchat-server process, stopped after the test. */
async function serve(args: string[]): Promise<RunningBin> {
  const server = await startServerBin(args);
  running.push(server);
  return server;
}

async function connect(coordinator: number, name: string, mode: 'signup' | 'login'): Promise<ChatTestClient> {
  const client = await ChatTestClient.connect(coordinator);
  clients.push(client);
  return client[mode](name);
}

/** Every message acknowledged before a SIGKILL is there after the restart, once. */
async function crashAndRecover(databaseArgs: string[]): Promise<void> {
  const [a, b, coordinator] = await freePorts(3);
  const args = ['--plaintext', '--ports', `${a},${b}`, '--coordinator-port', String(coordinator), ...databaseArgs];
  const first = await serve(args);
  const sender = await connect(coordinator!, 'sender', 'signup');
  const receiver = await connect(coordinator!, 'receiver', 'signup');
  const acked: string[] = [];
  // Pipelined sends; the kill lands right after the last ack, with nothing flushed by a clean stop.
  await Promise.all(
    Array.from({ length: MESSAGES }, async (_, n) => {
      await sender.send({ to: receiver.id }, `m${n}`, `m${n}`);
      acked.push(`m${n}`);
    }),
  );
  expect(await first.stop('SIGKILL')).toBeNull();
  clients.splice(0);

  await serve(args);
  const back = await connect(coordinator!, 'receiver', 'login');
  const { conversations } = await back.sync([]);
  expect(conversations).toHaveLength(1);
  expect(conversations[0]!.lastSeq).toBe(MESSAGES);
  await back.until(() => back.messages().length >= MESSAGES, 'every acknowledged message');
  await new Promise((r) => setTimeout(r, 200));
  const cids = back.messages().map((m) => m.cid);
  expect(cids.length).toBe(MESSAGES);
  expect(new Set(cids)).toEqual(new Set(acked));
}

itOnEachDataStore(
  'crash recovery',
  'the server killed with SIGKILL after acks, restarted: everything acknowledged is there',
  (store) => crashAndRecover(store.args),
  90_000,
);
