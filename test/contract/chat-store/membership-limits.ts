import { expect, it } from 'vitest';
import type { MembershipLimits } from '../../../src/store/chat-store.js';
import { ConflictError } from '../../../src/store/errors.js';
import type { Fixture } from './fixture.js';

/** How far groups may grow (protocol.md § Limits: GROUP_SIZE_MAX, GROUPS_PER_USER_MAX), small here. */
const LIMITS: MembershipLimits = { membersPerGroup: 4, groupsPerUser: 2 };

export function membershipLimitsContract(f: Fixture): void {
  it('holds a user to `groupsPerUser` current groups, by create and by add, naming them; a left group or a direct conversation does not count', async () => {
    const [owner, x, y] = await f.users(3, 'in-groups');
    await f.direct(owner!, x!);
    const first = await f.store.createGroup(owner!.id, 'first', [x!.id], LIMITS);
    await f.store.createGroup(owner!.id, 'second', [x!.id, y!.id], LIMITS);
    const full = `${x!.name} is already in 2 groups, the most one user can be in: they must leave one first`;
    await expect(f.store.createGroup(y!.id, 'third', [x!.id], LIMITS)).rejects.toThrow(new ConflictError(full));
    // owner is in two as well: both named, in one refusal.
    await expect(f.store.createGroup(y!.id, 'third', [x!.id, owner!.id], LIMITS)).rejects.toThrow(
      new ConflictError(
        `${[owner!.name, x!.name].sort().join(', ')} are already in 2 groups, the most one user can be in: each must leave one first`,
      ),
    );
    const { conversation: third } = await f.store.createGroup(y!.id, 'third', [], LIMITS);
    await expect(f.store.changeMembership(y!.id, third.id, { type: 'add', userId: x!.id }, LIMITS)).rejects.toThrow(
      new ConflictError(full),
    );
    // Leaving one makes room.
    await f.store.changeMembership(x!.id, first.conversation.id, { type: 'leave' }, LIMITS);
    await expect(f.store.changeMembership(y!.id, third.id, { type: 'add', userId: x!.id }, LIMITS)).resolves.toMatchObject({
      kind: 'member_added',
    });
  });

  it('holds a group to `membersPerGroup` current members, at create and at add', async () => {
    const [owner, a, b, c, d] = await f.users(5, 'group-size');
    await expect(f.store.createGroup(owner!.id, 'too big', [a!.id, b!.id, c!.id, d!.id], LIMITS)).rejects.toThrow(
      new ConflictError('a group can have at most 4 members (5 given, you included)'),
    );
    const { conversation } = await f.store.createGroup(owner!.id, 'just right', [a!.id, b!.id, c!.id], LIMITS);
    await expect(f.store.changeMembership(owner!.id, conversation.id, { type: 'add', userId: d!.id }, LIMITS)).rejects.toThrow(
      new ConflictError('#just right has 4 members, the most a group can have'),
    );
    await f.store.changeMembership(owner!.id, conversation.id, { type: 'remove', userId: c!.id }, LIMITS);
    await expect(f.store.changeMembership(owner!.id, conversation.id, { type: 'add', userId: d!.id }, LIMITS)).resolves.toMatchObject({
      kind: 'member_added',
    });
  });

  it('counts adds of one user racing into different groups one after the other: exactly the room left is taken', async () => {
    for (let round = 0; round < 5; round++) {
      const [x, a, b, c] = await f.users(4, 'racing-adds');
      await f.store.createGroup(a!.id, 'already', [x!.id], LIMITS);
      const { conversation: g1 } = await f.store.createGroup(a!.id, 'g1', [], LIMITS);
      const { conversation: g2 } = await f.store.createGroup(b!.id, 'g2', [], LIMITS);
      // One slot left for x; three transactions, from three admins, want it at once.
      const outcomes = await Promise.allSettled([
        f.store.changeMembership(a!.id, g1.id, { type: 'add', userId: x!.id }, LIMITS),
        f.store.changeMembership(b!.id, g2.id, { type: 'add', userId: x!.id }, LIMITS),
        f.store.createGroup(c!.id, 'g3', [x!.id], LIMITS),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ConflictError);
      const groups = (await f.store.conversationsOf(x!.id)).filter((v) => v.conversation.kind === 'group' && v.self.leftSeq === null);
      expect(groups).toHaveLength(2);
    }
  });
}
