import { afterEach, expect, it } from 'vitest';
import { collect, testClients } from '../support/client-harness.js';
import { describePostgres } from '../support/databases.js';
import { LegacyTestClient } from '../support/legacy-client.js';
import { startTestServer, type TestServer } from '../support/start-server.js';
import { FAST_CLUSTER } from '../support/test-cluster.js';

describePostgres('legacy (2022) clients across the nodes of one deployment', (postgres) => {
  const servers: TestServer[] = [];
  const legacy: LegacyTestClient[] = [];
  const clients = testClients(() => servers[0]!.listening.coordinatorPort);
  afterEach(async () => {
    await Promise.all(legacy.splice(0).map((c) => c.close()));
    await clients.cleanup();
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });
  const node = async (url: string): Promise<TestServer> => {
    const server = await startTestServer({ databaseUrl: url, nodePorts: 1, cluster: FAST_CLUSTER });
    servers.push(server);
    return server;
  };

  it('a legacy client on one node and a modern user on another see each other join, online, and exchange messages', async () => {
    const url = await postgres.databaseWithSchema();
    const one = await node(url);
    const two = await node(url);
    const leo = await LegacyTestClient.connect(one.listening.coordinatorPort, 'Leo');
    legacy.push(leo);
    expect(await leo.signup()).toBe('1');
    await leo.startNotifications();

    // A modern signup on the other node is announced here, with the name as that client sent it.
    const alice = await clients.open('Alice', 'signup', { coordinatorPort: two.listening.coordinatorPort });
    const inbox = collect(alice);
    const joined = await leo.waitFor((o) => o['info-type'] === 'new_user', 'new_user from the other node');
    expect(joined).toMatchObject({
      name: 'Alice',
      id: String(alice.user.id),
      public_key: expect.stringMatching(/^PublicKey\(\d+, 65537\)$/),
    });
    // So is a legacy login there.
    const cara = await LegacyTestClient.connect(two.listening.coordinatorPort, 'Cara');
    legacy.push(cara);
    expect(await cara.signup()).toBe('1');
    await leo.waitFor((o) => o['info-type'] === 'new_user' && o.name === 'Cara', 'new_user Cara from the other node');
    // And the modern user, there, sees leo in the directory, online.
    expect(await alice.findUser('leo')).toMatchObject({ kind: 'legacy', online: true });

    // Messages both ways across the nodes.
    leo.sendMessage(String(alice.user.id), joined.public_key as string, 'hi alice, from node one');
    await inbox.until((m) => m.some((x) => x.kind === 'message' && x.text === 'hi alice, from node one'), 'the legacy message');
    const leoView = await alice.findUser('leo');
    await (
      await alice.send({ user: leoView.id }, 'hi leo, from node two')
    ).acked;
    const reply = await leo.waitFor((o) => o['info-type'] === 'inst-msg', 'inst-msg');
    expect(leo.decrypt(reply.text as string)).toBe('hi leo, from node two');

    // A second login of leo's name, on the other node: its Notifications list shows alice online there.
    await leo.close();
    const again = await LegacyTestClient.connect(two.listening.coordinatorPort, 'leo');
    legacy.push(again);
    expect(await again.login()).toBe('1');
    const notifications = await again.startNotifications();
    expect(notifications.list).toContainEqual(['ALICE', String(alice.user.id), true, joined.public_key]);
    expect(notifications.unread).toEqual([]);
  });
});
