import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { encodeEnvelope } from '../../src/crypto/envelope-format.js';
import { HISTORY_PAGE_MAX, HISTORY_REPLY_MAX_BYTES, MESSAGE_BODY_MAX_BYTES } from '../../src/protocol/index.js';
import { collect, useServerWithClients } from '../support/client-harness.js';

const { clients } = useServerWithClients();

/**
 * Finding 1 of the second security review (issue 17): any user could lock any other out of the
 * official client. 200 DMs of 64 KiB, then one envelope of a session whose key the victim never got:
 * the victim's reader pages back for the session's key carrier with `history limit 200`, a 12.8 MiB
 * reply, past the server's 8 MiB outbound limit; the server dropped the client as a slow consumer,
 * and the reconnect met the same message again, for ever. A history reply now stops at
 * HISTORY_REPLY_MAX_BYTES of bodies and says `more`.
 */
it('finding 1: 200 DMs of 64 KiB and an envelope of an unknown session do not lock the victim out', async () => {
  const victim = await clients.open('victim', 'signup');
  const attacker = await clients.open('mallory', 'signup');
  const inbox = collect(victim);
  const statuses: string[] = [];
  victim.on('status', (status) => statuses.push(status.state));

  // Eight at a time (the server's in-flight cap): 200 written at once would each wait behind all the
  // others' 12.8 MB, and a request's deadline would be spent in that queue on a busy machine.
  for (let i = 0; i < HISTORY_PAGE_MAX; i += 8) {
    await Promise.all(
      Array.from({ length: Math.min(8, HISTORY_PAGE_MAX - i) }, (_, j) =>
        attacker.request({ t: 'send', to: victim.user.id, cid: `flood-${i + j}`, body: randomBytes(MESSAGE_BODY_MAX_BYTES) }),
      ),
    );
  }
  const orphan = encodeEnvelope({
    sessionId: randomBytes(16),
    index: 7,
    wrappedKeys: [],
    iv: randomBytes(12),
    ciphertext: randomBytes(64),
    signature: randomBytes(256),
  });
  await attacker.request({ t: 'send', to: victim.user.id, cid: 'orphan', body: orphan });
  const after = await attacker.send({ user: victim.user.id }, 'after the flood');
  await after.acked;

  // The victim reads past all of it: the flood and the orphan as undecryptable, then the real one.
  await inbox.until((m) => m.some((x) => x.text === 'after the flood'), 'the message after the flood at the victim');
  expect(inbox.messages.filter((m) => m.kind === 'message')).toHaveLength(HISTORY_PAGE_MAX + 2);
  expect(inbox.messages.filter((m) => m.trust === 'undecryptable')).toHaveLength(HISTORY_PAGE_MAX + 1);
  // ...without ever being dropped, and can still send.
  expect(statuses).not.toContain('reconnecting');
  await expect((await victim.send({ user: attacker.user.id }, 'still here')).acked).resolves.toMatchObject({ seq: HISTORY_PAGE_MAX + 3 });
});

it('a history page of large messages stops within the reply limit, says more, and the client pages on to the whole page', async () => {
  const alice = await clients.open('alice', 'signup');
  const bob = await clients.open('bob', 'signup');
  const count = 40;
  for (let i = 0; i < count; i++)
    await bob.request({ t: 'send', to: alice.user.id, cid: `big-${i}`, body: randomBytes(MESSAGE_BODY_MAX_BYTES) });
  const { conversations } = await alice.request({ t: 'conversations' });
  const direct = conversations.find((c) => c.kind === 'direct')!.conversation;

  const reply = await alice.request({ t: 'history', conversation: direct, limit: count });
  const bodyBytes = reply.messages.reduce((sum, m) => sum + m.body.length, 0);
  expect(reply.more).toBe(true);
  expect(bodyBytes).toBeLessThanOrEqual(HISTORY_REPLY_MAX_BYTES);
  // The newest rows, the last one the newest of all.
  expect(reply.messages.at(-1)!.seq).toBe(count);
  expect(reply.messages.length).toBe(Math.floor(HISTORY_REPLY_MAX_BYTES / MESSAGE_BODY_MAX_BYTES));

  // The client's page is whole: every row of it once, in order.
  const page = await alice.history(direct, undefined, count);
  expect(page.map((m) => m.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
});
