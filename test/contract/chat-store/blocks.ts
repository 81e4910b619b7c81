import { expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../src/store/errors.js';
import { type Fixture, messageOf } from './fixture.js';

export function blocksContract(f: Fixture): void {
  it('records a block once, lists it, and lifts it; nobody blocks themselves or a missing user', async () => {
    const [a, b, c] = await f.users(3, 'blocker');
    await expect(f.store.block(a!.id, b!.id, 10)).resolves.toBe(true);
    await expect(f.store.block(a!.id, b!.id, 10)).resolves.toBe(false);
    await expect(f.store.block(a!.id, c!.id, 10)).resolves.toBe(true);
    await expect(f.store.blockedBy(a!.id)).resolves.toEqual([b!.id, c!.id]);
    await expect(f.store.isBlocked(a!.id, b!.id)).resolves.toBe(true);
    // One way only.
    await expect(f.store.isBlocked(b!.id, a!.id)).resolves.toBe(false);
    await expect(f.store.unblock(a!.id, b!.id)).resolves.toBe(true);
    await expect(f.store.unblock(a!.id, b!.id)).resolves.toBe(false);
    await expect(f.store.blockedBy(a!.id)).resolves.toEqual([c!.id]);
    await expect(f.store.block(a!.id, a!.id, 10)).rejects.toBeInstanceOf(ConflictError);
    await expect(f.store.block(a!.id, 99_999_999, 10)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('holds a user to `max` blocks; blocking one already blocked again is no new block', async () => {
    const [a, b, c, d] = await f.users(4, 'block-cap');
    await f.store.block(a!.id, b!.id, 2);
    await f.store.block(a!.id, c!.id, 2);
    await expect(f.store.block(a!.id, b!.id, 2)).resolves.toBe(false);
    await expect(f.store.block(a!.id, d!.id, 2)).rejects.toThrow(
      new ConflictError('you have blocked 2 users, the most there may be: unblock one first'),
    );
    await f.store.unblock(a!.id, b!.id);
    await expect(f.store.block(a!.id, d!.id, 2)).resolves.toBe(true);
  });

  it('refuses a message from the blocked into the direct conversation, stores nothing, and lets the blocker write', async () => {
    const [victim, pest] = await f.users(2, 'dm-block');
    const direct = await f.direct(victim!, pest!);
    messageOf(await f.send(pest!, direct, 'before'));
    await f.store.block(victim!.id, pest!.id, 10);
    const before = await f.lastSeq(direct);
    await expect(f.send(pest!, direct, 'after the block')).resolves.toEqual({ status: 'forbidden', blocked: true });
    expect(await f.lastSeq(direct)).toBe(before);
    // A batch mixing it with other items decides each on its own.
    const other = await f.user('dm-block-other');
    const elsewhere = await f.direct(pest!, other);
    const outcomes = await f.store.commitMessages([
      f.item(pest!, direct, 'again'),
      f.item(pest!, elsewhere, 'fine'),
      f.item(victim!, direct, 'from the blocker'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['forbidden', 'stored', 'stored']);
    expect(outcomes[0]).toEqual({ status: 'forbidden', blocked: true });
    await f.store.unblock(victim!.id, pest!.id);
    expect((await f.send(pest!, direct, 'after unblocking')).status).toBe('stored');
  });

  it('a block does not touch groups they share: messages there are stored', async () => {
    const [victim, pest] = await f.users(2, 'group-block');
    const group = await f.group(victim!, [pest!]);
    await f.store.block(victim!.id, pest!.id, 10);
    expect((await f.send(pest!, group.id, 'in the group')).status).toBe('stored');
  });

  it('refuses to put a user into a group by someone they blocked, naming them; nothing changes', async () => {
    const [victim, pest, friend] = await f.users(3, 'add-block');
    await f.store.block(victim!.id, pest!.id, 10);
    await expect(f.store.createGroup(pest!.id, 'forced', [victim!.id, friend!.id])).rejects.toThrow(
      new ForbiddenError(`${victim!.name} does not accept group adds from you`),
    );
    await expect(f.store.conversationsOf(friend!.id)).resolves.toEqual([]);
    const group = await f.group(pest!, [friend!]);
    const seq = await f.lastSeq(group.id);
    await expect(f.store.changeMembership(pest!.id, group.id, { type: 'add', userId: victim!.id })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await f.lastSeq(group.id)).toBe(seq);
    // Someone they did not block still can.
    const byFriend = await f.group(friend!, [victim!]);
    expect((await f.store.memberOf(byFriend.id, victim!.id))?.leftSeq).toBeNull();
  });
}
