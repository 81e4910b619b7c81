import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { BUSY_REFUSAL_DELAY_MS } from '../../src/server/limits/address-limit.js';
import { secretFor } from '../support/chat-client.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { LegacyTestClient } from '../support/legacy-client.js';
import { closeAfterEach } from '../support/close-after-each.js';
import { startTestServer, type TestServer } from '../support/start-server.js';
import { until } from '../support/until.js';

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

/**
 * The server closes these connections by itself: each test waits for the close, however long a loaded
 * machine takes, and its timeout fails one the server never closes. How soon is not a promise: a
 * deadline is checked by a lower bound (it never comes early).
 */

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
    await extra.closed;
    // The connections already open are untouched.
    for (const client of first) expect(await client.request({ t: 'ping', id: 5 })).toMatchObject({ t: 'ok', id: 5 });

    first[0]!.close();
    // The server counts a close when its side of the socket closes, which follows ours.
    await until(() => server!.core.connectionCount === 2);
    const again = await open();
    expect(await again.request({ t: 'hello', id: 1, versions: [1] })).toMatchObject({ t: 'ok' });
  });

  it('counts every port of the process, and just closes a legacy connection past the limit', async () => {
    server = await startTestServer({ limits: { maxConnectionsPerAddress: 2 } });
    await greeted();
    await open(server.listening.ports[1]);
    const legacy = await LegacyTestClient.raw(server.listening.ports[1]!);
    closers.push(() => legacy.close());
    legacy.write({ 'info-type': 'login', name: 'ANN', password: 'x' });
    await legacy.closed;
    expect(legacy.unread).toBe('');
  });
});

describe('limit: login deadline', () => {
  it('closes a greeted connection that does not log in with idle_timeout, once the deadline has passed', async () => {
    server = await startTestServer({ limits: { loginTimeoutMs: 300 } });
    const opened = performance.now();
    const client = await greeted();
    expect(await client.next()).toMatchObject({ t: 'error', code: 'idle_timeout' });
    expect(performance.now() - opened).toBeGreaterThanOrEqual(300 - 20);
    await client.closed;
  });

  it('closes a connection that says nothing, with the same error frame', async () => {
    server = await startTestServer({ limits: { loginTimeoutMs: 300 } });
    const client = await open();
    expect(await client.next()).toMatchObject({ t: 'error', code: 'idle_timeout' });
    await client.closed;
  });

  it('keeps a logged-in connection past the deadline, and restarts the deadline at logout', async () => {
    server = await startTestServer({ limits: { loginTimeoutMs: 300 } });
    const client = await greeted();
    expect(await client.request({ t: 'signup', id: 2, name: 'ann', secret: secretFor('ann') })).toMatchObject({ t: 'ok' });
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await client.request({ t: 'ping', id: 3 })).toMatchObject({ t: 'ok', id: 3 });
    expect(await client.request({ t: 'logout', id: 4 })).toMatchObject({ t: 'ok', id: 4 });
    expect(await client.next()).toMatchObject({ t: 'error', code: 'idle_timeout' });
    await client.closed;
  });

  it('just closes a legacy connection that does not log in', async () => {
    server = await startTestServer({ limits: { loginTimeoutMs: 300 } });
    const legacy = await LegacyTestClient.raw(server.listening.ports[0]!);
    closers.push(() => legacy.close());
    legacy.write('{"info-type": "log'); // started an object, never finishes it
    await legacy.closed;
    expect(legacy.unread).toBe('');
  });

  it('gives coordinator connections their own short deadline, even after a route', async () => {
    server = await startTestServer({ limits: { coordinatorTimeoutMs: 300, loginTimeoutMs: 60_000 } });
    const client = await open(server.listening.coordinatorPort);
    expect(await client.request({ t: 'route', id: 1 })).toMatchObject({ t: 'ok', id: 1 });
    expect(await client.next()).toMatchObject({ t: 'error', code: 'idle_timeout' });
    await client.closed;
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
