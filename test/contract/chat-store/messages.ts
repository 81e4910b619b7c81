import { expect, it } from 'vitest';
import type { SendItem } from '../../../src/store/chat-store.js';
import { type Fixture, messageOf, oneTo, text, utf8 } from './fixture.js';

export function messagesContract(f: Fixture): void {
  it('a stored message gets the next seq and reads back byte for byte', async () => {
    const [a, b] = await f.users(2, 'sender');
    const direct = await f.direct(a!, b!);
    const body = new Uint8Array([0, 255, 1, 254, 0, 0, 7]);
    const [outcome] = await f.store.commitMessages([{ senderId: a!.id, conversationId: direct, clientId: 'first', body }]);
    expect(outcome).toEqual({
      status: 'stored',
      message: {
        mid: expect.any(Number),
        conversationId: direct,
        seq: 1,
        senderId: a!.id,
        clientId: 'first',
        kind: 'message',
        body,
        subjectId: null,
        createdAt: expect.any(Date),
      },
    });
    expect(await f.history(direct)).toEqual([messageOf(outcome)]);
    expect(await f.lastSeq(direct)).toBe(1);
  });

  it('a resend with the same client id is stored once and returns the first message', async () => {
    const [a, b] = await f.users(2, 'resender');
    const direct = await f.direct(a!, b!);
    const first = messageOf(await f.send(a!, direct, 'original', 'same-id'));
    const again = await f.send(a!, direct, 'changed on resend', 'same-id');
    expect(again).toEqual({ status: 'duplicate', message: first });
    expect(await f.history(direct)).toEqual([first]);
  });

  it('a resend naming another conversation is still the first message', async () => {
    const [a, b, c] = await f.users(3, 'misdirect');
    const ab = await f.direct(a!, b!);
    const ac = await f.direct(a!, c!);
    const first = messageOf(await f.send(a!, ab, 'to b', 'cid-x'));
    expect(await f.send(a!, ac, 'to c', 'cid-x')).toEqual({ status: 'duplicate', message: first });
    expect(await f.history(ac)).toEqual([]);
  });

  it('the same client id twice in one batch is stored once', async () => {
    const [a, b] = await f.users(2, 'twice');
    const direct = await f.direct(a!, b!);
    const outcomes = await f.store.commitMessages([
      f.item(a!, direct, 'one', 'dup'),
      f.item(a!, direct, 'other', 'unique'),
      f.item(a!, direct, 'one again', 'dup'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['stored', 'stored', 'duplicate']);
    expect(messageOf(outcomes[2])).toEqual(messageOf(outcomes[0]));
    expect((await f.history(direct)).map(text)).toEqual(['one', 'other']);
  });

  it('within a batch, a client id refused first may be stored later, and one stored first makes later ones duplicates wherever they point', async () => {
    const [a, b, c] = await f.users(3, 'decided');
    const ab = await f.direct(a!, b!);
    const bc = await f.direct(b!, c!); // a is not a member
    const outcomes = await f.store.commitMessages([
      f.item(a!, bc, 'refused', 'k1'),
      f.item(a!, ab, 'stored after a refusal', 'k1'),
      f.item(a!, ab, 'stored', 'k2'),
      f.item(a!, bc, 'duplicate, not refused', 'k2'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['forbidden', 'stored', 'stored', 'duplicate']);
    expect(messageOf(outcomes[3])).toEqual(messageOf(outcomes[2]));
    expect((await f.history(ab)).map(text)).toEqual(['stored after a refusal', 'stored']);
    expect(await f.history(bc)).toEqual([]);
  });

  it('client ids are per sender: two senders may use the same one', async () => {
    const [a, b] = await f.users(2, 'shared-cid');
    const direct = await f.direct(a!, b!);
    const outcomes = await f.store.commitMessages([f.item(a!, direct, 'from a', 'hello'), f.item(b!, direct, 'from b', 'hello')]);
    expect(outcomes.map((o) => [o.status, messageOf(o).seq])).toEqual([
      ['stored', 1],
      ['stored', 2],
    ]);
  });

  it("a non-member's message is forbidden and nothing is stored", async () => {
    const [a, b, outsider] = await f.users(3, 'gate');
    const direct = await f.direct(a!, b!);
    const items = [
      f.item(a!, direct, 'one'),
      f.item(outsider!, direct, 'let me in'),
      f.item(a!, 987_654_321, 'to nowhere'),
      f.item(b!, direct, 'two'),
    ];
    const outcomes = await f.store.commitMessages(items);
    expect(outcomes.map((o) => o.status)).toEqual(['stored', 'forbidden', 'forbidden', 'stored']);
    expect(outcomes[1]).toEqual({ status: 'forbidden' });
    const history = await f.history(direct);
    expect(history.map((m) => [m.seq, text(m)])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
    // The refused client id is still free: sent where the sender belongs, it is stored.
    const own = await f.direct(outsider!, a!);
    expect((await f.send(outsider!, own, 'proper', items[1]!.clientId)).status).toBe('stored');
  });

  it('outcomes are in batch order, and seqs follow batch order within each conversation', async () => {
    const [a, b, c] = await f.users(3, 'order');
    const ab = await f.direct(a!, b!);
    const group = await f.group(a!, [b!, c!]); // seqs 1-3 are its events
    const items: SendItem[] = [];
    for (let i = 0; i < 30; i++) {
      items.push(f.item([a!, b!][i % 2]!, i % 3 === 0 ? group.id : ab, `m${i}`));
    }
    const outcomes = await f.store.commitMessages(items);
    outcomes.forEach((outcome, i) => {
      expect(outcome.status).toBe('stored');
      expect(messageOf(outcome)).toMatchObject({ clientId: items[i]!.clientId, body: items[i]!.body });
    });
    const inGroup = outcomes.filter((_, i) => i % 3 === 0).map((o) => messageOf(o).seq);
    const inDirect = outcomes.filter((_, i) => i % 3 !== 0).map((o) => messageOf(o).seq);
    expect(inGroup).toEqual(oneTo(10).map((n) => n + 3));
    expect(inDirect).toEqual(oneTo(20));
    const directItems = items.filter((_, i) => i % 3 !== 0);
    expect((await f.history(ab)).map((m) => m.clientId)).toEqual(directItems.map((i) => i.clientId));
  });

  it('seqs are gapless and ordered within a conversation across batches', async () => {
    const [a, b, outsider] = await f.users(3, 'gapless');
    const direct = await f.direct(a!, b!);
    const resent = f.clientId();
    const sent: string[] = [];
    for (let batch = 0; batch < 5; batch++) {
      const items = [
        f.item(a!, direct, `a${batch}`),
        f.item(outsider!, direct, 'refused'),
        f.item(b!, direct, `b${batch}`, batch === 0 ? resent : undefined),
        f.item(b!, direct, 'resend', resent),
      ];
      const outcomes = await f.store.commitMessages(items);
      sent.push(`a${batch}`, `b${batch}`);
      expect(outcomes.map((o) => o.status)).toEqual(['stored', 'forbidden', 'stored', 'duplicate']);
    }
    const history = await f.history(direct);
    expect(history.map((m) => m.seq)).toEqual(oneTo(10));
    expect(history.map(text)).toEqual(sent);
    expect(await f.lastSeq(direct)).toBe(10);
    expect(new Set(history.map((m) => m.mid)).size).toBe(10);
  });

  it('a batch of 500 messages commits in one call', async () => {
    const [a, b] = await f.users(2, 'bulk');
    const direct = await f.direct(a!, b!);
    const items = oneTo(500).map((n) => f.item(n % 2 ? a! : b!, direct, `bulk ${n}`));
    const outcomes = await f.store.commitMessages(items);
    expect(outcomes.map((o) => o.status)).toEqual(items.map(() => 'stored'));
    expect(outcomes.map((o) => messageOf(o).seq)).toEqual(oneTo(500));
    const history = await f.history(direct);
    expect(history.map(text)).toEqual(oneTo(500).map((n) => `bulk ${n}`));
    expect(await f.lastSeq(direct)).toBe(500);
  });

  it('an empty batch commits nothing', async () => {
    await expect(f.store.commitMessages([])).resolves.toEqual([]);
  });

  it('a batch that fails as a whole stores nothing and throws', async () => {
    const [a, b] = await f.users(2, 'atomic');
    const direct = await f.direct(a!, b!);
    await f.send(a!, direct, 'before');
    // PostgreSQL refuses a NUL character in text, so this item fails the statement that stores it.
    const items = [f.item(a!, direct, 'fine'), f.item(b!, direct, 'poison', 'nul\u0000id')];
    await expect(f.store.commitMessages(items)).rejects.toThrow();
    expect((await f.history(direct)).map(text)).toEqual(['before']);
    expect(await f.lastSeq(direct)).toBe(1);
    expect(messageOf(await f.send(b!, direct, 'after')).seq).toBe(2);
  });

  it('messagesAfter returns the rows after a seq, through a bound, at most a limit, ascending', async () => {
    const [a, b] = await f.users(2, 'after');
    const direct = await f.direct(a!, b!);
    await f.store.commitMessages(oneTo(10).map((n) => f.item(a!, direct, `m${n}`)));
    const seqs = async (after: number, through: number | null, limit: number) =>
      (await f.store.messagesAfter(direct, after, through, limit)).map((m) => m.seq);
    expect(await seqs(0, null, 100)).toEqual(oneTo(10));
    expect(await seqs(3, null, 4)).toEqual([4, 5, 6, 7]);
    expect(await seqs(3, 5, 100)).toEqual([4, 5]);
    expect(await seqs(10, null, 100)).toEqual([]);
    expect(await f.store.messagesAfter(987_654_321, 0, null, 10)).toEqual([]);
  });

  it('messagesBefore returns the rows just before a seq and above a floor, ascending', async () => {
    const [a, b] = await f.users(2, 'before');
    const direct = await f.direct(a!, b!);
    await f.store.commitMessages(oneTo(10).map((n) => f.item(b!, direct, `m${n}`)));
    const seqs = async (before: number, floor: number, limit: number) =>
      (await f.store.messagesBefore(direct, before, floor, limit)).map((m) => m.seq);
    expect(await seqs(11, 0, 3)).toEqual([8, 9, 10]);
    expect(await seqs(8, 0, 3)).toEqual([5, 6, 7]);
    expect(await seqs(8, 5, 10)).toEqual([6, 7]);
    expect(await seqs(1, 0, 10)).toEqual([]);
    const rows = await f.store.messagesBefore(direct, 3, 0, 10);
    expect(rows.map(text)).toEqual(['m1', 'm2']);
  });

  it('SQL metacharacters in bodies, client ids and group names are stored verbatim', async () => {
    const hostile = `'); DELETE FROM messages; -- "\\" $1 %_ \u00e9\u{1f600}`;
    const [a, b] = await f.users(2, 'meta');
    const { conversation } = await f.store.createGroup(a!.id, hostile, [b!.id]);
    const stored = messageOf(await f.send(a!, conversation.id, hostile, hostile));
    expect(stored).toMatchObject({ clientId: hostile, body: utf8(hostile) });
    const history = await f.history(conversation.id);
    expect(text(history[0]!)).toBe(hostile);
    expect(history.at(-1)).toEqual(stored);
    expect((await f.store.conversationMembers(conversation.id))?.conversation.name).toBe(hostile);
    expect(await f.send(a!, conversation.id, 'again', hostile)).toEqual({ status: 'duplicate', message: stored });
  });
}
