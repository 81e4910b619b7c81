import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestFailedError } from '../../src/client/errors.js';
import { ServerCertChangedError, ServerTrust } from '../../src/client/server-trust.js';
import { TLS_REQUIRED_MESSAGE } from '../../src/server/ports/listen.js';
import { ConnectError, TlsVerifyError } from '../../src/transport/errors.js';
import { collect, testClients } from '../support/client-harness.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { LegacyTestClient } from '../support/legacy-client.js';
import { startTestServer, type TestServer } from '../support/start-server.js';
import { makeCert, type TestCert } from '../support/tls-certs.js';

// Made once: RSA key generation is the slow part of these tests.
const ca = makeCert({ ca: true });
const signed = makeCert({ issuer: ca });
const selfSigned = makeCert();

const servers: TestServer[] = [];
const clients = testClients(() => servers.at(-1)!.listening.coordinatorPort);
const frames: FrameClient[] = [];
afterEach(async () => {
  for (const f of frames.splice(0)) f.close();
  await clients.cleanup();
  // Newest first: a restarted server shares its predecessor's data folder, which the first one removes.
  for (const server of servers.splice(0).reverse()) await server.stop();
});

async function serve(
  cert: TestCert,
  more: { allowPlaintext?: boolean; ports?: { node: readonly number[]; coordinator: number }; dataDir?: string } = {},
): Promise<TestServer> {
  const server = await startTestServer({
    nodePorts: 1,
    ...(more.ports ? { ports: more.ports } : {}),
    ...(more.dataDir ? { dataDir: more.dataDir } : {}),
    tls: { cert: cert.certPem, key: cert.keyPem, allowPlaintext: more.allowPlaintext ?? false },
  });
  servers.push(server);
  return server;
}

describe('TLS on the modern ports', () => {
  it('two clients chat end to end over TLS (trust on first use), and each pins the certificate', async () => {
    await serve(selfSigned);
    const aliceHome = await clients.home();
    const alice = await clients.open('alice', 'signup', { tls: 'tofu', home: aliceHome });
    const bob = await clients.open('bob', 'signup', { tls: 'tofu' });
    const inbox = collect(bob);
    await (
      await alice.send({ user: (await alice.findUser('bob')).id }, 'hello over TLS')
    ).acked;
    await inbox.until((m) => m.some((x) => x.kind === 'message'), 'the message');
    expect(inbox.texts()).toEqual(['hello over TLS']);
    expect(await new ServerTrust(aliceHome).pinned('127.0.0.1')).toMatchObject({ fingerprint: selfSigned.fingerprint });
    const file = JSON.parse(await readFile(join(aliceHome, 'servers.json'), 'utf8'));
    expect(Object.keys(file.servers)).toEqual(['127.0.0.1']);
  });

  it('refuses a plaintext modern client with tls_required, in one error frame', async () => {
    const server = await serve(selfSigned);
    const plain = await connectTcpClient(server.listening.coordinatorPort);
    frames.push(plain);
    plain.send({ t: 'route', id: 1 });
    expect(await plain.next()).toEqual({ t: 'error', code: 'tls_required', message: TLS_REQUIRED_MESSAGE });
    await plain.closed;
    // And the real client says the same, as a typed error.
    const error = await clients.open('carol', 'signup').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestFailedError);
    expect(error).toMatchObject({ code: 'tls_required' });
  });

  it('serves plaintext modern clients too with allowPlaintext', async () => {
    await serve(selfSigned, { allowPlaintext: true });
    const dave = await clients.open('dave', 'signup');
    expect(dave.user.name).toBe('dave');
  });

  it('still serves a 2022 legacy client in plain TCP on the same ports', async () => {
    const server = await serve(selfSigned);
    const leo = await LegacyTestClient.connect(server.listening.coordinatorPort, 'leo');
    try {
      expect(await leo.signup()).toBe('1');
    } finally {
      await leo.close();
    }
  });

  it('refuses a server whose certificate changed, naming both fingerprints and how to accept it', async () => {
    const first = await serve(selfSigned);
    const home = await clients.home();
    await (await clients.open('erin', 'signup', { tls: 'tofu', home })).close();
    const ports = { node: first.listening.ports, coordinator: first.listening.coordinatorPort };
    const dataDir = first.dataDir;
    await first.close();
    const other = makeCert();
    await serve(other, { ports, dataDir });
    const error = await clients.open('erin', 'login', { tls: 'tofu', home }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerCertChangedError);
    const message = (error as Error).message;
    expect(message).toContain(selfSigned.fingerprint);
    expect(message).toContain(other.fingerprint);
    expect(message).toContain(`fastchat servers trust 127.0.0.1:${ports.coordinator}`);
    // The pin is kept: refusing must not re-pin.
    expect(await new ServerTrust(home).pinned('127.0.0.1')).toMatchObject({ fingerprint: selfSigned.fingerprint });
    await new ServerTrust(home).pin('127.0.0.1', other.fingerprint);
    expect((await clients.open('erin', 'login', { tls: 'tofu', home })).user.name).toBe('erin');
  });

  it('with a CA: accepts a certificate it signed and refuses a self-signed one', async () => {
    await serve(signed);
    expect((await clients.open('frank', 'signup', { tls: { ca: ca.certPem } })).user.name).toBe('frank');
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    await serve(selfSigned);
    const error = await clients.open('grace', 'signup', { tls: { ca: ca.certPem } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsVerifyError);
    expect(error).not.toBeInstanceOf(ServerCertChangedError);
  });

  it('a TLS client to a plain server is told the server does not speak TLS', async () => {
    const server = await startTestServer({ nodePorts: 1 });
    servers.push(server);
    const error = await clients.open('hank', 'signup', { tls: 'tofu' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/does not speak TLS|closed during the TLS handshake/);
  });
});
