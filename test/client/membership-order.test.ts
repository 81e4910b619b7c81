import { expect, it } from 'vitest';
import { useServerWithClients } from '../support/client-harness.js';

const { clients } = useServerWithClients();

/**
 * Found by the day journey: carol typed a line to the group, then `/group add bob` at once. The add went
 * straight to the server while the line was still being sealed and sent, so the line was stored after
 * bob's add, inside his window but sealed for the members before him: he held a message he could not
 * read. A membership change now waits for what the client queued for the group before it.
 */
it('a member added right after a message is queued to the group is added after that message is stored', async () => {
  const [carol, alice, bob] = [await clients.open('carol', 'signup'), await clients.open('alice', 'signup'), await clients.open('bob', 'signup')];
  const { conversation } = await carol.request({ t: 'group_create', name: 'team', members: [alice.user.id] });
  const team = conversation.conversation;

  const lines = ['said before bob was added', 'and one more before'];
  const queued = [];
  for (const line of lines) queued.push(await carol.send({ conversation: team }, line));
  const added = await carol.changeMembers('group_add', team, bob.user.id);
  const receipts = await Promise.all(queued.map((q) => q.acked));

  expect(receipts.map((r) => r.seq).every((seq) => seq < added.seq)).toBe(true);
  // Bob's window opens at his add: nothing of carol's before it is in his history.
  const history = await bob.history(team);
  expect(history.filter((m) => m.kind === 'message')).toEqual([]);
});
