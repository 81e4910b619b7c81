import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedPgliteDir } from '../support/pglite-template.js';
import { freePorts, runBin, startBin, type RunningBin } from '../support/run-bin.js';

let dataDir: string;
const running: RunningBin[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'fastchat-cli-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop('SIGKILL')));
  await rm(dataDir, { recursive: true, force: true });
});

describe('fastchat-server CLI', () => {
  it('lists every flag with its default in --help', async () => {
    const { code, stdout } = await runBin('fastchat-server', ['--help']);
    expect(code).toBe(0);
    for (const [flag, fallback] of [
      ['--ports', '[default: "8001-8004"]'],
      ['--host', '[default: "127.0.0.1"]'],
      ['--coordinator-port', '[default: "8000"]'],
      ['--data-dir', 'fastchat/server"]'],
      ['--db', '[default: $DATABASE_URL, else the embedded database]'],
      ['--max-frame-bytes', '[default: "1048576"]'],
      ['--send-rate', '[default: "50"]'],
      ['--send-burst', '[default: "1000"]'],
      ['--request-rate', '[default: "10"]'],
      ['--request-burst', '[default: "20"]'],
      ['--max-connections-per-address', '[default: "256"]'],
      ['--login-timeout', '[default: "30"]'],
      ['--log-level', '[default: "info"]'],
      ['--plaintext', '[default: false]'],
    ]) {
      expect(stdout).toContain(flag);
      expect(stdout).toContain(fallback);
    }
  });

  it.each([
    [['--bogus'], 'fastchat-server: Unknown argument: bogus'],
    [['--ports', '8001-80x4'], 'fastchat-server: --ports: "8001-80x4" is not a port or a range like 8001-8004'],
    [['--ports', '9000-8000'], 'fastchat-server: --ports: "9000-8000" is not a valid port range (low-high, low ≥ 1)'],
    [['--coordinator-port', 'abc'], 'fastchat-server: --coordinator-port: "abc" is not a port number (1-65535)'],
    [['--ports', '8001-8004', '--coordinator-port', '8002'], 'fastchat-server: --coordinator-port 8002 is also in --ports'],
    [['--log-level', 'loud'], 'fastchat-server: Invalid values:'],
    [['--db', 'mysql://x'], 'fastchat-server: --db: expected a postgres:// URL'],
    [['--send-rate', 'fast'], 'fastchat-server: --send-rate: "fast" must be a whole number from 0 to 1000000'],
    [['--max-connections-per-address', '1.5'], 'fastchat-server: --max-connections-per-address: "1.5" must be a whole number'],
    [['--ports', '8001-8004', '--metrics-port', '8003'], 'fastchat-server: --metrics-port: 8003 is also a chat port'],
    [['--log-format', 'xml'], 'fastchat-server: Invalid values:'],
  ])('rejects %j with one line naming the problem', async (args, line) => {
    const { code, stderr } = await runBin('fastchat-server', args);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toContain(line);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('names a port that is already in use, without a stack trace', async () => {
    const blocker: Server = await new Promise((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    const busy = (blocker.address() as import('node:net').AddressInfo).port;
    try {
      const [coordinator] = await freePorts(1);
      const { code, stderr } = await runBin('fastchat-server', [
        '--ports',
        String(busy),
        '--coordinator-port',
        String(coordinator),
        '--data-dir',
        dataDir,
      ]);
      expect(code).toBe(1);
      expect(stderr.trim().split('\n').at(-1)).toBe(`fastchat-server: port ${busy} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('serves its ports until SIGTERM, then stops cleanly; fastchat ping reaches it', async () => {
    const [a, b, coordinator] = await freePorts(3);
    const server = startBin('fastchat-server', ['--ports', `${a},${b}`, '--coordinator-port', String(coordinator), '--data-dir', dataDir]);
    running.push(server);
    // An empty folder: the server runs initdb and the schema first, which takes long on a busy machine.
    const [ready] = await server.waitFor(/fastchat-server ready .*/, 90_000);
    expect(ready).toContain(`ports="${a},${b}" coordinator=${coordinator}`);
    expect(ready).toContain(`database="embedded PostgreSQL (PGlite) in ${dataDir}"`);

    // Both with their defaults: TLS, the certificate the server made for itself pinned on first use.
    const ping = await runBin('fastchat', [
      'ping',
      '--count',
      '2',
      '--server',
      `127.0.0.1:${coordinator}`,
      '--home',
      join(dataDir, 'home'),
    ]);
    expect(ping.code).toBe(0);
    expect(ping.stdout).toMatch(new RegExp(`^connected to fastchat-server/\\S+ at 127\\.0\\.0\\.1:(${a}|${b}) \\(protocol 1, TLS,`));
    expect(ping.stdout).toMatch(/ping 2: \d+\.\d+ ms/);

    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.stderr()).toMatch(/shutting down signal=SIGTERM[\s\S]*stopped/);
  });

  it('with --log-format json and --metrics-port: every log line is one JSON object, and the metrics port answers', async () => {
    const [a, coordinator, metrics] = await freePorts(3);
    await seedPgliteDir(dataDir);
    const server = startBin('fastchat-server', [
      '--ports',
      String(a),
      '--coordinator-port',
      String(coordinator),
      '--data-dir',
      dataDir,
      '--log-format',
      'json',
      '--metrics-port',
      String(metrics),
    ]);
    running.push(server);
    await server.waitFor(/"msg":"fastchat-server ready"[^\n]*\n/);
    expect((await runBin('fastchat', ['ping', '--server', `127.0.0.1:${coordinator}`, '--home', join(dataDir, 'home')])).code).toBe(0);

    const scrape = await fetch(`http://127.0.0.1:${metrics}/metrics`);
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    expect(text).toContain('# TYPE fastchat_logins_total counter');
    expect(text).toMatch(/^fastchat_database_info\{kind="embedded"\} 1$/m);
    expect((await fetch(`http://127.0.0.1:${metrics}/healthz`)).status).toBe(200);

    expect(await server.stop('SIGTERM')).toBe(0);
    const lines = server.stderr().trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3); // ready, shutting down, stopped
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry).toMatchObject({ level: expect.stringMatching(/^(debug|info|warn|error)$/), msg: expect.any(String) });
      expect(new Date(entry.ts as string).toISOString()).toBe(entry.ts);
    }
    const ready = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'fastchat-server ready');
    expect(ready).toMatchObject({ ports: String(a), coordinator, metrics: expect.stringContaining(String(metrics)) });
  });
});

describe('fastchat CLI', () => {
  it('lists its commands and global flags in --help', async () => {
    const { code, stdout } = await runBin('fastchat', ['--help']);
    expect(code).toBe(0);
    for (const command of ['signup', 'send', 'read', 'users', 'groups', 'group', 'history', 'keys', 'ping']) {
      expect(stdout).toMatch(new RegExp(`fastchat ${command}\\b`));
    }
    expect(stdout).toContain('--user');
    expect(stdout).toContain('--home');
    expect(stdout).toContain('--server');
    expect(stdout).toContain('[default: "127.0.0.1:8000"]');
    expect(stdout).toMatch(/--plaintext\s+connect without TLS/);
    expect(stdout).not.toMatch(/--tls\b/);
  });

  it('rejects a malformed --server with one line naming it', async () => {
    const { code, stderr } = await runBin('fastchat', ['ping', '--server', 'localhost']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe('fastchat: --server: "localhost" is not HOST:PORT (for example 127.0.0.1:8000)');
  });

  it('says which address it could not reach, in one line, exit 1', async () => {
    const [port] = await freePorts(1);
    const { code, stderr } = await runBin('fastchat', ['ping', '--server', `127.0.0.1:${port}`]);
    expect(code).toBe(1);
    expect(stderr).toBe(`fastchat: cannot reach the server at 127.0.0.1:${port}: connection refused (is fastchat-server running?)\n`);
  });

  it('asks for a command when given none', async () => {
    const { code, stderr } = await runBin('fastchat', []);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe('fastchat: name a command, such as signup, send or read');
  });
});
