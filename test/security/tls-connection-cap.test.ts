import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { afterEach, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/start-server.js';
import { makeCert } from '../support/tls-certs.js';

/**
 * Finding 10 of the second security review (issue 17), first item: with TLS on, the per-address
 * connection cap was not applied for the first 10 s of a connection — the listener held a connection
 * until its handshake or first byte (up to FIRST_BYTE_TIMEOUT_MS) before the core counted it, so one
 * address held 400 connections against a cap of 50. A connection now counts from its accept.
 */
const cert = makeCert();
let server: TestServer;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.stop();
});

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.on('error', () => undefined);
    socket.once('error', reject);
    sockets.push(socket);
  });
}

/** A real TLS client's attempt: 'handshake' when the server took it that far, 'cut' when it was cut first. */
async function tryHandshake(port: number): Promise<'handshake' | 'cut'> {
  const client = connectTls({ host: '127.0.0.1', port, rejectUnauthorized: false });
  const outcome = await new Promise<'handshake' | 'cut'>((resolve) => {
    client.once('secureConnect', () => resolve('handshake'));
    client.once('error', () => resolve('cut'));
    client.once('close', () => resolve('cut'));
  });
  client.destroy();
  await closed(client);
  return outcome;
}

const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

it('finding 10: with TLS on, connections that have not said a word count against the per-address cap', async () => {
  const cap = 5;
  server = await startTestServer({
    nodePorts: 1,
    tls: { cert: cert.certPem, key: cert.keyPem },
    limits: { maxConnectionsPerAddress: cap },
  });
  const port = server.listening.ports[0]!;
  // The first `cap` take the address's places, silent; each one after is one too many, and is cut
  // (a second after it came) while the first ones stay.
  const holders: Socket[] = [];
  for (let i = 0; i < cap; i++) holders.push(await dial(port));
  const extra: Socket[] = [];
  for (let i = 0; i < 15; i++) extra.push(await dial(port));
  await Promise.all(extra.map(closed));
  // Before, nothing was counted until a first byte: the extras stayed until FIRST_BYTE_TIMEOUT_MS cut
  // them all, the holders (dialled first) first of all.
  expect(holders.filter((socket) => socket.destroyed)).toEqual([]);

  // A real client is refused too while the holders keep the places: its TLS handshake never starts.
  expect(await tryHandshake(port)).toBe('cut');

  // A place freed is a place to take: the count follows the closes.
  holders[0]!.destroy();
  await closed(holders[0]!);
  await expect.poll(() => tryHandshake(port), { timeout: 30_000 }).toBe('handshake');
});
