import { afterEach, expect, it } from 'vitest';
import { MAX_REQUESTS_IN_FLIGHT } from '../../src/server/framed-session.js';
import { encodeFrame } from '../../src/protocol/index.js';
import { ChatTestClient, secretFor } from '../support/chat-client.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer | undefined;
const closers: Array<() => unknown> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await server?.stop();
  server = undefined;
});

const REQUESTS = 3000;

it('a connection that pipelines thousands of requests without reading has at most MAX_REQUESTS_IN_FLIGHT handled at once, others chat meanwhile, and every request is answered once', async () => {
  server = await startTestServer({ limits: { sendRatePerS: 0 } });
  const { store } = server.core.services;
  // Count how many directory reads run at once (the flooder's requests are `users`).
  let running = 0;
  let most = 0;
  const listUsers = store.listUsers.bind(store);
  store.listUsers = async (...args) => {
    running++;
    most = Math.max(most, running);
    try {
      return await listUsers(...args);
    } finally {
      running--;
    }
  };

  const flooder: FrameClient = await connectTcpClient(server.listening.ports[0]!);
  closers.push(() => flooder.close());
  expect((await flooder.request({ t: 'hello', id: 1, versions: [1] })).t).toBe('ok');
  expect((await flooder.request({ t: 'signup', id: 2, name: 'flooder', secret: secretFor('flooder') })).t).toBe('ok');
  flooder.stream.pause(); // it stops reading
  const burst = Buffer.concat(Array.from({ length: REQUESTS }, (_, n) => encodeFrame({ t: 'users', id: 100 + n, limit: 50 })));
  flooder.write(burst);

  const alice = await ChatTestClient.connect(server.listening.coordinatorPort);
  const bob = await ChatTestClient.connect(server.listening.coordinatorPort);
  closers.push(() => alice.close(), () => bob.close());
  await alice.signup('alice');
  await bob.signup('bob');
  await bob.sync();
  for (let n = 0; n < 20; n++) await alice.send({ to: bob.id }, `meanwhile ${n}`);
  await bob.until(() => bob.texts().length === 20, 'the messages sent meanwhile');

  flooder.stream.resume(); // it reads again: everything it asked is answered, once
  await expect.poll(() => flooder.received.length, { timeout: 30_000 }).toBe(2 + REQUESTS);
  const ids = flooder.received.slice(2).map((m) => m.id);
  expect(new Set(ids).size).toBe(REQUESTS);
  expect(flooder.received.slice(2).every((m) => m.t === 'ok')).toBe(true);
  expect(MAX_REQUESTS_IN_FLIGHT).toBe(32); // the documented limit (docs/protocol.md § Limits)
  expect(most).toBeLessThanOrEqual(32);
  expect(most).toBeGreaterThan(1);
}, 60_000);
