import { expect, it } from 'vitest';
import type { ChatClient } from '../../src/client/chat-client.js';
import { SendError } from '../../src/client/errors.js';
import { parseEnvelope } from '../../src/crypto/envelope.js';
import { collect, useServerWithClients } from '../support/client-harness.js';

const world = useServerWithClients();
const { clients } = world;

/**
 * Finding 3 of the second security review (issue 17), its group half: recipients came from the
 * server's member list, so a malicious server could slip a reader into a group and every member's
 * client encrypted to it without a word. Here the operator edits the database by hand, and a client
 * encrypts only to members it saw added by a membership row (or that were there before it came), until
 * its user accepts the stranger.
 */

async function refusal(client: ChatClient, conversation: number, text: string): Promise<unknown> {
  return (await client.send({ conversation }, text)).acked.then(
    () => undefined,
    (error: unknown) => error,
  );
}

async function lastSeq(client: ChatClient, conversation: number): Promise<number> {
  const { conversations } = await client.request({ t: 'conversations' });
  return conversations.find((c) => c.conversation === conversation)!.lastSeq;
}

/** alice's group with bob, one message in it, and mallory signed up; alice's client closed after. */
async function groupWithOneMessage() {
  const home = await clients.home();
  const alice = await clients.open('alice', 'signup', { home });
  const bob = await clients.open('bob', 'signup');
  const mallory = await clients.open('mallory', 'signup');
  const bobInbox = collect(bob);
  const { conversation } = await alice.request({ t: 'group_create', name: 'team', members: [bob.user.id] });
  const group = conversation.conversation;
  await (
    await alice.send({ conversation: group }, 'before')
  ).acked;
  await bobInbox.until((m) => m.some((x) => x.text === 'before'), 'the first message at bob');
  await alice.close();
  return { home, alice, bob, mallory, bobInbox, group };
}

it('finding 3: a group member the server slipped in as a founder, with no membership row, is encrypted to by no one until the user accepts them', async () => {
  const { home, bobInbox, mallory, group } = await groupWithOneMessage();
  const malloryInbox = collect(mallory);
  await world.server.database.query("INSERT INTO members (conversation_id, user_id, role, joined_seq) VALUES ($1, $2, 'member', 0)", [
    group,
    mallory.user.id,
  ]);
  await world.server.core.services.memberships.refresh(group); // the server delivers to her too
  const again = await clients.open('alice', 'login', { home });
  const before = await lastSeq(again, group);

  const refused = await refusal(again, group, 'for the team only');
  expect(refused).toBeInstanceOf(SendError);
  expect((refused as SendError).code).toBe('untrusted_members');
  expect((refused as SendError).message).toContain('mallory');
  expect((refused as SendError).message).toContain('/accept mallory');
  expect(await lastSeq(again, group)).toBe(before); // sealed for no one, stored nowhere

  // The user checked: mallory belongs. From then on she is encrypted to, like the others.
  await again.acceptMember(group, mallory.user.id);
  await (
    await again.send({ conversation: group }, 'welcome mallory')
  ).acked;
  await malloryInbox.until((m) => m.some((x) => x.text === 'welcome mallory'), 'the message at mallory');
  await bobInbox.until((m) => m.some((x) => x.text === 'welcome mallory'), 'the message at bob');
  expect(malloryInbox.texts()).not.toContain('for the team only');
});

it('finding 3: a member slipped in with a join point whose row is a message, not their addition, is refused', async () => {
  const { home, mallory, group } = await groupWithOneMessage();
  const seqOfBefore = (
    await world.server.database.query<{ seq: number }>(
      "SELECT max(seq)::int AS seq FROM messages WHERE conversation_id = $1 AND kind = 'message'",
      [group],
    )
  ).rows[0]!.seq;
  await world.server.database.query("INSERT INTO members (conversation_id, user_id, role, joined_seq) VALUES ($1, $2, 'member', $3)", [
    group,
    mallory.user.id,
    seqOfBefore - 1,
  ]);
  const again = await clients.open('alice', 'login', { home });
  const refused = await refusal(again, group, 'not for mallory');
  expect((refused as SendError).code).toBe('untrusted_members');
});

