import { createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder, encodeFrame } from '../../src/protocol/index.js';

/**
 * The coordinator side of the protocol (protocol.md § route) and nothing else: it routes every
 * client to `proxy`, so that a real ChatClient (which dials whatever its coordinator names) goes
 * through a test proxy in front of a node port. `track` is told of every socket it accepts.
 */
export function routeEveryoneTo(proxy: Server, track: (socket: Socket) => void): Server {
  return createServer((socket) => {
    track(socket);
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 * 1024 });
    socket.on('data', (chunk: Buffer) =>
      decoder.feed(chunk, (message) => {
        if (message.t === 'route') socket.write(encodeFrame({ t: 'ok', id: message.id, host: '127.0.0.1', port: portOf(proxy) }));
      }),
    );
  });
}

export function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

export function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return address.port;
}
