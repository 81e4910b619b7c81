import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyPlaintextWarning, SELF_SIGNED_FILE, selfSignedServerTls, serverTlsProblem } from '../../src/cli/server-tls.js';
import { seedPgliteDir } from '../support/pglite-template.js';
import { freePorts, runBin, startServerBin, type RunningBin } from '../support/run-bin.js';

/**
 * `fastchat-server --tls-self-signed` (issue 17, "encrypted by default", its server half): the server
 * makes its own certificate on first start, keeps it in its data folder and logs the fingerprint
 * that clients pin; later starts use the same one.
 */
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fastchat-self-signed-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the self-signed certificate', () => {
  it('is made once in the data folder, key and certificate in a file only its owner reads; servers starting together share it', async () => {
    const dir = join(root, 'together');
    const made = await Promise.all([1, 2, 3].map(() => selfSignedServerTls(dir, ['chat.example'], false)));
    expect(new Set(made.map((t) => t.fingerprint)).size).toBe(1);
    expect(made.filter((t) => t.created)).toHaveLength(1);
    expect((await stat(join(dir, SELF_SIGNED_FILE))).mode & 0o777).toBe(0o600);
    const x509 = new X509Certificate(made[0]!.cert);
    expect(x509.subjectAltName).toContain('DNS:localhost');
    expect(x509.subjectAltName).toContain('DNS:chat.example');
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x509.checkPrivateKey((await import('node:crypto')).createPrivateKey(made[0]!.key))).toBe(true);
    const again = await selfSignedServerTls(dir, [], false);
    expect(again).toMatchObject({ created: false, fingerprint: made[0]!.fingerprint });
  });

  it('is one source of a certificate: not with --tls-cert', () => {
    expect(serverTlsProblem('cert.pem', 'key.pem', false, true)).toMatch(/give one/);
    expect(serverTlsProblem(undefined, undefined, true, true)).toBeUndefined();
    expect(serverTlsProblem(undefined, undefined, true, false)).toMatch(/--allow-plaintext only means something/);
  });
});

describe('the legacy clients stay plain', () => {
  it('the server says so once at start when it serves them beyond loopback, and only then', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'chat.example']) expect(legacyPlaintextWarning(host, true)).toMatch(/plain TCP beyond this machine/);
    for (const host of ['127.0.0.1', '127.0.1.1', '::1', 'localhost']) expect(legacyPlaintextWarning(host, true)).toBeUndefined();
    expect(legacyPlaintextWarning('0.0.0.0', false)).toBeUndefined();
  });
});

describe('fastchat-server --tls-self-signed', () => {
  let server: RunningBin | undefined;
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  it('logs the fingerprint it made; fastchat --tls pins exactly that; a restart keeps it', async () => {
    const data = join(root, 'server');
    await seedPgliteDir(data);
    const [node, coordinator] = await freePorts(2);
    // On every interface: the legacy clients, still plain, are then named once in a warning.
    const args = ['--host', '0.0.0.0', '--ports', String(node), '--coordinator-port', String(coordinator), '--data-dir', data, '--tls-self-signed'];
    server = await startServerBin(args);
    expect(server.stderr().match(/WARN the 2022 legacy clients are served in plain TCP/g)).toHaveLength(1);
    const fingerprint = /made a self-signed TLS certificate.* fingerprint=([0-9A-F:]{95})/.exec(server.stderr())?.[1];
    expect(fingerprint).toBeDefined();
    const home = join(root, 'home');
    const ping = await runBin('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', home, '--tls', 'ping', '-c', '1']);
    expect(ping).toMatchObject({ code: 0, stderr: '' });
    expect(ping.stdout).toMatch(/TLS/);
    expect(JSON.parse(await readFile(join(home, 'servers.json'), 'utf8')).servers['127.0.0.1'].fingerprint).toBe(fingerprint);
    // Plain is refused, as with a certificate from files.
    const plain = await runBin('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', home, 'ping', '-c', '1']);
    expect(plain.stderr).toMatch(/requires TLS/);

    await server.stop('SIGTERM');
    server = await startServerBin(args);
    expect(server.stderr()).not.toContain('made a self-signed TLS certificate');
    expect(server.stderr()).toContain(`fingerprint=${fingerprint}`);
    expect((await runBin('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', home, '--tls', 'ping', '-c', '1'])).code).toBe(0);
  }, 120_000);
});
