import { createServer, type AddressInfo, type Socket } from 'node:net';
import { askCoordinator } from '../../src/client/connect.js';
import { encodeFrame, FrameDecoder } from '../../src/protocol/index.js';

/**
 * The one coordinator address the chaos clients know, standing for the coordinators of every node as
 * DNS over several would (docs/deploy.md): it asks a real coordinator (the next one that answers) for
 * a node and names that node's client proxy instead, so every client connection goes through a proxy
 * the run can cut. Which node is the real coordinators' choice: a dead one is offered until they notice.
 */
export interface CoordinatorProxy {
  readonly port: number;
  close(): Promise<void>;
}

export async function startCoordinatorProxy(
  coordinators: () => readonly number[],
  proxyPortOf: (nodePort: number) => number | undefined,
): Promise<CoordinatorProxy> {
  const sockets = new Set<Socket>();
  let next = 0;
  const route = async (): Promise<{ port: number } | { error: string }> => {
    const ports = coordinators();
    let last = 'no coordinator';
    for (let i = 0; i < ports.length; i++) {
      const port = ports[(next + i) % ports.length]!;
      try {
        const node = await askCoordinator({ host: '127.0.0.1', port }, 2000);
        next = (next + i + 1) % ports.length;
        const proxied = proxyPortOf(node.port);
        if (proxied !== undefined) return { port: proxied };
        last = `no proxy for node port ${node.port}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
    }
    return { error: last };
  };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const decoder = new FrameDecoder({ maxFrameBytes: 64 * 1024 });
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.feed(chunk, (message) => {
          if (message.t !== 'route') return;
          void route().then((answer) => {
            if (socket.destroyed) return;
            socket.write(
              'port' in answer
                ? encodeFrame({ t: 'ok', id: message.id, host: '127.0.0.1', port: answer.port })
                : encodeFrame({ t: 'error', id: message.id, code: 'unavailable', message: `no coordinator answered: ${answer.error}` }),
            );
          });
        });
      } catch {
        socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
