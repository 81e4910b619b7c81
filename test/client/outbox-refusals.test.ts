import { describe, expect, it } from 'vitest';
import { SendError } from '../../src/client/errors.js';
import { collect, useServerWithClients } from '../support/client-harness.js';

const { clients } = useServerWithClients();

describe('a message the server refuses for good', () => {
  it('into a group just left: fails with its reason and leaves the queue; later sends go on; a re-add does not post it', async () => {
    const alice = await clients.open('alice', 'signup');
    const bob = await clients.open('bob', 'signup');
    const bobInbox = collect(bob);
    const failures: Array<{ cid: string; code: string }> = [];
    alice.on('failed', (f) => failures.push(f));
    const { conversation } = (await bob.request({ t: 'group_create', name: 'team', members: [alice.user.id] })).conversation;
    await (
      await alice.send({ conversation }, 'before leaving')
    ).acked;
    await alice.request({ t: 'group_leave', conversation });

    const stale = await alice.send({ conversation }, 'after leaving');
    const error = await stale.acked.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SendError);
    expect(failures).toEqual([expect.objectContaining({ cid: stale.cid })]);
    expect(alice.outbox.entries().map((e) => e.cid)).not.toContain(stale.cid);
    // Nothing waits behind it.
    await (
      await alice.send({ user: bob.user.id }, 'a direct message')
    ).acked;
    await bobInbox.until((m) => m.some((x) => x.text === 'a direct message'), 'the direct message');
    // Back in the group: what failed stays failed.
    await bob.request({ t: 'group_add', conversation, user: alice.user.id });
    await (
      await alice.send({ conversation }, 'after the re-add')
    ).acked;
    await bobInbox.until((m) => m.some((x) => x.text === 'after the re-add'), 'the message after the re-add');
    expect(bobInbox.texts()).not.toContain('after leaving');
    expect(alice.outbox.size).toBe(0);
  }, 60_000);
});
