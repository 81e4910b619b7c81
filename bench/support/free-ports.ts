import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';

/**
 * Where the harness hands out ports: below the kernel's ephemeral range. A port bound to 0 comes
 * from that range, and once released any outgoing connection on the machine may take it as its
 * local port before the server it was meant for binds it ("port … is already in use", seen beside
 * a load test). Outgoing connections never take a port below the range, so only another caller of
 * this module could, and it picks at random among ~20,000 and never twice in one process.
 */
const LOWEST = 10_000;
const handedOut = new Set<number>();

function ephemeralRangeStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768; // Linux's default; elsewhere the fallback below still works.
  }
}

function bind(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Ports of 127.0.0.1 that were free a moment ago (bound together, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const highest = ephemeralRangeStart() - 1;
  const servers: Server[] = [];
  for (let attempt = 0; servers.length < count && attempt < count * 100; attempt++) {
    const port = highest - LOWEST < 1_000 ? 0 : LOWEST + Math.floor(Math.random() * (highest - LOWEST));
    if (port !== 0 && handedOut.has(port)) continue;
    const server = await bind(port);
    if (server) servers.push(server);
  }
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  if (ports.length < count) throw new Error(`no ${count} free ports found between ${LOWEST} and ${highest}`);
  for (const port of ports) handedOut.add(port);
  return ports;
}

/** `count` consecutive ports of 127.0.0.1 that were free a moment ago (for flags that count up from one). */
export async function freeConsecutivePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const [first] = await freePorts(1);
    const run = Array.from({ length: count }, (_, i) => first! + i);
    if (run.slice(1).some((port) => handedOut.has(port))) continue;
    const servers = await Promise.all(run.map((port) => bind(port)));
    await Promise.all(servers.flatMap((s) => (s ? [new Promise((r) => s.close(r))] : [])));
    if (servers.every(Boolean)) {
      for (const port of run) handedOut.add(port);
      return first!;
    }
  }
  throw new Error(`no ${count} consecutive free ports found`);
}
