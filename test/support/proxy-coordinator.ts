import { connect, createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder, encodeFrame } from '../../src/protocol/index.js';

/**
 * The coordinator side of the protocol (protocol.md § route) and nothing else: it routes every
 * client to the port `target()` names (a test proxy in front of a node port, or a node port), so
 * that a real ChatClient (which dials whatever its coordinator names) goes there. `track` is told of
 * every socket it accepts; each reply waits for `gate()` (a test holding a client between its
 * route request and its connection to the node).
 */
export function routeEveryoneTo(
  target: () => number,
  track: (socket: Socket) => void,
  gate: () => Promise<void> = () => Promise.resolve(),
): Server {
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

/** A proxy in front of one node port with a coordinator of its own that routes every client to it. */
export interface RoutedProxy {
  readonly coordinatorPort: number;
  /** Drops every connection and stops both listeners. */
  close(): Promise<void>;
}

/**
 * The skeleton every test proxy shares: for each client connection a connection to `node`, which
 * `relay` wires up (it forwards, holds, rewrites or cuts what passes; each side closing closes the
 * other), and a coordinator naming the proxy. Resets are what some proxies are for: socket errors
 * just close the socket.
 */
export async function startRoutedProxy(
  node: { host: string; port: number },
  relay: (client: Socket, upstream: Socket) => void,
): Promise<RoutedProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const proxy = createServer((client) => {
    track(client);
    const upstream = connect(node);
    track(upstream);
    relay(client, upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const coordinator = routeEveryoneTo(() => portOf(proxy), track);
  await Promise.all([listen(proxy), listen(coordinator)]);
  return {
    coordinatorPort: portOf(coordinator),
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await Promise.all([proxy, coordinator].map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
