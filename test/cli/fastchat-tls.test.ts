import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPgliteDir } from '../support/pglite-template.js';
import { freePorts, runBin, startServerBin, type RunningBin } from '../support/run-bin.js';
import { makeCert, writeCerts } from '../support/tls-certs.js';

const cert = makeCert();
let certs: Awaited<ReturnType<typeof writeCerts>>;
let root: string;
let server: RunningBin;
let coordinator: number;

function fastchat(args: string[]) {
  return runBin('fastchat', ['--server', `127.0.0.1:${coordinator}`, '--home', join(root, 'home'), ...args]);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fastchat-cli-tls-'));
  certs = await writeCerts({ 'cert.pem': cert.certPem, 'key.pem': cert.keyPem });
  const [node, coord] = await freePorts(2);
  coordinator = coord!;
  await seedPgliteDir(join(root, 'data'));
  server = await startServerBin([
    '--ports',
    String(node),
    '--coordinator-port',
    String(coordinator),
    '--data-dir',
    join(root, 'data'),
    '--tls-cert',
    certs.path('cert.pem'),
    '--tls-key',
    certs.path('key.pem'),
  ]);
}, 60_000);
afterAll(async () => {
  await server?.stop('SIGKILL');
  await certs?.remove();
  await rm(root, { recursive: true, force: true });
});

describe('fastchat with TLS', () => {
  it('the server logs the fingerprint clients pin; ping pins it in servers.json', async () => {
    expect(server.stderr()).toContain(cert.fingerprint);
    const ping = await fastchat(['ping', '-c', '1']);
    expect(ping.stderr).toBe(
      `fastchat: first connection to 127.0.0.1: trusted its certificate ${cert.fingerprint} from now on; compare it with the fingerprint the server's operator published (fastchat servers list)\n`,
    );
    expect((await fastchat(['ping', '-c', '1'])).stderr).toBe('');
    expect(ping.stdout).toMatch(/TLS/);
    const pins = JSON.parse(await readFile(join(root, 'home', 'servers.json'), 'utf8'));
    expect(pins.servers['127.0.0.1'].fingerprint).toBe(cert.fingerprint);
    expect((await fastchat(['servers', 'list'])).stdout).toContain(cert.fingerprint);
  });

  it('with --plaintext: one line saying TLS is required', async () => {
    const plain = await fastchat(['--plaintext', 'ping', '-c', '1']);
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/^fastchat: this server requires TLS: connect without --plaintext/);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a changed pin is refused; servers trust --fingerprint accepts the presented one', async () => {
    await runBin('fastchat', ['--home', join(root, 'home'), 'servers', 'forget', '127.0.0.1']);
    const trust = new (await import('../../src/client/server-trust.js')).ServerTrust(join(root, 'home'));
    await trust.pin('127.0.0.1', makeCert().fingerprint);
    const refused = await fastchat(['ping', '-c', '1']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('CHANGED');
    expect(refused.stderr).toContain(cert.fingerprint);
    // The refusal reads as the lines it was written in, the command to accept on one of its own.
    expect(refused.stderr).not.toContain('\\x0a');
    expect(refused.stderr.split('\n')).toContain(`  fastchat servers trust 127.0.0.1:${coordinator} --fingerprint ${cert.fingerprint}`);
    const wrong = await fastchat(['servers', 'trust', `127.0.0.1:${coordinator}`, '--fingerprint', makeCert().fingerprint]);
    expect(wrong.code).not.toBe(0);
    const ok = await fastchat(['servers', 'trust', `127.0.0.1:${coordinator}`, '--fingerprint', cert.fingerprint]);
    expect(ok.stdout).toContain(`pinned 127.0.0.1: ${cert.fingerprint}`);
    expect((await fastchat(['ping', '-c', '1'])).code).toBe(0);
  });
});
