import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { BUSY_REFUSAL_DELAY_MS } from '../../src/server/chat-server.js';
import { secretFor } from '../support/chat-client.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { LegacyTestClient } from '../support/legacy-client.js';
import { closeAfterEach } from '../support/close-after-each.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer | undefined;
const closers = closeAfterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function open(port = server!.listening.ports[0]!): Promise<FrameClient> {
  const client = await connectTcpClient(port);
  closers.push(() => client.close());
  return client;
}

async function greeted(): Promise<FrameClient> {
  const client = await open();
  expect(await client.request({ t: 'hello', id: 1, versions: [1] })).toMatchObject({ t: 'ok' });
  return client;
}

/** Resolves with how long `client` took to close, failing past `withinMs`. */
async function closesWithin(closed: Promise<void>, withinMs: number): Promise<number> {
  const started = Date.now();
  await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error(`still open after ${withinMs} ms`)), withinMs))]);
  return Date.now() - started;
}

describe('limit: connections per address', () => {
  it('refuses the connection past the limit with too_many_connections, and takes one again once another closes', async () => {
    server = await startTestServer({ limits: { maxConnectionsPerAddress: 3 } });
    const first = [await greeted(), await greeted(), await greeted()];
    const dialled = performance.now();
    const extra = await open();
    extra.send({ t: 'hello', id: 1, versions: [1] });
    expect(await extra.next()).toMatchObject({ t: 'error', code: 'too_many_connections' });
    // Not at once: a client dialling in a loop gets one refusal per dial per BUSY_REFUSAL_DELAY_MS.
    expect(performance.now() - dialled).toBeGreaterThanOrEqual(BUSY_REFUSAL_DELAY_MS - 20);
    await closesWithin(extra.closed, 3000);
    // The connections already open are untouched.
    for (const client of first) expect(await client.request({ t: 'ping', id: 5 })).toMatchObject({ t: 'ok', id: 5 });

    first[0]!.close();
    await first[0]!.closed;
    // The server counts the close when its side sees it: retry briefly rather than race it.
    for (let attempt = 0; ; attempt++) {
      const again = await open();
      const reply = await again.request({ t: 'hello', id: 1, versions: [1] });
      if (reply.t === 'ok') break;
      expect(attempt).toBeLessThan(20);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it('counts every port of the process, and just closes a legacy connection past the limit', async () => {
    server = await startTestServer({ limits: { maxConnectionsPerAddress: 2 } });
    await greeted();
    await open(server.listening.ports[1]!);
    const legacy = await LegacyTestClient.raw(server.listening.ports[1]!);
    closers.push(() => legacy.close());
    legacy.write({ 'info-type': 'login', name: 'ANN', password: 'x' });
    await closesWithin(legacy.closed, 3000);
    expect(legacy.unread).toBe('');
  });
});

describe('limit: login deadline', () => {
  it('closes a greeted connection that does not log in with idle_timeout, within the deadline plus slack', async () => {
    server = await startTestServer({ limits: { loginTimeoutMs: 300 } });
    const client = await greeted();
    expect(await client.next(3000)).toMatchObject({ t: 'error', code: 'idle_timeout' });
    expect(await closesWithin(client.closed, 3000)).toBeLessThan(3000);
  });

  it('closes a connection that says nothing, with the same error frame', async () => {
    server = await startTestServer({ limits: { loginTimeoutMs: 300 } });
    const client = await open();
    expect(await client.next(3000)).toMatchObject({ t: 'error', code: 'idle_timeout' });
    await closesWithin(client.closed, 3000);
  });

  it('keeps a logged-in connection past the deadline, and restarts the deadline at logout', async () => {
    server = await startTestServer({ limits: { loginTimeoutMs: 300 } });
    const client = await greeted();
    expect(await client.request({ t: 'signup', id: 2, name: 'ann', secret: secretFor('ann') })).toMatchObject({ t: 'ok' });
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await client.request({ t: 'ping', id: 3 })).toMatchObject({ t: 'ok', id: 3 });
    expect(await client.request({ t: 'logout', id: 4 })).toMatchObject({ t: 'ok', id: 4 });
    expect(await client.next(3000)).toMatchObject({ t: 'error', code: 'idle_timeout' });
    await closesWithin(client.closed, 3000);
  });

  it('just closes a legacy connection that does not log in', async () => {
    server = await startTestServer({ limits: { loginTimeoutMs: 300 } });
    const legacy = await LegacyTestClient.raw(server.listening.ports[0]!);
    closers.push(() => legacy.close());
    legacy.write('{"info-type": "log'); // started an object, never finishes it
    await closesWithin(legacy.closed, 3000);
    expect(legacy.unread).toBe('');
  });

  it('gives coordinator connections their own short deadline, even after a route', async () => {
    server = await startTestServer({ limits: { coordinatorTimeoutMs: 300, loginTimeoutMs: 60_000 } });
    const client = await open(server.listening.coordinatorPort);
    expect(await client.request({ t: 'route', id: 1 })).toMatchObject({ t: 'ok', id: 1 });
    expect(await client.next(3000)).toMatchObject({ t: 'error', code: 'idle_timeout' });
    await closesWithin(client.closed, 3000);
  });

  it('is off at 0', async () => {
    server = await startTestServer({ limits: { loginTimeoutMs: 0 } });
    const socket = connect({ host: '127.0.0.1', port: server.listening.ports[0]! });
    closers.push(() => socket.destroy());
    await new Promise((resolve) => socket.once('connect', resolve));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(socket.destroyed || socket.readableEnded).toBe(false);
  });
});
