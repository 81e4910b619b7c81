import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askCoordinator, connectToNode } from '../../src/client/connect.js';
import { RequestFailedError } from '../../src/client/errors.js';
import { ConnectError } from '../../src/transport/errors.js';
import { header } from '../support/frame-builder.js';
import { connectTcpClient } from '../support/frame-client.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

/** Reads what a raw socket receives until the server closes it. */
function rawExchange(port: number, bytes: string | Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

describe('server skeleton over real TCP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ nodePorts: 3 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('listens on every node port and the coordinator', () => {
    const { ports, coordinatorPort } = server.listening;
    expect(ports).toHaveLength(3);
    expect(new Set([...ports, coordinatorPort]).size).toBe(4);
    expect(ports.every((p) => p > 0)).toBe(true);
  });

  it('routes a client through the coordinator, says hello and pings', async () => {
    const coordinator = { host: '127.0.0.1', port: server.listening.coordinatorPort };
    const { rpc, node, hello } = await connectToNode({ coordinator });
    try {
      expect(server.listening.ports).toContain(node.port);
      expect(hello).toMatchObject({ version: 1, limits: { maxFrameBytes: 1024 * 1024 } });
      const { time } = await rpc.request({ t: 'ping' });
      expect(Math.abs(time - Date.now())).toBeLessThan(60_000);
    } finally {
      rpc.close();
      await rpc.closed;
    }
  });

  it('spreads routes over the ports, favouring the least-loaded one', async () => {
    const coordinator = { host: '127.0.0.1', port: server.listening.coordinatorPort };
    const [busy] = server.listening.ports;
    const held = await Promise.all([connectTcpClient(busy!), connectTcpClient(busy!)]);
    await expect.poll(() => server.core.load.count(busy!)).toBe(2);
    const routes = await Promise.all(Array.from({ length: 6 }, () => askCoordinator(coordinator)));
    expect(routes.map((r) => r.port)).not.toContain(busy);
    held.forEach((c) => c.close());
    await Promise.all(held.map((c) => c.closed));
    await expect.poll(() => server.core.load.count(busy!)).toBe(0);
  });

  it('answers a bad frame with an error frame and closes the connection', async () => {
    const client = await connectTcpClient(server.listening.ports[0]!);
    client.write(header(0));
    expect(await client.next()).toMatchObject({ t: 'error', code: 'bad_frame' });
    await client.closed;
  });

  it('answers an oversized frame header with frame_too_large and closes', async () => {
    const client = await connectTcpClient(server.listening.ports[1]!);
    client.write(header(2 * 1024 * 1024));
    expect(await client.next()).toMatchObject({ t: 'error', code: 'frame_too_large' });
    await client.closed;
  });

  it('tells a client that speaks neither codec so, in plain text', async () => {
    const reply = await rawExchange(server.listening.ports[0]!, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(reply.toString()).toMatch(/^fastchat: unrecognised first byte 0x47/);
  });

  it('answers the 2022 client’s add-connection with a bare port number', async () => {
    const reply = await rawExchange(server.listening.coordinatorPort, '{"info-type":"add-connection"}');
    expect(server.listening.ports).toContain(Number(reply.toString('latin1')));
    expect(reply.toString('latin1')).toMatch(/^\d+$/);
  });

  it('reports a server error to the client as a typed error', async () => {
    const client = await connectTcpClient(server.listening.ports[0]!);
    expect(await client.request({ t: 'ping', id: 1 })).toMatchObject({ t: 'error', id: 1, code: 'hello_required' });
    client.close();
    await client.closed;
    const rpc = await connectToNode({ coordinator: { host: '127.0.0.1', port: server.listening.coordinatorPort } });
    await expect(rpc.rpc.request({ t: 'route' })).rejects.toMatchObject({ name: 'RequestFailedError', code: 'wrong_port' });
    await expect(rpc.rpc.request({ t: 'route' })).rejects.toBeInstanceOf(RequestFailedError);
    rpc.rpc.close();
  });
});

describe('client errors', () => {
  it('names the address it could not reach', async () => {
    const error = await connectToNode({ coordinator: { host: '127.0.0.1', port: 9 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toBe('cannot reach the server at 127.0.0.1:9: connection refused (is fastchat-server running?)');
  });
});
