import { afterEach, expect, it } from 'vitest';
import { collect, testClients } from '../support/client-harness.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer | undefined;
const clients = testClients(() => server!.listening.coordinatorPort);
afterEach(async () => {
  await clients.cleanup();
  await server?.stop();
  server = undefined;
});

it('a send refused as rate_limited stays in the outbox and goes again when the server says; every message arrives', async () => {
  // Two sends at once, then one every 200 ms.
  server = await startTestServer({ limits: { sendRatePerS: 5, sendBurst: 2 } });
  const alice = await clients.open('alice', 'signup');
  const bob = await clients.open('bob', 'signup');
  const inbox = collect(bob);
  const refusals: string[] = [];
  alice.on('failed', (failure) => refusals.push(failure.code));

  const texts = Array.from({ length: 6 }, (_, n) => `burst ${n}`);
  const sends = [];
  for (const text of texts) sends.push(await alice.send({ user: bob.user.id }, text));
  await Promise.all(sends.map((s) => s.acked));

  await inbox.until((m) => m.filter((x) => x.kind === 'message').length === texts.length, 'all six messages', 15_000);
  expect(inbox.texts()).toEqual(texts); // and in the order written (protocol.md § Delivery)
  expect(refusals).toEqual([]); // rate_limited is not a failure: nothing was given up
  expect(alice.outbox.size).toBe(0);
}, 60_000); // two signups and a server on a loaded machine: the sending itself takes about 3 s
