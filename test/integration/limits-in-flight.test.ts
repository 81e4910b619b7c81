import { expect, it } from 'vitest';
import { MAX_REQUESTS_IN_FLIGHT, UNREAD_HIGH_WATER } from '../../src/server/session/request-gate.js';
import { encodeFrame } from '../../src/protocol/index.js';
import { ChatTestClient, secretFor } from '../support/chat-client.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { closeAfterEach } from '../support/close-after-each.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer | undefined;
const closers = closeAfterEach(async () => {
  await server?.stop();
  server = undefined;
});

const REQUESTS = 3000;

it('a connection that pipelines thousands of requests without reading has at most MAX_REQUESTS_IN_FLIGHT handled at once, others chat meanwhile, and every request is answered once', async () => {
  // The pace off: this is about requests in flight, not requests per second.
  server = await startTestServer({ limits: { sendRatePerS: 0, requestRatePerS: 0 } });
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
  closers.push(
    () => alice.close(),
    () => bob.close(),
  );
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
  expect(MAX_REQUESTS_IN_FLIGHT).toBe(8); // the documented limit (docs/protocol.md § Limits)
  expect(most).toBeLessThanOrEqual(MAX_REQUESTS_IN_FLIGHT);
  expect(most).toBeGreaterThan(1);
}, 60_000);

it('stops reading a connection whose unread replies pass UNREAD_HIGH_WATER: it is not cut, and gets every answer once it reads', async () => {
  server = await startTestServer({ limits: { requestRatePerS: 0 } });
  const { store } = server.core.services;
  let handled = 0;
  const messagesBefore = store.messagesBefore.bind(store);
  store.messagesBefore = async (...args) => {
    handled++;
    return messagesBefore(...args);
  };
  const alice = await ChatTestClient.connect(server.listening.coordinatorPort);
  closers.push(() => alice.close());
  await alice.signup('alice');
  const reader: FrameClient = await connectTcpClient(server.listening.ports[0]!);
  closers.push(() => reader.close());
  expect((await reader.request({ t: 'hello', id: 1, versions: [1] })).t).toBe('ok');
  const signup = await reader.request({ t: 'signup', id: 2, name: 'reader', secret: secretFor('reader') });
  const readerId = (signup.user as { id: number }).id;
  // Five messages of 60 KB: each history page is 300 KB.
  let conversation = 0;
  for (let n = 0; n < 5; n++) conversation = (await alice.send({ to: readerId }, 'x'.repeat(60_000))).conversation;

  reader.stream.pause(); // it stops reading
  const asked = 300; // 90 MB of answers, far past the 8 MiB a slow consumer is cut at
  reader.write(Buffer.concat(Array.from({ length: asked }, (_, n) => encodeFrame({ t: 'history', id: 100 + n, conversation }))));
  // Until the server has stopped taking its requests: the count holds still.
  let seen = -1;
  while (handled !== seen) {
    seen = handled;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  // What the kernel's socket buffers took, plus UNREAD_HIGH_WATER queued, plus the requests in flight.
  expect(handled).toBeGreaterThan(0);
  expect(handled).toBeLessThan(asked / 2);
  expect(UNREAD_HIGH_WATER).toBe(1024 * 1024); // documented in docs/protocol.md § Limits
  expect(server.core.connectionCount).toBeGreaterThanOrEqual(2); // still connected, not cut as a slow consumer

  reader.stream.resume();
  await expect.poll(() => reader.received.length, { timeout: 60_000 }).toBe(2 + asked);
  const answers = reader.received.slice(2);
  expect(new Set(answers.map((m) => m.id)).size).toBe(asked);
  expect(answers.every((m) => m.t === 'ok' && (m.messages as unknown[]).length === 5)).toBe(true);
}, 120_000);
