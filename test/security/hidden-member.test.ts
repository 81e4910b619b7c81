import { expect, it } from 'vitest';
import { SendError } from '../../src/client/errors.js';
import { collect, useServerWithClients } from '../support/client-harness.js';

const world = useServerWithClients();
const { clients } = world;

/**
 * Finding 3 of the second security review (issue 17), its direct-conversation half: a malicious server
 * could add a hidden member to a direct conversation, and the sender's client encrypted to it without
 * a word (recipients came from the server's member list; nothing checked that a DM has exactly two).
 * Here the operator edits the database by hand: the client refuses to encrypt to anyone.
 */
it('finding 3: a direct conversation the server lists with a third member is not encrypted to anyone', async () => {
  const home = await clients.home();
  const alice = await clients.open('alice', 'signup', { home });
  const bob = await clients.open('bob', 'signup');
  const mallory = await clients.open('mallory', 'signup');
  const bobInbox = collect(bob);
  await (
    await alice.send({ user: bob.user.id }, 'before')
  ).acked;
  await bobInbox.until((m) => m.some((x) => x.text === 'before'), 'the first message at bob');
  const { conversations } = await alice.request({ t: 'conversations' });
  const direct = conversations.find((c) => c.kind === 'direct')!.conversation;
  await alice.close();

  // The server's operator slips mallory into the conversation; alice's next session is told so.
  await world.server.database.query("INSERT INTO members (conversation_id, user_id, role, joined_seq) VALUES ($1, $2, 'member', 0)", [
    direct,
    mallory.user.id,
  ]);
  const again = await clients.open('alice', 'login', { home });
  const refused = await (
    await again.send({ user: bob.user.id }, 'for bob only')
  ).acked.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refused).toBeInstanceOf(SendError);
  expect((refused as SendError).code).toBe('untrusted_members');
  // Nothing was stored: the conversation's last row is still the first message.
  const { conversations: after } = await again.request({ t: 'conversations' });
  expect(after.find((c) => c.conversation === direct)!.lastSeq).toBe(1);
});
