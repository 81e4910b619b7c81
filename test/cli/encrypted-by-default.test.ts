import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyPlaintextWarning, SELF_SIGNED_FILE, selfSignedServerTls, serverTlsProblem } from '../../src/cli/server-tls.js';
import { seedPgliteDir } from '../support/pglite-template.js';
import { freePorts, runBin, startServerBin, type RunningBin } from '../support/run-bin.js';

/**
 * Encrypted by default (issue 17): with no flag, fastchat-server makes its own certificate on first
 * start, keeps it in its data folder and logs the fingerprint, and `fastchat` connects with TLS and
 * pins that certificate on first use; later starts use the same one. Plain TCP only when both sides
 * ask for it with --plaintext.
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

  it('--plaintext turns TLS off and goes with no other TLS flag', () => {
    expect(serverTlsProblem('cert.pem', 'key.pem', false, true)).toMatch(/--plaintext turns TLS off/);
    expect(serverTlsProblem(undefined, undefined, true, true)).toMatch(/--allow-plaintext is for a server that also serves TLS/);
    expect(serverTlsProblem(undefined, undefined, true, false)).toBeUndefined();
    expect(serverTlsProblem(undefined, undefined, false, true)).toBeUndefined();
    expect(serverTlsProblem('cert.pem', undefined, false, false)).toMatch(/go together/);
  });
});

describe('the legacy clients stay plain', () => {
  it('the server says so once at start when it serves them beyond loopback, and only then', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'chat.example'])
      expect(legacyPlaintextWarning(host, true)).toMatch(/plain TCP beyond this machine/);
    for (const host of ['127.0.0.1', '127.0.1.1', '::1', 'localhost']) expect(legacyPlaintextWarning(host, true)).toBeUndefined();
    expect(legacyPlaintextWarning('0.0.0.0', false)).toBeUndefined();
  });
});

describe('fastchat-server and fastchat with no TLS flag', () => {
  let server: RunningBin | undefined;
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });
  const fastchat = (coordinator: number, home: string, args: string[]) =>
    runBin('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', home, ...args]);

  it('the server makes its certificate and logs the fingerprint; fastchat pins exactly that; plain is refused; a restart keeps it', async () => {
    const data = join(root, 'server');
    await seedPgliteDir(data);
    const [node, coordinator] = await freePorts(2);
    // On every interface: the legacy clients, still plain, are then named once in a warning.
    const args = ['--host', '0.0.0.0', '--ports', String(node), '--coordinator-port', String(coordinator!), '--data-dir', data];
    server = await startServerBin(args);
    expect(server.stderr().match(/WARN the 2022 legacy clients are served in plain TCP/g)).toHaveLength(1);
    const fingerprint = /made a self-signed TLS certificate.* fingerprint=([0-9A-F:]{95})/.exec(server.stderr())?.[1];
    expect(fingerprint).toBeDefined();
    expect(server.stderr()).toMatch(new RegExp(`fastchat-server ready .*tls=required fingerprint=${fingerprint}`));
    const home = join(root, 'home');
    const ping = await fastchat(coordinator!, home, ['ping', '-c', '1']);
    // The first connection says what it pinned, once, so the user can compare it with the published one.
    expect(ping).toMatchObject({
      code: 0,
      stderr: `fastchat: first connection to 127.0.0.1: trusted its certificate ${fingerprint} from now on; compare it with the fingerprint the server's operator published (fastchat servers list)\n`,
    });
    expect(ping.stdout).toMatch(/\(protocol 1, TLS,/);
    expect(JSON.parse(await readFile(join(home, 'servers.json'), 'utf8')).servers['127.0.0.1'].fingerprint).toBe(fingerprint);
    // Plain only when both ask: the client asking alone is refused.
    const plain = await fastchat(coordinator!, home, ['--plaintext', 'ping', '-c', '1']);
    expect(plain.stderr).toMatch(/requires TLS/);
    // --tls, which once turned TLS on, is still taken and changes nothing.
    expect((await fastchat(coordinator!, home, ['--tls', 'ping', '-c', '1'])).code).toBe(0);

    await server.stop('SIGTERM');
    server = await startServerBin(args);
    expect(server.stderr()).not.toContain('made a self-signed TLS certificate');
    expect(server.stderr()).toContain(`fingerprint=${fingerprint}`);
    expect(await fastchat(coordinator!, home, ['ping', '-c', '1'])).toMatchObject({ code: 0, stderr: '' });
  }, 120_000);

  it('plain TCP only when both sides ask: a --plaintext server makes no certificate, a default client is told it does not speak TLS and pins nothing', async () => {
    const data = join(root, 'plain-server');
    await seedPgliteDir(data);
    const [node, coordinator] = await freePorts(2);
    const plainServer = await startServerBin([
      '--ports',
      String(node),
      '--coordinator-port',
      String(coordinator!),
      '--data-dir',
      data,
      '--plaintext',
    ]);
    try {
      expect(plainServer.stderr()).toMatch(/fastchat-server ready .*tls="off \(--plaintext\)"/);
      await expect(stat(join(data, SELF_SIGNED_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
      const home = join(root, 'plain-home');
      const refused = await fastchat(coordinator!, home, ['ping', '-c', '1']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/the server does not speak TLS \(if it runs with --plaintext, connect with --plaintext too\)/);
      await expect(stat(join(home, 'servers.json'))).rejects.toMatchObject({ code: 'ENOENT' });
      const both = await fastchat(coordinator!, home, ['--plaintext', 'ping', '-c', '1']);
      expect(both).toMatchObject({ code: 0, stderr: '' });
      expect(both.stdout).toMatch(/\(protocol 1, no TLS,/);
    } finally {
      await plainServer.stop('SIGKILL');
    }
  }, 120_000);
});
