import { createServer, type AddressInfo, type Server } from 'node:net';

/** Ports of 127.0.0.1 that were free a moment ago (bound to 0 together, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** `count` consecutive ports of 127.0.0.1 that were free a moment ago (for flags that count up from one). */
export async function freeConsecutivePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const [first] = await freePorts(1);
    const servers: Server[] = [];
    const bound = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        new Promise<boolean>((resolve) => {
          const server = createServer();
          servers.push(server);
          server.once('error', () => resolve(false));
          server.listen(first! + i, '127.0.0.1', () => resolve(true));
        }),
      ),
    );
    await Promise.all(servers.filter((s) => s.listening).map((s) => new Promise((r) => s.close(r))));
    if (bound.every(Boolean)) return first!;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}
