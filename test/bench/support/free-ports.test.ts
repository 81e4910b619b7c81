import { readFileSync } from 'node:fs';
import { connect, createServer, Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freeConsecutivePorts, freePorts } from '../../../bench/support/free-ports.js';

const ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

const open: Array<Server | Socket> = [];
afterEach(() => {
  for (const handle of open.splice(0)) {
    if (handle instanceof Server) handle.close();
    else handle.destroy();
  }
});

describe('freePorts: ports the harness hands to servers', () => {
  it('lie below the ephemeral range, where no outgoing connection takes one before its server binds it', async () => {
    // Outgoing connections take their local ports from the ephemeral range: what a bind to 0 hands out.
    const target = createServer().listen(0, '127.0.0.1');
    open.push(target);
    await new Promise((resolve) => target.once('listening', resolve));
    const { port } = target.address() as { port: number };
    const clients = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => resolve(socket));
            open.push(socket);
          }),
      ),
    );
    const taken = new Set(clients.map((socket) => socket.localPort!));
    expect(Math.min(...taken)).toBeGreaterThanOrEqual(ephemeralStart);

    const ports = await freePorts(50);
    expect(new Set(ports).size).toBe(50);
    for (const p of ports) expect(p).toBeLessThan(ephemeralStart);
  });

  it('are never handed out twice in one process, and each can be bound', async () => {
    const first = await freePorts(20);
    const second = await freePorts(20);
    expect(first.filter((p) => second.includes(p))).toEqual([]);
    const base = await freeConsecutivePorts(4);
    const run = [base, base + 1, base + 2, base + 3];
    expect(run.filter((p) => first.includes(p) || second.includes(p))).toEqual([]);
    expect(base + 3).toBeLessThan(ephemeralStart);
    for (const p of [...second, ...run]) {
      const server = createServer().listen(p, '127.0.0.1');
      open.push(server);
      await new Promise((resolve, reject) => {
        server.once('listening', resolve);
        server.once('error', reject);
      });
    }
  });
});
