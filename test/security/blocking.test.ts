import { expect, it } from 'vitest';
import { collect, useServerWithClients } from '../support/client-harness.js';
import { refusal } from '../support/refusal.js';

const world = useServerWithClients();
const { clients } = world;

/**
 * Finding 8 of the second security review (issue 17), its blocking half: anyone could write to anyone
 * and put anyone into any number of groups, and there was no way to block a user. `block` stops a
 * user's direct messages (refused at commit, stored nowhere, the sender told) and their group adds
 * (group_create and group_add refused, naming who blocked them); groups already shared stay as they are.
 */

it('finding 8: a blocked user cannot write to the blocker, open a conversation with them, or put them into a group; the sender is told', async () => {
  const alice = await clients.open('alice', 'signup');
  const mallory = await clients.open('mallory', 'signup');
  const carol = await clients.open('carol', 'signup');
  const aliceSees = collect(alice);
  await mallory.send({ user: alice.user.id }, 'hello before');
  await aliceSees.until((m) => m.some((x) => x.text === 'hello before'), 'the first message');
  const { conversation: direct } = await mallory.request({ t: 'open_direct', user: alice.user.id });

  await alice.block(mallory.user.id);
  expect((await alice.blocked()).map((u) => u.name)).toEqual(['mallory']);

  const refused = 'forbidden: alice does not take direct messages from you (they blocked you)';
  expect(await refusal(mallory.request({ t: 'send', conversation: direct.conversation, cid: 'after-block', body: Buffer.from('x') }))).toBe(
    refused,
  );
  expect(await refusal(mallory.request({ t: 'open_direct', user: alice.user.id }))).toBe(refused);
  // Through the client: the message fails with the reason, it is not lost without a word.
  const failures: string[] = [];
  mallory.on('failed', (f) => failures.push(f.message));
  await mallory.send({ user: alice.user.id }, 'are you ignoring me').catch((error: unknown) => failures.push(String(error)));
  await expect.poll(() => failures.join('\n')).toContain('does not take direct messages from you');

  expect(await refusal(mallory.request({ t: 'group_create', name: 'forced', members: [alice.user.id, carol.user.id] }))).toBe(
    'forbidden: alice does not accept group adds from you',
  );
  const { conversation: group } = await mallory.request({ t: 'group_create', name: 'mine', members: [carol.user.id] });
  expect(await refusal(mallory.request({ t: 'group_add', conversation: group.conversation, user: alice.user.id }))).toBe(
    'forbidden: alice does not accept group adds from you',
  );
  // Nothing reached alice: her history with mallory ends at the first message, and she is in no group.
  const history = await alice.history(direct.conversation);
  expect(history.filter((m) => m.kind === 'message').map((m) => m.text)).toEqual(['hello before']);
  expect([...alice.conversations.values()].filter((c) => c.kind === 'group')).toEqual([]);

  // alice can still write to mallory; and carol, whom she did not block, can still add her.
  await alice.send({ user: mallory.user.id }, 'stop it');
  const { conversation: carols } = await carol.request({ t: 'group_create', name: 'book club', members: [alice.user.id] });
  expect(carols.members.map((m) => m.user)).toContain(alice.user.id);

  // Lifted, mallory writes again.
  await alice.unblock(mallory.user.id);
  expect(await alice.blocked()).toEqual([]);
  expect(
    await refusal(mallory.request({ t: 'send', conversation: direct.conversation, cid: 'after-unblock', body: Buffer.from('x') })),
  ).toBe('ok');
});

it('finding 8: a block holds for groups only as far as adds: a group both are already in carries both', async () => {
  const alice = await clients.open('alice', 'signup');
  const mallory = await clients.open('mallory', 'signup');
  const { conversation: group } = await mallory.request({ t: 'group_create', name: 'before', members: [alice.user.id] });
  await alice.block(mallory.user.id);
  const aliceSees = collect(alice);
  await mallory.send({ conversation: group.conversation }, 'in the shared group');
  await aliceSees.until((m) => m.some((x) => x.text === 'in the shared group'), 'the group message');
  // And she can leave it.
  await alice.request({ t: 'group_leave', conversation: group.conversation });
});
