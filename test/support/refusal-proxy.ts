import { createServer, connect, type Socket } from 'node:net';
import { FrameDecoder, encodeFrame } from '../../src/protocol/index.js';
import { listen, portOf, routeEveryoneTo } from './proxy-coordinator.js';

/**
 * A proxy in front of one node port (with a coordinator of its own that routes every client to it)
 * that answers the next `send` with an error of the test's choosing in place of the server's reply,
 * as a server whose database was away for a moment answers: the connection stays up.
 */
export interface RefusalProxy {
  readonly coordinatorPort: number;
  /** The next `send`'s reply becomes this error (what the server did with it is unchanged). */
  refuseNextSend(code: string): void;
  close(): Promise<void>;
}

export async function startRefusalProxy(node: { host: string; port: number }): Promise<RefusalProxy> {
  const sockets = new Set<Socket>();
  let refusal: string | undefined;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const proxy = createServer((client) => {
    track(client);
    const upstream = connect(node);
    track(upstream);
    const refused = new Map<unknown, string>();
    const fromClient = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 });
    const fromServer = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 });
    client.on('data', (chunk: Buffer) => {
      fromClient.feed(chunk, (message) => {
        if (message.t === 'send' && refusal !== undefined) (refused.set(message.id, refusal), (refusal = undefined));
      });
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) =>
      fromServer.feed(chunk, (message) => {
        const code = refused.get(message.id);
        if (message.t !== 'ok' || code === undefined) return void client.write(encodeFrame(message));
        refused.delete(message.id);
        client.write(encodeFrame({ t: 'error', id: message.id, code, message: `refused by the test (${code})` }));
      }),
    );
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const coordinator = routeEveryoneTo(() => portOf(proxy), track);
  await Promise.all([listen(proxy), listen(coordinator)]);
  return {
    coordinatorPort: portOf(coordinator),
    refuseNextSend: (code) => void (refusal = code),
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await Promise.all([proxy, coordinator].map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
