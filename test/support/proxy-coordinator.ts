import { createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder, encodeFrame } from '../../src/protocol/index.js';

/**
 * The coordinator side of the protocol (protocol.md § route) and nothing else: it routes every
 * client to the port `target()` names (a test proxy in front of a node port, or a node port), so
 * that a real ChatClient (which dials whatever its coordinator names) goes there. `track` is told of
 * every socket it accepts; each reply waits for `gate()` (a test holding a client between its
 * route request and its connection to the node).
 */
export function routeEveryoneTo(target: () => number, track: (socket: Socket) => void, gate: () => Promise<void> = () => Promise.resolve()): Server {
  return createServer((socket) => {
    track(socket);
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 * 1024 });
    socket.on('data', (chunk: Buffer) =>
      decoder.feed(chunk, (message) => {
        if (message.t !== 'route') return;
        void gate().then(() => socket.write(encodeFrame({ t: 'ok', id: message.id, host: '127.0.0.1', port: target() })));
      }),
    );
  });
}

/** A coordinator for one node port whose route replies can be held back (routeEveryoneTo's gate). */
export interface HeldCoordinator {
  readonly port: number;
  /** Holds the replies to route requests from now on; `asked` resolves on the first request held. */
  hold(): { asked: Promise<void>; release(): void };
  close(): Promise<void>;
}

export async function startHeldCoordinator(nodePort: number): Promise<HeldCoordinator> {
  const sockets = new Set<Socket>();
  let held: { asked: () => void; released: Promise<void> } | undefined;
  const coordinator = routeEveryoneTo(
    () => nodePort,
    (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    },
    () => {
      if (!held) return Promise.resolve();
      held.asked();
      return held.released;
    },
  );
  await listen(coordinator);
  return {
    port: portOf(coordinator),
    hold() {
      let asked!: () => void;
      let release!: () => void;
      const askedPromise = new Promise<void>((resolve) => (asked = resolve));
      held = { asked, released: new Promise<void>((resolve) => (release = resolve)) };
      return {
        asked: askedPromise,
        release: () => {
          held = undefined;
          release();
        },
      };
    },
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => coordinator.close(resolve));
    },
  };
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
