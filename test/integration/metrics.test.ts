import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer, type RunningServer, type StartServerOptions } from '../../src/server/start-server.js';
import { silentLogger } from '../../src/util/logger.js';
import { secretFor } from '../support/chat-client.js';
import { closeAfterEach } from '../support/close-after-each.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { makeCert } from '../support/tls-certs.js';

let server: RunningServer | undefined;
let dataDir: string | undefined;
const closers = closeAfterEach(async () => {
  await server?.close();
  server = undefined;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

async function start(more: Partial<StartServerOptions> = {}): Promise<RunningServer> {
  dataDir = await mkdtemp(join(tmpdir(), 'fastchat-metrics-'));
  server = await startServer({
    host: '127.0.0.1',
    ports: [0],
    coordinatorPort: 0,
    databaseUrl: undefined,
    dataDir,
    maxFrameBytes: 1024 * 1024,
    // A burst of two and (practically) no refill: the third send is refused, however slow the machine.
    limits: { sendRatePerS: 0.001, sendBurst: 2 },
    metrics: { host: '127.0.0.1', port: 0 },
    logger: silentLogger,
    ...more,
  });
  return server;
}

const url = (path: string) => `http://127.0.0.1:${server!.metrics!.port}${path}`;

/** Every sample of a scrape by its series (`name{labels}`). */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(url('/metrics'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

async function user(name: string): Promise<FrameClient & { userId: number }> {
  const client = await connectTcpClient(server!.listening.ports[0]!);
  closers.push(() => client.close());
  expect((await client.request({ t: 'hello', id: 1, versions: [1] })).t).toBe('ok');
  const reply = await client.request({ t: 'signup', id: 2, name, secret: secretFor(name) });
  expect(reply).toMatchObject({ t: 'ok' });
  // Live pushes start with sync (protocol.md § Delivery).
  expect((await client.request({ t: 'sync', id: 3 })).t).toBe('ok');
  return Object.assign(client, { userId: (reply.user as { id: number }).id });
}

/** Sends a request and returns the frame that answers its id, skipping pushes (which stay in `received`). */
async function call(client: FrameClient, message: Record<string, unknown> & { t: string; id: number }) {
  client.send(message);
  for (;;) {
    const frame = await client.next();
    if (frame.id === message.id) return frame;
  }
}

/** The error counters of a scrape, by series. */
async function errorsSent(): Promise<Map<string, number>> {
  return new Map([...(await scrape())].filter(([series]) => series.startsWith('fastchat_errors_sent_total')));
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('metrics port', () => {
  it('counts exactly the logins, commits, pushes, errors and refused sends a session caused', async () => {
    await start();
    const before = await scrape();
    expect(before.get('fastchat_logins_total')).toBe(0);
    expect(before.get('fastchat_commits_total')).toBe(0);
    expect(before.get('fastchat_database_info{kind="embedded"}')).toBe(1);
    expect(before.get('fastchat_connections{role="node"}')).toBe(0);

    const alice = await user('alice');
    const bob = await user('bob');
    const sent = [];
    for (const id of [10, 11]) sent.push(await call(alice, { t: 'send', id, to: bob.userId, cid: `c${id}`, body: Buffer.from(`m${id}`) }));
    expect(sent.map((r) => r.t)).toEqual(['ok', 'ok']);
    const refused = await call(alice, { t: 'send', id: 12, to: bob.userId, cid: 'c12', body: Buffer.from('m12') });
    expect(refused).toMatchObject({ t: 'error', code: 'rate_limited' });
    const bad = await call(bob, { t: 'send', id: 13, cid: 'c13' });
    expect(bad).toMatchObject({ t: 'error', code: 'bad_request' });

    const pushesTo = (client: FrameClient) => client.received.filter((m) => m.id === undefined).length;
    await until(() => bob.received.filter((m) => m.t === 'msg').length === 2);
    // A round trip on each connection: every push written before it has arrived before its reply.
    await Promise.all([call(alice, { t: 'ping', id: 20 }), call(bob, { t: 'ping', id: 20 })]);

    const after = await scrape();
    expect(after.get('fastchat_logins_total')).toBe(2);
    expect(after.get('fastchat_sessions')).toBe(2);
    expect(after.get('fastchat_users_online')).toBe(2);
    expect(after.get('fastchat_connections{role="node"}')).toBe(2);
    expect(after.get('fastchat_connections{role="legacy"}')).toBe(0);
    expect(after.get('fastchat_messages_committed_total')).toBe(2);
    const commits = after.get('fastchat_commits_total')!;
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(2);
    expect(after.get('fastchat_commit_duration_seconds_count')).toBe(commits);
    expect(after.get('fastchat_commit_duration_seconds_bucket{le="+Inf"}')).toBe(commits);
    expect(after.get('fastchat_commit_batch_size_count')).toBe(commits);
    expect(after.get('fastchat_commit_batch_size_sum')).toBe(2);
    expect(after.get('fastchat_sends_rate_limited_total')).toBe(1);
    expect(after.get('fastchat_errors_sent_total{code="rate_limited"}')).toBe(1);
    expect(after.get('fastchat_errors_sent_total{code="bad_request"}')).toBe(1);
    expect([...after.keys()].filter((k) => k.startsWith('fastchat_errors_sent_total'))).toHaveLength(2);
    expect(after.get('fastchat_pushes_sent_total')).toBe(pushesTo(alice) + pushesTo(bob));
    expect(after.get('fastchat_pushes_sent_total')).toBeGreaterThanOrEqual(2);
    expect(after.get('fastchat_slow_consumers_dropped_total')).toBe(0);
    expect(after.get('process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts a plain frame refused by a TLS-only listener as tls_required', async () => {
    const cert = makeCert();
    await start({ tls: { cert: cert.certPem, key: cert.keyPem, allowPlaintext: false } });
    const plain = await connectTcpClient(server!.listening.ports[0]!);
    closers.push(() => plain.close());
    plain.send({ t: 'hello', id: 1, versions: [1] });
    expect(await plain.next()).toMatchObject({ t: 'error', code: 'tls_required' });
    await plain.closed;
    expect(await errorsSent()).toEqual(new Map([['fastchat_errors_sent_total{code="tls_required"}', 1]]));
  });

  it('counts connections refused before any session: too_many_connections, then idle_timeout', async () => {
    await start({ limits: { maxConnectionsPerAddress: 1, loginTimeoutMs: 1000 } });
    // Holds the one slot of 127.0.0.1 without a word, until its login deadline.
    const silent = await connectTcpClient(server!.listening.ports[0]!);
    closers.push(() => silent.close());
    await until(() => server!.core.connectionCount === 1);
    const busy = await connectTcpClient(server!.listening.ports[0]!);
    closers.push(() => busy.close());
    busy.send({ t: 'hello', id: 1, versions: [1] });
    expect(await busy.next()).toMatchObject({ t: 'error', code: 'too_many_connections' });
    expect(await silent.next(5000)).toMatchObject({ t: 'error', code: 'idle_timeout' });
    expect(await errorsSent()).toEqual(
      new Map([
        ['fastchat_errors_sent_total{code="too_many_connections"}', 1],
        ['fastchat_errors_sent_total{code="idle_timeout"}', 1],
      ]),
    );
  });

  it('answers /healthz 200 while serving and 503 once shutdown has begun', async () => {
    await start();
    expect((await fetch(url('/healthz'))).status).toBe(200);
    expect((await fetch(url('/nope'))).status).toBe(404);
    // A peer that does not finish its side holds the shutdown open (until the grace period) while we ask.
    const holder: Socket = connect({ host: '127.0.0.1', port: server!.listening.ports[0]!, allowHalfOpen: true });
    closers.push(() => holder.destroy());
    await new Promise((resolve) => holder.once('connect', resolve));
    await until(() => server!.core.connectionCount === 1);
    const ended = new Promise((resolve) => holder.once('end', resolve));
    const closing = server!.close();
    await ended;
    const during = await fetch(url('/healthz'));
    expect(during.status).toBe(503);
    expect((await scrape()).get('fastchat_shutting_down')).toBe(1);
    holder.end();
    await closing;
  });
});
