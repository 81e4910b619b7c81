import { afterEach, expect } from 'vitest';
import { collect, testClients } from '../support/client-harness.js';
import { itOnEachDataStore } from '../support/databases.js';
import { freePorts, startServerBin, type RunningBin } from '../support/run-bin.js';

const MESSAGES = 60;
let coordinator = 0;
const clients = testClients(() => coordinator);
const running: RunningBin[] = [];
afterEach(async () => {
  await clients.cleanup();
  await Promise.all(running.splice(0).map((r) => r.stop('SIGKILL')));
});

/** The real fastchat-server process, stopped after the test. */
async function serve(args: string[]): Promise<RunningBin> {
  const server = await startServerBin(args);
  running.push(server);
  return server;
}

/** The server is killed (SIGKILL) while a client is sending, then restarted: nothing is lost or doubled. */
async function killMidSend(databaseArgs: string[]): Promise<void> {
  const [a, b, c] = await freePorts(3);
  coordinator = c!;
  const args = ['--plaintext', '--ports', `${a},${b}`, '--coordinator-port', String(c), ...databaseArgs];
  const first = await serve(args);
  const sender = await clients.open('sender', 'signup');
  const receiver = await clients.open('receiver', 'signup');
  const inbox = collect(receiver);
  const statuses: string[] = [];
  sender.on('status', (s) => statuses.push(s.state));

  let acked = 0;
  const all: Array<Promise<unknown>> = [];
  for (let n = 0; n < MESSAGES; n++) {
    const { acked: ack } = await sender.send({ user: receiver.user.id }, `message ${n}`);
    all.push(ack.then(() => acked++));
    if (n === MESSAGES / 3) {
      // Kill the server mid-stream, with sends in flight and more to come while it is down.
      await expect.poll(() => acked, { interval: 5 }).toBeGreaterThan(5);
      await first.stop('SIGKILL');
    }
    if (n === (2 * MESSAGES) / 3) await serve(args);
  }
  await Promise.all(all);
  await inbox.until((m) => m.filter((x) => x.kind === 'message').length >= MESSAGES, `${MESSAGES} messages`, 30_000);
  await new Promise((r) => setTimeout(r, 300));
  expect(inbox.texts()).toEqual(Array.from({ length: MESSAGES }, (_, n) => `message ${n}`));
  expect(inbox.messages.every((m) => m.trust === 'verified' || m.trust === 'event')).toBe(true);
  expect(statuses).toContain('reconnecting');
  expect(statuses.at(-1)).toBe('connected');
  expect(sender.outbox.size).toBe(0);
}

itOnEachDataStore(
  'client reconnect',
  'the server killed and restarted mid-send: the client reconnects on its own and every message arrives once, in order',
  (store) => killMidSend(store.args),
  120_000,
);