it('finding 3: a removed member put back silently under their old join point is not encrypted to; added again by an admin, they are', async () => {
  const home = await clients.home();
  const alice = await clients.open('alice', 'signup', { home });
  const bob = await clients.open('bob', 'signup');
  const mallory = await clients.open('mallory', 'signup');
  const [bobInbox, malloryInbox] = [collect(bob), collect(mallory)];
  const { conversation } = await alice.request({ t: 'group_create', name: 'team', members: [bob.user.id] });
  const group = conversation.conversation;
  await (
    await alice.send({ conversation: group }, 'one')
  ).acked;
  await alice.changeMembers('group_add', group, mallory.user.id);
  await (
    await alice.send({ conversation: group }, 'two, mallory too')
  ).acked;
  const { rows } = await world.server.database.query<{ joined: number }>(
    'SELECT joined_seq::int AS joined FROM members WHERE conversation_id = $1 AND user_id = $2',
    [group, mallory.user.id],
  );
  await alice.changeMembers('group_remove', group, mallory.user.id);
  await (
    await alice.send({ conversation: group }, 'three, without mallory')
  ).acked;
  await alice.close();

  await world.server.database.query('UPDATE members SET left_seq = NULL WHERE conversation_id = $1 AND user_id = $2', [
    group,
    mallory.user.id,
  ]);
  await world.server.core.services.memberships.refresh(group); // the server delivers to her again
  const again = await clients.open('alice', 'login', { home });
  expect(again.conversations.get(group)!.members.find((m) => m.user === mallory.user.id)?.joinedSeq).toBe(rows[0]!.joined);
  // Alice's client read her removal: the listing is older than that row (as when the push saying so is
  // still on its way), and she is left out: no session key is wrapped for her.
  const four = await (await again.send({ conversation: group }, 'four')).acked;
  await bobInbox.until((m) => m.some((x) => x.text === 'four'), 'four at bob');
  const stored = await world.server.core.services.store.messagesAfter(group, four.seq - 1, null, 1);
  expect(parseEnvelope(stored[0]!.body).wrappedKeyFor(mallory.user.id)).toBeUndefined();

  // Undo the edit; an admin (alice) adds her again, with a row everyone sees.
  await world.server.database.query('DELETE FROM members WHERE conversation_id = $1 AND user_id = $2', [group, mallory.user.id]);
  await again.request({ t: 'group_add', conversation: group, user: mallory.user.id });
  await (
    await again.send({ conversation: group }, 'five, mallory again')
  ).acked;
  await malloryInbox.until((m) => m.some((x) => x.text === 'five, mallory again'), 'five at mallory');
});

it('finding 3: members an admin adds while this client is away, or while it sends, are encrypted to without a word', async () => {
  const home = await clients.home();
  const alice = await clients.open('alice', 'signup', { home });
  const bob = await clients.open('bob', 'signup');
  const carol = await clients.open('carol', 'signup');
  const dave = await clients.open('dave', 'signup');
  const carolInbox = collect(carol);
  const daveInbox = collect(dave);
  const { conversation } = await bob.request({ t: 'group_create', name: 'team', members: [alice.user.id] });
  const group = conversation.conversation;
  await (
    await alice.send({ conversation: group }, 'hello bob')
  ).acked;
  await alice.close();

  await bob.changeMembers('group_add', group, carol.user.id); // while alice is away
  const again = await clients.open('alice', 'login', { home, start: false });
  await again.start();
  await (
    await again.send({ conversation: group }, 'hello carol')
  ).acked;
  await carolInbox.until((m) => m.some((x) => x.text === 'hello carol'), 'the message at carol');

  // Added while alice sends: her client may know the member list before it reads the membership row.
  await bob.changeMembers('group_add', group, dave.user.id);
  const sends = await Promise.all([1, 2, 3].map((i) => again.send({ conversation: group }, `hello all ${i}`)));
  await Promise.all(sends.map((s) => s.acked));
  await (
    await again.send({ conversation: group }, 'hello dave')
  ).acked;
  await daveInbox.until((m) => m.some((x) => x.text === 'hello dave'), 'the message at dave');
});
