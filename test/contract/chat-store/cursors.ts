import { expect, it } from 'vitest';
import { NotFoundError } from '../../../src/store/errors.js';
import { type Fixture, oneTo } from './fixture.js';

export function cursorsContract(f: Fixture): void {
  it('cursors never go backwards and are capped at the last seq', async () => {
    const [a, b] = await f.users(2, 'cursor');
    const direct = await f.direct(a!, b!);
    await f.store.commitMessages(oneTo(6).map((n) => f.item(a!, direct, `m${n}`)));
    const advance = (cursors: { delivered?: number; read?: number }) => f.store.advanceCursors(b!.id, direct, cursors);

    expect(await advance({ delivered: 3 })).toEqual({ deliveredSeq: 3, readSeq: 0 });
    expect(await advance({ delivered: 2, read: 1 })).toEqual({ deliveredSeq: 3, readSeq: 1 });
    expect(await advance({ read: 0 })).toEqual({ deliveredSeq: 3, readSeq: 1 });
    expect(await advance({ delivered: 99 })).toEqual({ deliveredSeq: 6, readSeq: 1 });
    expect(await advance({ delivered: -5, read: -5 })).toEqual({ deliveredSeq: 6, readSeq: 1 });
    expect(await advance({})).toEqual({ deliveredSeq: 6, readSeq: 1 });

    const mine = (await f.store.conversationMembers(direct))?.members.find((m) => m.userId === b!.id);
    expect(mine).toMatchObject({ deliveredSeq: 6, readSeq: 1 });
    // The other member's cursors are their own.
    expect(await f.store.advanceCursors(a!.id, direct, {})).toEqual({ deliveredSeq: 0, readSeq: 0 });
  });

  it('reading implies delivery', async () => {
    const [a, b] = await f.users(2, 'reader');
    const direct = await f.direct(a!, b!);
    await f.store.commitMessages(oneTo(5).map((n) => f.item(a!, direct, `m${n}`)));
    expect(await f.store.advanceCursors(b!.id, direct, { read: 4 })).toEqual({
      deliveredSeq: 4,
      readSeq: 4,
    });
    expect(await f.store.advanceCursors(b!.id, direct, { read: 50 })).toEqual({
      deliveredSeq: 5,
      readSeq: 5,
    });
  });

  it("a former member's cursors are capped at the end of their window", async () => {
    const [admin, gone] = await f.users(2, 'capped');
    const group = await f.group(admin!, [gone!]);
    const removal = await f.store.changeMembership(admin!.id, group.id, {
      type: 'remove',
      userId: gone!.id,
    });
    await f.store.commitMessages(oneTo(4).map((n) => f.item(admin!, group.id, `after ${n}`)));
    expect(await f.store.advanceCursors(gone!.id, group.id, { read: 100 })).toEqual({
      deliveredSeq: removal.seq,
      readSeq: removal.seq,
    });
  });

  it('the cursors of someone who was never a member are not found', async () => {
    const [a, b, stranger] = await f.users(3, 'stranger');
    const direct = await f.direct(a!, b!);
    const error = await f.store.advanceCursors(stranger!.id, direct, { read: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'not_found' });
  });

  it('advanceDelivered raises many delivered cursors at once, each as advanceCursors would', async () => {
    const [a, b, c, stranger] = await f.users(4, 'batch');
    const ab = await f.direct(a!, b!);
    const ac = await f.direct(a!, c!);
    await f.store.commitMessages(oneTo(5).map((n) => f.item(a!, ab, `ab${n}`)));
    await f.store.commitMessages(oneTo(3).map((n) => f.item(a!, ac, `ac${n}`)));
    await f.store.advanceCursors(b!.id, ab, { read: 2 });
    await f.store.advanceDelivered([
      { userId: b!.id, conversationId: ab, delivered: 4 },
      { userId: c!.id, conversationId: ac, delivered: 99 }, // capped at the last seq
      { userId: a!.id, conversationId: ab, delivered: 1 },
      { userId: stranger!.id, conversationId: ab, delivered: 5 }, // no member: passed over
    ]);
    expect(await f.store.advanceCursors(b!.id, ab, {})).toEqual({ deliveredSeq: 4, readSeq: 2 });
    expect(await f.store.advanceCursors(c!.id, ac, {})).toEqual({ deliveredSeq: 3, readSeq: 0 });
    expect(await f.store.advanceCursors(a!.id, ab, {})).toEqual({ deliveredSeq: 1, readSeq: 0 });
    // Never backwards; nothing for no marks.
    await f.store.advanceDelivered([{ userId: b!.id, conversationId: ab, delivered: 1 }]);
    await f.store.advanceDelivered([]);
    expect(await f.store.advanceCursors(b!.id, ab, {})).toEqual({ deliveredSeq: 4, readSeq: 2 });
    expect((await f.store.conversationMembers(ab))?.members.some((m) => m.userId === stranger!.id)).toBe(false);
  });
}
