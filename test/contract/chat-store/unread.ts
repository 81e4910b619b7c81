import { expect, it } from 'vitest';
import { encodeLegacyBody } from '../../../src/protocol/legacy-body.js';
import type { UserRecord } from '../../../src/store/chat-store.js';
import { type Fixture, oneTo } from './fixture.js';

export function unreadContract(f: Fixture): void {
  const unreadOf = async (user: UserRecord, conversation: number): Promise<number | undefined> =>
    (await f.store.conversationsOf(user.id)).find((v) => v.conversation.id === conversation)?.unread;

  it("counts the others' messages after the read cursor, never the viewer's own nor events", async () => {
    const [alice, bob, carol] = await f.users(3, 'unread');
    const group = await f.group(alice!, [bob!, carol!]);
    await f.store.commitMessages(oneTo(3).map((n) => f.item(alice!, group.id, `a${n}`)));
    await f.store.commitMessages(oneTo(2).map((n) => f.item(bob!, group.id, `b${n}`)));

    expect(await unreadOf(alice!, group.id)).toBe(2);
    expect(await unreadOf(bob!, group.id)).toBe(3);
    expect(await unreadOf(carol!, group.id)).toBe(5);

    const last = await f.lastSeq(group.id);
    await f.store.advanceCursors(carol!.id, group.id, { read: last - 1 });
    expect(await unreadOf(carol!, group.id)).toBe(1);
    // Delivered is not read.
    await f.store.advanceCursors(alice!.id, group.id, { delivered: last });
    expect(await unreadOf(alice!, group.id)).toBe(2);
    await f.store.advanceCursors(alice!.id, group.id, { read: last });
    expect(await unreadOf(alice!, group.id)).toBe(0);
  });

  it('counts only what the viewer may see: nothing before joining, nothing after leaving', async () => {
    const [admin, late] = await f.users(2, 'window');
    const group = await f.group(admin!, []);
    await f.store.commitMessages(oneTo(4).map((n) => f.item(admin!, group.id, `before ${n}`)));
    await f.store.changeMembership(admin!.id, group.id, { type: 'add', userId: late!.id });
    await f.send(admin!, group.id, 'seen');
    await f.store.changeMembership(admin!.id, group.id, { type: 'remove', userId: late!.id });
    await f.send(admin!, group.id, 'after removal');
    expect(await unreadOf(late!, group.id)).toBe(1);
  });

  it("does not count legacy copies addressed to another member, only the viewer's own copy", async () => {
    const [sender, me, other] = await f.users(3, 'legacy-copies');
    const group = await f.group(sender!, [me!, other!]);
    const copy = (to: UserRecord) => ({ ...f.item(sender!, group.id, ''), body: encodeLegacyBody({ to: to.id, text: '12 34' }) });
    await f.store.commitMessages([copy(me!), copy(other!), copy(me!), copy(other!)]);
    await f.send(sender!, group.id, 'modern');
    expect(await unreadOf(me!, group.id)).toBe(3);
    expect(await unreadOf(other!, group.id)).toBe(3);
  });
}
