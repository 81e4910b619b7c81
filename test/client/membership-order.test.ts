import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { ConnectionClosedError } from '../../src/client/errors.js';
import { collect, useServerWithClients } from '../support/client-harness.js';
import { startRefusalProxy, type RefusalProxy } from '../support/refusal-proxy.js';

const world = useServerWithClients();
const { clients } = world;
let started: RefusalProxy | undefined;
afterEach(async () => {
  await started?.close();
  started = undefined;
});

/** Alice, bob, and carol behind a proxy (her requests and replies can be held); #team is carol's, with alice. */
async function teamWithCarolBehindProxy(carolOptions: { timeoutMs?: number } = {}) {
  const proxy = (started = await startRefusalProxy({ host: '127.0.0.1', port: world.server.listening.ports[0]! }));
  const alice = await clients.open('alice', 'signup');
  const bob = await clients.open('bob', 'signup');
  const carol = await clients.open('carol', 'signup', { coordinatorPort: proxy.coordinatorPort, ...carolOptions });
  const { conversation } = await carol.request({ t: 'group_create', name: 'team', members: [alice.user.id] });
  return { proxy, alice, bob, carol, team: conversation.conversation };
}

/**
 * Found by the day journey: carol typed a line to the group, then `/group add bob` at once. The add went
 * straight to the server while the line was still being sealed and sent, so the line was stored after
 * bob's add, inside his window but sealed for the members before him: he held a message he could not
 * read. A membership change now waits for what the client queued for the group before it.
 */
it('a member added right after a message is queued to the group is added after that message is stored', async () => {
  const [carol, alice, bob] = [
    await clients.open('carol', 'signup'),
    await clients.open('alice', 'signup'),
    await clients.open('bob', 'signup'),
  ];
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

/** The wait had a 10 s cap: under two CPU hogs the day journey's line was acked after it, and stored after bob's add. */
const OLD_CAP_MS = 10_000;

it('the change waits for the queued message however long its ack takes: no deadline lets it overtake', async () => {
  // Carol's own request deadline far off, so that only the held ack can end the wait.
  const { proxy, bob, carol, team } = await teamWithCarolBehindProxy({ timeoutMs: 120_000 });

  const hold = proxy.holdNextSendReply();
  const queued = await carol.send({ conversation: team }, 'said before bob was added');
  await hold.held; // stored by the server; its ack waits at the proxy
  const addSent = proxy.nextRequest('group_add');
  const adding = carol.changeMembers('group_add', team, bob.user.id);
  // Not a wait for an event: the absence of one, for longer than the old cap.
  const first = await Promise.race([
    addSent.then(() => 'the add went out'),
    sleep(OLD_CAP_MS + 2000).then(() => 'still waiting for the ack'),
  ]);
  expect(first).toBe('still waiting for the ack');

  hold.release();
  const receipt = await queued.acked;
  const added = await adding;
  expect(receipt.seq).toBeLessThan(added.seq);
}, 60_000);

it('a change waiting for queued messages fails with connection_closed when the client closes, and sends nothing', async () => {
  const { proxy, alice, bob, carol, team } = await teamWithCarolBehindProxy();

  const hold = proxy.holdNextSendReply();
  await carol.send({ conversation: team }, 'said before bob was added');
  await hold.held;
  const adding = carol.changeMembers('group_add', team, bob.user.id);
  const closing = carol.close(0);

  await expect(adding).rejects.toBeInstanceOf(ConnectionClosedError);
  await closing;
  const { conversations } = await alice.request({ t: 'conversations' });
  expect(conversations.find((c) => c.conversation === team)!.members.map((m) => m.user)).toEqual(
    [carol.user.id, alice.user.id].sort((a, b) => a - b),
  );
});

/**
 * Found by the day journey (its wait for "added bob" matched the group's first event, so it typed at
 * once): a line typed while `/group add bob` was on its way was sealed for the members before him, sent
 * behind the add and stored after it, in his window: "UNDECRYPTABLE (no_session_key)". A line queued
 * while the change is on its way now waits, unsealed, and is sealed for the members the change makes.
 */
it('a message queued while an add is on its way is sealed for the members the add makes: the new member reads it', async () => {
  const { proxy, bob, carol, team } = await teamWithCarolBehindProxy();
  const inbox = collect(bob);

  const hold = proxy.holdNextRequest('group_add');
  const adding = carol.changeMembers('group_add', team, bob.user.id);
  await hold.held;
  const sent = await carol.send({ conversation: team }, 'welcome bob');
  // A sender that does not wait seals and sends it now, behind the held add: give it the chance to.
  await Promise.race([proxy.nextRequest('send'), sleep(2000)]);
  hold.release();

  const added = await adding;
  const receipt = await sent.acked;
  expect(receipt.seq).toBeGreaterThan(added.seq);
  await inbox.until((m) => m.some((x) => x.seq === receipt.seq), 'the line at bob');
  expect(inbox.messages.find((x) => x.seq === receipt.seq)).toMatchObject({ trust: 'verified', text: 'welcome bob' });
});
