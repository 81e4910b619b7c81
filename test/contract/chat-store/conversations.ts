import { expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../src/store/errors.js';
import { byUser, type Fixture, text } from './fixture.js';

export function conversationsContract(f: Fixture): void {
  it('a direct conversation is created once per pair, whichever user asks', async () => {
    const [a, b] = await f.users(2, 'pair');
    const id = await f.store.directConversation(a!.id, b!.id);
    expect(await f.store.directConversation(b!.id, a!.id)).toBe(id);
    expect(await f.store.directConversation(a!.id, b!.id)).toBe(id);
    const found = await f.store.conversationMembers(id);
    expect(found?.conversation).toEqual({
      id,
      kind: 'direct',
      name: null,
      lastSeq: 0,
      createdAt: expect.any(Date),
    });
    expect(byUser(found?.members)).toEqual(
      [a!, b!].map((u) => ({
        userId: u.id,
        role: 'member',
        joinedSeq: 0,
        leftSeq: null,
        deliveredSeq: 0,
        readSeq: 0,
      })),
    );
  });

  it('concurrent first uses of a pair make one conversation', async () => {
    const [a, b] = await f.users(2, 'race');
    const ids = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        i % 2 === 0 ? f.store.directConversation(a!.id, b!.id) : f.store.directConversation(b!.id, a!.id),
      ),
    );
    expect(new Set(ids).size).toBe(1);
    expect((await f.store.conversationMembers(ids[0]!))?.members).toHaveLength(2);
  });

  it('a direct conversation with oneself is a conflict', async () => {
    const a = await f.user('self');
    const error = await f.store.directConversation(a.id, a.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'conflict' });
    expect(await f.store.conversationsOf(a.id)).toEqual([]);
  });

  it('a direct conversation with an unknown user is not found, and nothing is created', async () => {
    const a = await f.user('lonely');
    const error = await f.store.directConversation(a.id, 987_654_321).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'not_found' });
    expect(await f.store.conversationsOf(a.id)).toEqual([]);
  });

  it('a new group has its creator as admin, its members, and a created and member_added events', async () => {
    const [creator, b, c] = await f.users(3, 'founder');
    const { conversation, events } = await f.store.createGroup(creator!.id, 'Book club', [
      b!.id,
      creator!.id, // listed or not, the creator is one member
      c!.id,
      b!.id,
    ]);
    expect(conversation).toEqual({
      id: expect.any(Number),
      kind: 'group',
      name: 'Book club',
      lastSeq: 3,
      createdAt: expect.any(Date),
    });
    expect(events.map((e) => [e.seq, e.kind, e.senderId, e.subjectId])).toEqual([
      [1, 'created', creator!.id, null],
      [2, 'member_added', creator!.id, b!.id],
      [3, 'member_added', creator!.id, c!.id],
    ]);
    expect(text(events[0]!)).toBe('Book club');
    expect(events.every((e) => e.conversationId === conversation.id)).toBe(true);
    expect(new Set(events.map((e) => e.clientId)).size).toBe(3);
    // What was returned is what was stored.
    expect(await f.history(conversation.id)).toEqual(events);

    const { members } = (await f.store.conversationMembers(conversation.id))!;
    expect(byUser(members).map((m) => [m.userId, m.role, m.joinedSeq, m.leftSeq])).toEqual([
      [creator!.id, 'admin', 0, null],
      [b!.id, 'member', 0, null],
      [c!.id, 'member', 0, null],
    ]);
  });

  it('a group with an unknown member is not created', async () => {
    const creator = await f.user('hopeful');
    const error = await f.store.createGroup(creator.id, 'ghosts', [987_654_321]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(await f.store.conversationsOf(creator.id)).toEqual([]);
  });

  it('conversationMembers of an unknown conversation is undefined', async () => {
    await expect(f.store.conversationMembers(987_654_321)).resolves.toBeUndefined();
  });

  it('conversationsOf lists every conversation the user is or was in, as they see it, by id', async () => {
    const [me, friend, admin, other] = await f.users(4, 'viewer');
    const direct = await f.direct(me!, friend!);
    const current = await f.group(admin!, [me!, other!], 'still in');
    const former = await f.group(admin!, [me!], 'left it');
    const leftEvent = await f.store.changeMembership(me!.id, former.id, { type: 'leave' });
    await f.group(admin!, [other!], 'never in');

    const views = await f.store.conversationsOf(me!.id);
    expect(views.map((v) => v.conversation.id)).toEqual([direct, current.id, former.id]);
    const [directView, currentView, formerView] = views;

    expect(directView!.conversation.kind).toBe('direct');
    expect(byUser(directView!.members).map((m) => m.userId)).toEqual([me!.id, friend!.id]);

    expect(currentView!.conversation).toMatchObject({ name: 'still in', lastSeq: 3 });
    expect(currentView!.self).toMatchObject({ userId: me!.id, role: 'member', leftSeq: null });
    expect(byUser(currentView!.members).map((m) => m.userId)).toEqual(byUser([admin!, me!, other!]).map((u) => u.id));

    expect(formerView!.self).toMatchObject({ userId: me!.id, leftSeq: leftEvent.seq });
    expect(formerView!.members.map((m) => m.userId)).toEqual([admin!.id]);
  });

  it('conversationsOf shows a group the user left under its name as of their leaving', async () => {
    const [me, admin] = await f.users(2, 'renamed');
    const group = await f.group(admin!, [me!], 'first name');
    await f.store.changeMembership(admin!.id, group.id, { type: 'rename', name: 'while I was in' });
    await f.store.changeMembership(admin!.id, group.id, { type: 'remove', userId: me!.id });
    await f.store.changeMembership(admin!.id, group.id, { type: 'rename', name: 'after I was gone ✓' });

    const [mine] = await f.store.conversationsOf(me!.id);
    expect(mine!.conversation).toMatchObject({ id: group.id, name: 'while I was in' });
    const [theirs] = await f.store.conversationsOf(admin!.id);
    expect(theirs!.conversation).toMatchObject({ id: group.id, name: 'after I was gone ✓' });

    // Removed before any rename: the name it was created with.
    const [early] = await f.users(1, 'early');
    const other = await f.group(admin!, [early!], 'created as');
    await f.store.changeMembership(admin!.id, other.id, { type: 'remove', userId: early!.id });
    await f.store.changeMembership(admin!.id, other.id, { type: 'rename', name: 'renamed later' });
    expect((await f.store.conversationsOf(early!.id))[0]!.conversation.name).toBe('created as');
  });
}
