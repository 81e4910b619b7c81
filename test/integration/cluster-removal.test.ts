import { expect, it } from 'vitest';
import type { Memberships } from '../../src/server/delivery/memberships.js';
import { describePostgres } from '../support/databases.js';
import { testCluster } from '../support/test-cluster.js';

/**
 * Holds back what a node's membership cache hears from other nodes (as while their NOTIFY is on its
 * way): reloads keep the entry it has. Returns the undo.
 */
function staleCache(memberships: Memberships): () => void {
  const { refresh, clear } = memberships;
  memberships.refresh = (id) => memberships.get(id);
  memberships.clear = () => undefined;
  return () => Object.assign(memberships, { refresh, clear });
}

describePostgres('removal across nodes', (postgres) => {
  const cluster = testCluster();
  it('a member removed on node A while node B still thinks them current never receives, live or by history, what B commits after the removal', async () => {
    const url = await postgres.databaseWithSchema();
    const [a, b] = [await cluster.node(url), await cluster.node(url)];
    const [alice, bob, carol] = [await cluster.user(a, 'alice'), await cluster.user(b, 'bob'), await cluster.user(b, 'carol')];
    const { conversation } = await alice.rpc.request({ t: 'group_create', name: 'trio', members: [bob.id, carol.id] });
    const group = conversation.conversation;
    await alice.send({ conversation: group }, 'before');
    await carol.until(() => carol.texts(group).includes('before'), 'the first message on node B');

    const fresh = staleCache(b.core.services.memberships);
    try {
      await alice.rpc.request({ t: 'group_remove', conversation: group, user: carol.id });
      const removal = await carol.waitForPush('msg', (m) => m.conversation === group && m.kind === 'member_removed');
      // Node B's cache still lists carol as a member, so its fan-out offers her bob's message.
      expect((await b.core.services.memberships.get(group))?.members.get(carol.id)?.leftSeq).toBeNull();
      await bob.send({ conversation: group }, 'after carol was removed');
      await bob.until(() => bob.texts(group).includes('after carol was removed'), 'bob sees his own message');

      // Everything B meant to send carol has been sent: her feed is idle and a request behind it answered.
      for (const session of b.core.services.presence.sessionsOf(carol.id)) await session.feeds.get(group)?.whenIdle();
      await carol.rpc.request({ t: 'ping' });
      expect(carol.texts(group)).toEqual(['before']);
      expect(carol.messages(group, 'any').at(-1)?.seq).toBe(removal.seq);

      const { messages } = await carol.rpc.request({ t: 'history', conversation: group });
      expect(messages.at(-1)?.seq).toBe(removal.seq);
      expect(messages.map((m) => m.seq).every((seq) => seq <= removal.seq)).toBe(true);
    } finally {
      fresh();
    }
  });
});
