import { expect, it } from 'vitest';
import type { MembershipChange, UserRecord } from '../../../src/store/chat-store.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../src/store/errors.js';
import { byUser, type Fixture, messageOf, text } from './fixture.js';

export function membershipContract(f: Fixture): void {
  const memberOf = async (conversationId: number, user: UserRecord) =>
    (await f.store.conversationMembers(conversationId))?.members.find((m) => m.userId === user.id);

  it('a member added later sees their own added event and nothing before it', async () => {
    const [admin, late] = await f.users(2, 'late');
    const group = await f.group(admin!, []);
    await f.send(admin!, group.id, 'before you came');
    const event = await f.store.changeMembership(admin!.id, group.id, { type: 'add', userId: late!.id });
    expect(event).toMatchObject({
      conversationId: group.id,
      seq: 3,
      kind: 'member_added',
      senderId: admin!.id,
      subjectId: late!.id,
    });
    expect(await memberOf(group.id, late!)).toEqual({
      userId: late!.id,
      role: 'member',
      joinedSeq: event.seq - 1,
      leftSeq: null,
      deliveredSeq: 0,
      readSeq: 0,
    });
    expect(await f.history(group.id)).toContainEqual(event);
    expect(messageOf(await f.send(late!, group.id, 'hello all')).seq).toBe(4);
  });

  it("a removed member's window ends at the removal event", async () => {
    const [admin, gone] = await f.users(2, 'removed');
    const group = await f.group(admin!, [gone!]);
    const event = await f.store.changeMembership(admin!.id, group.id, { type: 'remove', userId: gone!.id });
    expect(event).toMatchObject({ kind: 'member_removed', senderId: admin!.id, subjectId: gone!.id });
    expect(await memberOf(group.id, gone!)).toMatchObject({ joinedSeq: 0, leftSeq: event.seq });
    expect(await f.send(gone!, group.id, 'am I still here?')).toEqual({ status: 'forbidden' });
    expect(await f.lastSeq(group.id)).toBe(event.seq);
    const current = (await f.store.conversationsOf(admin!.id)).find((v) => v.conversation.id === group.id);
    expect(current?.members.map((m) => m.userId)).toEqual([admin!.id]);
  });

  it('memberOf reads one membership as committed: the window, and undefined for a user never in it', async () => {
    const [admin, gone, stranger] = await f.users(3, 'member-of');
    const group = await f.group(admin!, [gone!]);
    const event = await f.store.changeMembership(admin!.id, group.id, { type: 'remove', userId: gone!.id });
    expect(await f.store.memberOf(group.id, gone!.id)).toEqual(await memberOf(group.id, gone!));
    expect(await f.store.memberOf(group.id, gone!.id)).toMatchObject({ userId: gone!.id, joinedSeq: 0, leftSeq: event.seq });
    expect(await f.store.memberOf(group.id, admin!.id)).toMatchObject({ role: 'admin', leftSeq: null });
    expect(await f.store.memberOf(group.id, stranger!.id)).toBeUndefined();
  });

  it('leaving ends the window at the member_left event, which names the leaver', async () => {
    const [admin, leaver] = await f.users(2, 'leaver');
    const group = await f.group(admin!, [leaver!]);
    const event = await f.store.changeMembership(leaver!.id, group.id, { type: 'leave' });
    expect(event).toMatchObject({ kind: 'member_left', senderId: leaver!.id, subjectId: leaver!.id });
    expect(await memberOf(group.id, leaver!)).toMatchObject({ leftSeq: event.seq });
    const again = await f.store.changeMembership(leaver!.id, group.id, { type: 'leave' }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ForbiddenError);
  });

  it('a former member added again gets a new window', async () => {
    const [admin, back] = await f.users(2, 'returning');
    const group = await f.group(admin!, [back!]);
    await f.store.changeMembership(admin!.id, group.id, { type: 'remove', userId: back!.id });
    await f.send(admin!, group.id, 'while you were away');
    const added = await f.store.changeMembership(admin!.id, group.id, { type: 'add', userId: back!.id });
    expect(await memberOf(group.id, back!)).toMatchObject({
      role: 'member',
      joinedSeq: added.seq - 1,
      leftSeq: null,
    });
    expect((await f.send(back!, group.id, "I'm back")).status).toBe('stored');
  });

  it('only an admin can add, remove or rename', async () => {
    const [admin, member, outsider] = await f.users(3, 'rights');
    const group = await f.group(admin!, [member!]);
    const changes: MembershipChange[] = [
      { type: 'add', userId: outsider!.id },
      { type: 'remove', userId: admin!.id },
      { type: 'rename', name: 'mine now' },
    ];
    for (const change of changes) {
      const error = await f.store.changeMembership(member!.id, group.id, change).catch((e: unknown) => e);
      expect(error, change.type).toBeInstanceOf(ForbiddenError);
      expect(error).toMatchObject({ code: 'forbidden' });
    }
    expect(await f.lastSeq(group.id)).toBe(2);
    const after = await f.store.conversationMembers(group.id);
    expect(after?.conversation.name).toBe(group.name);
    expect(byUser(after?.members).map((m) => [m.userId, m.role, m.leftSeq])).toEqual([
      [admin!.id, 'admin', null],
      [member!.id, 'member', null],
    ]);
  });

  it('someone outside a group can change nothing in it, not even leave', async () => {
    const [admin, outsider] = await f.users(2, 'outside');
    const group = await f.group(admin!, []);
    for (const change of [{ type: 'leave' }, { type: 'rename', name: 'x' }] as const) {
      const error = await f.store.changeMembership(outsider!.id, group.id, change).catch((e: unknown) => e);
      expect(error, change.type).toBeInstanceOf(ForbiddenError);
    }
    expect(await f.lastSeq(group.id)).toBe(1);
  });

  it('adding a current member or removing a non-member is a conflict; an unknown user is not found', async () => {
    const [admin, member, stranger] = await f.users(3, 'conflict');
    const group = await f.group(admin!, [member!]);
    const attempts: Array<[MembershipChange, unknown]> = [
      [{ type: 'add', userId: member!.id }, ConflictError],
      [{ type: 'remove', userId: stranger!.id }, ConflictError],
      [{ type: 'add', userId: 987_654_321 }, NotFoundError],
    ];
    for (const [change, expected] of attempts) {
      const error = await f.store.changeMembership(admin!.id, group.id, change).catch((e: unknown) => e);
      expect(error, JSON.stringify(change)).toBeInstanceOf(expected);
    }
    expect(await f.lastSeq(group.id)).toBe(2);
  });

  it('a change to an unknown conversation is not found', async () => {
    const admin = await f.user('nowhere');
    const error = await f.store.changeMembership(admin.id, 987_654_321, { type: 'rename', name: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('the members of a direct conversation cannot change', async () => {
    const [a, b, c] = await f.users(3, 'fixed');
    const direct = await f.direct(a!, b!);
    const changes: MembershipChange[] = [{ type: 'add', userId: c!.id }, { type: 'leave' }];
    for (const change of changes) {
      const error = await f.store.changeMembership(a!.id, direct, change).catch((e: unknown) => e);
      expect(error, change.type).toBeInstanceOf(ConflictError);
    }
    expect((await f.store.conversationMembers(direct))?.members).toHaveLength(2);
  });

  it('renaming writes a renamed event with the new name and renames the group', async () => {
    const admin = await f.user('renamer');
    const group = await f.group(admin, [], 'old name');
    const event = await f.store.changeMembership(admin.id, group.id, { type: 'rename', name: 'new name' });
    expect(event).toMatchObject({ kind: 'renamed', seq: 2, senderId: admin.id, subjectId: null });
    expect(text(event)).toBe('new name');
    expect((await f.store.conversationMembers(group.id))?.conversation).toMatchObject({
      name: 'new name',
      lastSeq: 2,
    });
  });

  it('membership events take seqs in the same sequence as messages', async () => {
    const [admin, b, c] = await f.users(3, 'interleave');
    const group = await f.group(admin!, [b!]);
    await f.send(b!, group.id, 'one');
    await f.store.changeMembership(admin!.id, group.id, { type: 'add', userId: c!.id });
    await f.send(c!, group.id, 'two');
    await f.store.changeMembership(b!.id, group.id, { type: 'leave' });
    const history = await f.history(group.id);
    expect(history.map((m) => [m.seq, m.kind])).toEqual([
      [1, 'created'],
      [2, 'member_added'],
      [3, 'message'],
      [4, 'member_added'],
      [5, 'message'],
      [6, 'member_left'],
    ]);
    expect(await f.lastSeq(group.id)).toBe(6);
  });
}
