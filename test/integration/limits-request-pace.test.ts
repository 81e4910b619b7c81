import { expect, it } from 'vitest';
import { encodeFrame } from '../../src/protocol/index.js';
import { secretFor } from '../support/chat-client.js';
import { connectInMemory, connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { closeAfterEach } from '../support/close-after-each.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer | undefined;
const closers = closeAfterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function frameUser(name: string, mode: 'signup' | 'login'): Promise<FrameClient> {
  const client = await connectTcpClient(server!.listening.ports[0]!);
  closers.push(() => client.close());
  expect((await client.request({ t: 'hello', id: 1, versions: [1] })).t).toBe('ok');
  expect(await client.request({ t: mode, id: 2, name, secret: secretFor(name) })).toMatchObject({ t: 'ok' });
  return client;
}

it("past its burst, a user waits its turn for requests other than send: none is refused, the pace is the user's, others are not slowed", async () => {
  server = await startTestServer({ limits: { requestRatePerS: 5, requestBurst: 3 } });
  const ann = await frameUser('ann', 'signup');
  const annAgain = await frameUser('ann', 'login');
  const bob = await frameUser('bob', 'signup');

  const started = performance.now();
  for (let n = 0; n < 6; n++) ann.send({ t: 'ping', id: 100 + n });
  for (let n = 0; n < 4; n++) annAgain.send({ t: 'conversations', id: 200 + n });
  // Bob has a bucket of his own: answered while ann's requests still wait.
  expect(await bob.request({ t: 'ping', id: 3 })).toMatchObject({ t: 'ok', id: 3 });
  expect(ann.received.length - 2 + annAgain.received.length - 2).toBeLessThan(10);

  await expect.poll(() => ann.received.length + annAgain.received.length, { timeout: 10_000 }).toBe(2 + 6 + 2 + 4);
  const elapsedMs = performance.now() - started;
  // Ten requests, three at once, the other seven one per 200 ms: no sooner than 1.4 s, both sessions together.
  expect(elapsedMs).toBeGreaterThanOrEqual(1300);
  expect([...ann.received.slice(2), ...annAgain.received.slice(2)].every((m) => m.t === 'ok')).toBe(true);
});

it('a connection closed for bad framing while its requests wait their turn still closes on the server', async () => {
  server = await startTestServer({ limits: { requestRatePerS: 0.1, requestBurst: 1 } });
  // In memory: a stream that is not read never sees its peer's end (a socket may still be closed by the kernel).
  const ann = connectInMemory(server.core, { role: 'node', port: server.listening.ports[0]! });
  closers.push(() => ann.close());
  expect((await ann.request({ t: 'hello', id: 1, versions: [1] })).t).toBe('ok');
  expect(await ann.request({ t: 'signup', id: 2, name: 'ann', secret: secretFor('ann') })).toMatchObject({ t: 'ok' });
  // Pings that must wait (one per 10 s), then bytes that are no frame, in one write.
  ann.write(
    Buffer.concat([
      ...Array.from({ length: 5 }, (_, n) => encodeFrame({ t: 'ping', id: 10 + n })),
      Buffer.from([0x00, 0x00, 0x00, 0x02, 0xc1, 0xc1]),
    ]),
  );
  await ann.closed;
  expect(ann.received.at(-1)).toMatchObject({ t: 'error', code: 'bad_frame' });
  // The server read the client's end although its requests were waiting: the connection is gone there too.
  await expect.poll(() => server!.core.connectionCount, { timeout: 5000 }).toBe(0);
});
