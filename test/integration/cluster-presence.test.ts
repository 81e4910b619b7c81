import { afterEach, expect, it } from 'vitest';
import type { UserView } from '../../src/protocol/index.js';
import { ChatTestClient } from '../support/chat-client.js';
import { describePostgres } from '../support/databases.js';
import { freePorts, startServerBin, type RunningBin } from '../support/run-bin.js';
import { startTestServer, type TestServer } from '../support/start-server.js';
import { FAST_CLUSTER } from '../support/test-cluster.js';

/** Long enough for a presence event to cross nodes if one were (wrongly) sent. */
const SETTLE_MS = 600;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describePostgres('presence across nodes', (postgres) => {
  const servers: TestServer[] = [];
  const bins: RunningBin[] = [];
  const clients: ChatTestClient[] = [];
  // Registered after describePostgres's own cleanup, so it runs first: clients and servers go before
  // the database is dropped.
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    await Promise.all(bins.splice(0).map((b) => b.stop('SIGKILL')));
  });

  const node = async (url: string): Promise<TestServer> => {
    const server = await startTestServer({ databaseUrl: url, nodePorts: 1, cluster: FAST_CLUSTER });
    servers.push(server);
    return server;
  };
  const client = async (port: number, name: string, how: 'signup' | 'login' = 'signup'): Promise<ChatTestClient> => {
    const c = await ChatTestClient.connectToPort(port);
    clients.push(c);
    await (how === 'signup' ? c.signup(name) : c.login(name));
    await c.sync();
    return c;
  };
  const close = async (c: ChatTestClient): Promise<void> => {
    clients.splice(clients.indexOf(c), 1);
    await c.close();
  };
  /** How `viewer`'s node shows `user` in the directory. */
  const shown = async (viewer: ChatTestClient, user: number): Promise<UserView> =>
    (await viewer.rpc.request({ t: 'users', ids: [user] })).users[0]!;
  const presences = (viewer: ChatTestClient, user: number, online: boolean) =>
    viewer.pushes.filter((p) => p.t === 'presence' && p.user === user && p.online === online).length;
  /** Makes `a` and `b` contacts (presence goes to those who share a conversation). */
  const contacts = async (a: ChatTestClient, b: ChatTestClient): Promise<void> => {
    const { conversation } = await a.send({ to: b.id }, 'hi');
    await b.until(() => b.texts(conversation).includes('hi'), 'the message');
  };

  it("a user online on node A is online in node B's directory, and B's clients hear them come and go", async () => {
    const url = await postgres.databaseWithSchema();
    const [a, b] = [await node(url), await node(url)];
    const alice = await client(a.listening.ports[0]!, 'alice');
    const bob = await client(b.listening.ports[0]!, 'bob');
    await contacts(alice, bob);
    expect(await shown(bob, alice.id)).toMatchObject({ online: true });
    const page = await bob.rpc.request({ t: 'users' });
    expect(page.users.map((u) => [u.name, u.online])).toEqual([
      ['alice', true],
      ['bob', true],
    ]);

    await close(alice);
    const offline = await bob.waitForPush('presence', (p) => p.user === alice.id && !p.online);
    expect(offline.lastSeen).toEqual(expect.any(Number));
    expect(await shown(bob, alice.id)).toMatchObject({ online: false, lastSeen: offline.lastSeen });

    await client(a.listening.ports[0]!, 'alice', 'login');
    await bob.waitForPush('presence', (p) => p.user === alice.id && p.online);
    expect(await shown(bob, alice.id)).toMatchObject({ online: true });
  });

  it('a user with sessions on two nodes stays online when one closes, and goes offline, once, when the last does', async () => {
    const url = await postgres.databaseWithSchema();
    const [a, b] = [await node(url), await node(url)];
    const aliceOnA = await client(a.listening.ports[0]!, 'alice');
    const bob = await client(b.listening.ports[0]!, 'bob');
    const carol = await client(a.listening.ports[0]!, 'carol');
    await contacts(aliceOnA, bob);
    await contacts(aliceOnA, carol);
    const aliceOnB = await client(b.listening.ports[0]!, 'alice', 'login');
    await sleep(SETTLE_MS);
    // Her second session, on another node, is no news: nobody is told she came online again.
    expect(presences(bob, aliceOnA.id, true) + presences(carol, aliceOnA.id, true)).toBe(0);

    await close(aliceOnA);
    await sleep(SETTLE_MS);
    expect(presences(bob, aliceOnB.id, false)).toBe(0);
    expect(presences(carol, aliceOnB.id, false)).toBe(0);
    expect(await shown(bob, aliceOnB.id)).toMatchObject({ online: true });
    expect(await shown(carol, aliceOnB.id)).toMatchObject({ online: true });

    await close(aliceOnB);
    await bob.waitForPush('presence', (p) => p.user === aliceOnB.id && !p.online);
    await carol.waitForPush('presence', (p) => p.user === aliceOnB.id && !p.online);
    expect(await shown(carol, aliceOnB.id)).toMatchObject({ online: false });
    await sleep(SETTLE_MS);
    expect(presences(bob, aliceOnB.id, false)).toBe(1);
    expect(presences(carol, aliceOnB.id, false)).toBe(1);
  });

  it('a node that stops gracefully takes its users offline at once', async () => {
    const url = await postgres.databaseWithSchema();
    const [a, b] = [await node(url), await node(url)];
    const alice = await client(a.listening.ports[0]!, 'alice');
    const bob = await client(b.listening.ports[0]!, 'bob');
    await contacts(alice, bob);
    clients.splice(clients.indexOf(alice), 1);
    await a.stop();
    servers.splice(servers.indexOf(a), 1);
    await bob.waitForPush('presence', (p) => p.user === alice.id && !p.online);
    expect(await shown(bob, alice.id)).toMatchObject({ online: false, lastSeen: expect.any(Number) });
  });

  it("a node killed without leaving is dead after the timeout: the other node's clients hear its users go offline", async () => {
    const url = await postgres.databaseWithSchema();
    const [port, coordinator] = await freePorts(2);
    // A real process (compiled: `make test` builds first), so that SIGKILL leaves its registry and
    // presence rows behind with no chance to clean up.
    const doomed = await startServerBin([
      '--plaintext',
      '--db',
      url,
      '--ports',
      String(port),
      '--coordinator-port',
      String(coordinator),
      '--node-timeout',
      '1',
    ]);
    bins.push(doomed);
    const b = await node(url);
    const alice = await client(port!, 'alice');
    const bob = await client(b.listening.ports[0]!, 'bob');
    await contacts(alice, bob);
    expect(await shown(bob, alice.id)).toMatchObject({ online: true });

    await doomed.stop('SIGKILL');
    const killedAt = Date.now();
    // Its last heartbeat, as the registry holds it: on a busy machine it can be well before the kill.
    const lastBeat = (await b.core.services.store.liveNodes(60_000)).find((n) => n.ports.includes(port!))!.heartbeatAt.getTime();
    const offline = await bob.waitForPush('presence', (p) => p.user === alice.id && !p.online, 10_000);
    // Dead once its last heartbeat is older than the timeout, not before (the database's clock judges;
    // it is this machine's, give or take the 50 ms of a timestamp's round trip).
    expect(Date.now()).toBeGreaterThan(lastBeat + FAST_CLUSTER.nodeTimeoutMs - 50);
    expect(offline.lastSeen).toBeLessThanOrEqual(killedAt + 50);
    expect(await shown(bob, alice.id)).toMatchObject({ online: false, lastSeen: offline.lastSeen });
    const page = await bob.rpc.request({ t: 'users' });
    expect(page.users.map((u) => [u.name, u.online])).toEqual([
      ['alice', false],
      ['bob', true],
    ]);
  });
});
