import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { askCoordinator } from '../../src/client/connect.js';
import { describePostgres } from '../support/databases.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { freePorts, runBin, startServerBin, type RunningBin } from '../support/run-bin.js';
import { startTestServer, type TestServer } from '../support/start-server.js';
import { passwordOf } from '../support/passwords.js';

const servers: TestServer[] = [];
const processes: RunningBin[] = [];
const held: FrameClient[] = [];
const roots: string[] = [];
afterEach(async () => {
  held.splice(0).forEach((c) => c.close());
  await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await Promise.all(roots.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describePostgres('one-shot CLI commands when a node dies', (postgres) => {
  it('`fastchat send` through a live coordinator succeeds right after another node is SIGKILLed (the one it would have been sent to)', async () => {
    const url = await postgres.databaseWithSchema();
    // The default --node-timeout (10 s): by heartbeats alone, A would keep naming B for 5 s after it died.
    const a = await startTestServer({ databaseUrl: url, nodePorts: 1 });
    servers.push(a);
    const [bPort, bCoordinator] = await freePorts(2);
    const b = await startServerBin([
      '--plaintext',
      '--db',
      url,
      '--host',
      '127.0.0.1',
      '--ports',
      String(bPort),
      '--coordinator-port',
      String(bCoordinator),
    ]);
    processes.push(b);
    // A is busier than B, so A's coordinator sends clients to B while B lives.
    for (let n = 0; n < 3; n++) held.push(await connectTcpClient(a.listening.ports[0]!));
    const coordinator = { host: '127.0.0.1', port: a.listening.coordinatorPort };
    await expect.poll(async () => (await askCoordinator(coordinator)).port, { timeout: 30_000, interval: 100 }).toBe(bPort);

    const root = await mkdtemp(join(tmpdir(), 'fastchat-cli-failover-'));
    roots.push(root);
    const fastchat = (user: string, args: string[]) =>
      runBin(
        'fastchat',
        ['--plaintext', '--server', `127.0.0.1:${coordinator.port}`, '--home', join(root, user), '--user', user, ...args],
        { FASTCHAT_PASSWORD: passwordOf(user) },
      );
    for (const user of ['alice', 'bob']) expect((await fastchat(user, ['signup', user])).code).toBe(0);

    // B dies; the send starts as soon as the process is gone, whatever the coordinator has noticed yet.
    expect(await b.stop('SIGKILL')).toBeNull();
    const sent = await fastchat('alice', ['send', 'bob', 'after B died']);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^sent to bob \(message 1 of conversation \d+\)\n$/);

    const read = await fastchat('bob', ['read']);
    expect(read.code).toBe(0);
    expect(read.stdout).toMatch(/alice → bob ✓ after B died/);
  }, 120_000);
});
