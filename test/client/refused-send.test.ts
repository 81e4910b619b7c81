import { afterEach, expect, it } from 'vitest';
import { collect, testClients } from '../support/client-harness.js';
import { startRefusalProxy, type RefusalProxy } from '../support/refusal-proxy.js';
import { startTestServer, type TestServer } from '../support/start-server.js';
import { WAIT_MS } from '../support/wait.js';

let server: TestServer | undefined;
let proxy: RefusalProxy | undefined;
const clients = testClients(() => server!.listening.coordinatorPort);
afterEach(async () => {
  await clients.cleanup();
  await proxy?.close();
  await server?.stop();
  server = proxy = undefined;
});

/**
 * Found by the chaos checker: after a database cut, a send answered `unavailable` on a connection
 * that stayed up sat in the outbox until the next reconnect or the next message, which may never come.
 */
it('a send refused for now (unavailable, internal) on a live connection goes again without a reconnect; each arrives once', async () => {
  server = await startTestServer({ nodePorts: 1 });
  proxy = await startRefusalProxy({ host: '127.0.0.1', port: server.listening.ports[0]! });
  const bob = await clients.open('bob', 'signup');
  const alice = await clients.open('alice', 'signup', { coordinatorPort: proxy.coordinatorPort });
  const inbox = collect(bob);
  const statuses: string[] = [];
  alice.on('status', (status) => statuses.push(status.state === 'reconnecting' ? `reconnecting: ${status.reason}` : status.state));
  const failures: string[] = [];
  alice.on('failed', (failure) => failures.push(failure.code));

  // (Not out_of_order: a server sends it only after a refusal of its own, which this proxy does not make.)
  const codes = ['unavailable', 'internal'];
  for (const [n, code] of codes.entries()) {
    proxy.refuseNextSend(code);
    const sent = await alice.send({ user: bob.user.id }, `refused as ${code}`);
    // The server stored it (only the reply was replaced): bob has it at once.
    await inbox.until((m) => m.some((x) => x.text === `refused as ${code}`), `the message refused as ${code} at bob`);
    // Sent again by itself, acknowledged as the copy already stored; the outbox drains.
    await expect.poll(() => alice.outbox.size, { timeout: WAIT_MS }).toBe(0);
    expect((await sent.acked).seq).toBe(n + 1);
  }
  expect(inbox.texts()).toEqual(codes.map((code) => `refused as ${code}`));
  expect(failures).toEqual([]);
  expect(statuses).toEqual([]); // never reconnected: the retry did it
}, 60_000);
