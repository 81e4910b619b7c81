import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { describePostgres } from '../support/databases.js';
import { FrameClient } from '../support/frame-client.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

/**
 * Finding 10 of the second security review (issue 17), two of its items:
 * - five wrong logins from anywhere locked a name for everyone: anyone could lock anyone out of the
 *   CLI (which logs in with the password on every command);
 * - `İ` in a name sidestepped the per-name throttle: the throttle folded case with JavaScript, the
 *   database with its locale, which under a UTF-8 ctype makes `alİce` the name `alice`.
 */
const servers: TestServer[] = [];
const peers: FrameClient[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  for (const server of servers.splice(0)) await server.stop();
});

/** A raw framed connection from `localAddress` (another loopback address is another host). */
async function from(localAddress: string, port: number): Promise<FrameClient> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s: Socket = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(s));
    s.once('error', reject);
  });
  const peer = new FrameClient(socket);
  peers.push(peer);
  expect(await peer.request({ t: 'hello', id: 1, versions: [1] })).toMatchObject({ t: 'ok' });
  return peer;
}

let ids = 10;
async function login(host: string, port: number, name: string, secret: Uint8Array): Promise<string> {
  const peer = await from(host, port);
  const reply = await peer.request({ t: 'login', id: ids++, name, secret });
  peer.close();
  return reply.t === 'ok' ? 'ok' : String(reply.code);
}

async function signup(port: number, name: string): Promise<Uint8Array> {
  const secret = randomBytes(32);
  const peer = await from('127.0.0.1', port);
  expect(await peer.request({ t: 'signup', id: 2, name, secret })).toMatchObject({ t: 'ok' });
  peer.close();
  return secret;
}

/** A server where alice signed up (from 127.0.0.1), and 127.0.0.2 then guessed her password wrong five times. */
async function aliceGuessedAt(databaseUrl?: string): Promise<{ port: number; secret: Uint8Array }> {
  const server = await startTestServer({ nodePorts: 1, ...(databaseUrl ? { databaseUrl } : {}) });
  servers.push(server);
  const port = server.listening.ports[0]!;
  const secret = await signup(port, 'alice');
  const wrong = randomBytes(32);
  for (let i = 0; i < 5; i++) expect(await login('127.0.0.2', port, 'alice', wrong)).toBe('bad_credentials');
  // The guessing host is locked out, even with the right password.
  expect(await login('127.0.0.2', port, 'alice', secret)).toBe('rate_limited');
  return { port, secret };
}

it('finding 10: wrong logins from another host lock that host out of the name, not its owner', async () => {
  const { port, secret } = await aliceGuessedAt();
  // ...but alice, where she signed up, and alice on a new host are not.
  expect(await login('127.0.0.1', port, 'alice', secret)).toBe('ok');
  expect(await login('127.0.0.3', port, 'alice', secret)).toBe('ok');
});

it('finding 10: a name guessed from many hosts is locked, but not for the hosts its owner logged in from', async () => {
  const server = await startTestServer({ nodePorts: 1 });
  servers.push(server);
  const port = server.listening.ports[0]!;
  const secret = await signup(port, 'alice');
  expect(await login('127.0.0.5', port, 'alice', secret)).toBe('ok');

  const wrong = randomBytes(32);
  for (let host = 10; host < 20; host++) for (let i = 0; i < 5; i++) await login(`127.0.1.${host}`, port, 'ALICE', wrong);
  expect(await login('127.0.2.1', port, 'alice', secret)).toBe('rate_limited');
  expect(await login('127.0.0.5', port, 'alice', secret)).toBe('ok');
  expect(await login('127.0.0.1', port, 'alice', secret)).toBe('ok');
});

describePostgres('finding 10: a name with a non-ASCII letter', (postgres) => {
  it('reaches no account, even where the database folds it to one (a UTF-8 ctype folds İ to i)', async () => {
    // Locked out of `alice` from 127.0.0.2...
    const { port, secret } = await aliceGuessedAt(await postgres.databaseWithSchema({ ctype: 'C.utf8' }));
    // ...it cannot come in as `alİce` or `ALİCE` around the lock.
    for (const name of ['alİce', 'ALİCE']) expect(await login('127.0.0.2', port, name, secret)).toBe('bad_credentials');
    expect(await login('127.0.0.3', port, 'alİce', secret)).toBe('bad_credentials');
  });
});
