import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestTimeoutError } from '../../src/client/errors.js';
import { RpcConnection } from '../../src/client/rpc-connection.js';
import { connectTcp } from '../../src/transport/tcp-transport.js';
import { FrameClient } from '../support/frame-client.js';

let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.destroy());
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A scripted server on a free port: the test answers the client's frames by hand. */
async function scriptedServer(): Promise<{ port: number; peer: Promise<FrameClient> }> {
  let accepted!: (peer: FrameClient) => void;
  const peer = new Promise<FrameClient>((resolve) => (accepted = resolve));
  server = createServer((socket) => {
    sockets.push(socket);
    accepted(new FrameClient(socket));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, peer };
}

describe('RpcConnection on a slow server', () => {
  it('the late reply to a request that timed out is dropped; the connection stays up for the next one', async () => {
    const { port, peer } = await scriptedServer();
    const rpc = new RpcConnection(await connectTcp({ host: '127.0.0.1', port }));
    const server = await peer;

    const slow = rpc.request({ t: 'ping' }, { timeoutMs: 1 }).catch((error: unknown) => error);
    const first = await server.next();
    expect(await slow).toBeInstanceOf(RequestTimeoutError);
    // The late reply, then a push: once the push is in, the client has handled the reply before it.
    const pushed = new Promise<void>((resolve) => rpc.onPush(() => resolve()));
    server.send({ t: 'ok', id: first.id, time: 1 });
    server.send({ t: 'presence', user: 5, online: true });
    await pushed;

    const next = rpc.request({ t: 'ping' });
    const second = await server.next();
    server.send({ t: 'ok', id: second.id, time: 2 });
    await expect(next).resolves.toEqual({ time: 2 });
    rpc.close();
  });

  it('a reply to an id it never sent is still a broken server: the connection closes', async () => {
    const { port, peer } = await scriptedServer();
    const rpc = new RpcConnection(await connectTcp({ host: '127.0.0.1', port }));
    const server = await peer;
    server.send({ t: 'ok', id: 77, time: 1 });
    await expect(rpc.closed).resolves.toMatchObject({ name: 'ServerProtocolError' });
  });
});
