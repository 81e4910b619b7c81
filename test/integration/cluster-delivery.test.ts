import pg from 'pg';
import { expect, it } from 'vitest';
import { CLUSTER_CHANNEL } from '../../src/server/cluster/cluster-events.js';
import { describePostgres } from '../support/databases.js';
import { testCluster } from '../support/test-cluster.js';

describePostgres('delivery across nodes', (postgres) => {
  const cluster = testCluster();
  it('users on two processes sharing PostgreSQL chat live: messages, typing, receipts, groups and presence cross by NOTIFY', async () => {
    const url = await postgres.databaseWithSchema();
    const [a, b] = [await cluster.node(url), await cluster.node(url)];
    const [alice, bob] = [await cluster.user(a, 'alice'), await cluster.user(b, 'bob')];

    const { conversation } = await alice.send({ to: bob.id }, 'hello from node A');
    await bob.until(() => bob.texts(conversation).includes('hello from node A'), 'the message on node B');
    await bob.send({ conversation }, 'and back from node B');
    await alice.until(() => alice.texts(conversation).includes('and back from node B'), 'the reply on node A');
    expect(bob.texts(conversation)).toEqual(['hello from node A', 'and back from node B']);

    await bob.rpc.request({ t: 'typing', conversation });
    await alice.waitForPush('typing', (p) => p.user === bob.id);
    await bob.rpc.request({ t: 'receipt', conversation, read: 2 });
    await alice.waitForPush('receipt', (p) => p.user === bob.id && p.readSeq === 2);

    const { conversation: group } = await alice.rpc.request({ t: 'group_create', name: 'across', members: [bob.id] });
    await bob.waitForPush('conversation', (p) => p.conversation === group.conversation);
    await alice.send({ conversation: group.conversation }, 'group hello');
    await bob.until(() => bob.texts(group.conversation).includes('group hello'), 'the group message on node B');
    await alice.rpc.request({ t: 'group_remove', conversation: group.conversation, user: bob.id });
    await bob.waitForPush('msg', (m) => m.conversation === group.conversation && m.kind === 'member_removed');
    await alice.send({ conversation: group.conversation }, 'after bob left');
    await alice.until(() => alice.texts(group.conversation).includes('after bob left'), 'alice sees her own');
    await new Promise((r) => setTimeout(r, 300));
    expect(bob.texts(group.conversation)).toEqual(['group hello']);

    await alice.close();
    cluster.release(alice);
    await bob.waitForPush('presence', (p) => p.user === alice.id && !p.online);
  });

  it('a node that sees another go away catches up from the database what that node acknowledged but never announced', async () => {
    const url = await postgres.databaseWithSchema();
    const [a, b] = [await cluster.node(url), await cluster.node(url)];
    const [alice, bob] = [await cluster.user(a, 'alice'), await cluster.user(b, 'bob')];
    const { conversation } = await alice.send({ to: bob.id }, 'hello from node A');
    await bob.until(() => bob.texts(conversation).includes('hello from node A'), 'the message on node B');

    // B commits and acknowledges, then goes before its NOTIFY is out (as a node killed between the two).
    b.core.services.cluster!.announce = () => undefined;
    const { seq } = await bob.send({ conversation }, 'acknowledged, never announced');
    expect(seq).toBe(2);
    cluster.release(b);
    await b.stop();

    await alice.until(() => alice.texts(conversation).includes('acknowledged, never announced'), 'the unannounced message on node A');
    expect(alice.texts(conversation)).toEqual(['hello from node A', 'acknowledged, never announced']);
  });

  it('a node alone sends no NOTIFY; a node that joins meanwhile catches up what it was not told', async () => {
    const url = await postgres.databaseWithSchema();
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query(`LISTEN ${CLUSTER_CHANNEL}`);
    try {
      // Slow heartbeats: A learns of B only at its next beat, 4 s after its first.
      const SLOW = { nodeTimeoutMs: 20_000, heartbeatMs: 4000 };
      const a = await cluster.node(url, { cluster: SLOW });
      const alice = await cluster.user(a, 'alice');
      await alice.send({ to: (await cluster.user(a, 'carol')).id }, 'nobody else to tell');
      await new Promise((r) => setTimeout(r, 200));
      expect(heard).toEqual([]);

      const b = await cluster.node(url, { cluster: SLOW });
      const bob = await cluster.user(b, 'bob');
      expect(a.core.services.cluster!.nodes).toHaveLength(1); // A still believes it is alone
      const { conversation } = await alice.send({ to: bob.id }, 'sent before A knew of B');
      await bob.until(
        () => bob.texts(conversation).includes('sent before A knew of B'),
        'the catch-up of the message A did not announce',
        15_000,
      );
      expect(bob.texts(conversation)).toEqual(['sent before A knew of B']);
      await expect.poll(() => heard.length, { timeout: 10_000 }).toBeGreaterThan(0); // once A knows B, it announces
    } finally {
      await listener.end();
    }
  }, 40_000);
});
