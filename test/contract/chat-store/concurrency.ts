import { expect, it } from 'vitest';
import type { UserRecord } from '../../../src/store/chat-store.js';
import { type Fixture, messageOf, oneTo, text } from './fixture.js';

/**
 * Several commits at once. On PostgreSQL they run on several connections, really concurrently; on
 * PGlite (one connection) they are serialized, and the same promises hold.
 */
export function concurrencyContract(f: Fixture): void {
  it('concurrent batches from many senders to one conversation keep seqs gapless', async () => {
    const [admin, ...senders] = await f.users(9, 'crowd');
    const group = await f.group(admin!, senders); // seqs 1-9: created, 8 × member_added
    const batches = 4;
    const perBatch = 25;
    // Each sender sends its batches one after another; the senders all at once.
    const sendAll = async (sender: UserRecord): Promise<number[]> => {
      const seqs: number[] = [];
      for (let batch = 0; batch < batches; batch++) {
        const items = oneTo(perBatch).map((n) => f.item(sender, group.id, `${sender.id}:${batch}:${n}`));
        const outcomes = await f.store.commitMessages(items);
        expect(outcomes.every((o) => o.status === 'stored')).toBe(true);
        seqs.push(...outcomes.map((o) => messageOf(o).seq));
      }
      return seqs;
    };
    const perSender = await Promise.all(senders.map(sendAll));

    const total = senders.length * batches * perBatch;
    const history = await f.history(group.id);
    expect(history.map((m) => m.seq)).toEqual(oneTo(9 + total));
    expect(await f.lastSeq(group.id)).toBe(9 + total);
    for (const [index, sender] of senders.entries()) {
      const seqs = perSender[index]!;
      // Every sender's messages are stored once each, in the order that sender sent them.
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      const own = history.filter((m) => m.kind === 'message' && m.senderId === sender.id);
      expect(own.map((m) => m.seq)).toEqual(seqs);
      expect(own.map(text)).toEqual(
        Array.from({ length: batches * perBatch }, (_, i) => `${sender.id}:${Math.floor(i / perBatch)}:${(i % perBatch) + 1}`),
      );
    }
  });

  it('concurrent sends of one client id to two conversations store it once', async () => {
    const [sender, b, c] = await f.users(3, 'racer');
    const first = await f.direct(sender!, b!);
    const second = await f.direct(sender!, c!);
    const clientIds = oneTo(20).map(() => f.clientId());
    const outcomes = await Promise.all(
      clientIds.flatMap((clientId) => [
        f.store.commitMessages([f.item(sender!, first, 'to b', clientId)]),
        f.store.commitMessages([f.item(sender!, second, 'to c', clientId)]),
      ]),
    );
    for (const [index, clientId] of clientIds.entries()) {
      const pair = [outcomes[2 * index]![0]!, outcomes[2 * index + 1]![0]!];
      expect(pair.map((o) => o.status).sort(), clientId).toEqual(['duplicate', 'stored']);
      expect(messageOf(pair[0])).toEqual(messageOf(pair[1]));
    }
    const stored = [...(await f.history(first)), ...(await f.history(second))];
    expect(stored.map((m) => m.clientId).sort()).toEqual([...clientIds].sort());
    for (const conversation of [first, second]) {
      const seqs = (await f.history(conversation)).map((m) => m.seq);
      expect(seqs).toEqual(oneTo(seqs.length));
    }
  });

  it('a message racing its sender’s removal lands inside their window or is forbidden', async () => {
    const [admin, ...members] = await f.users(7, 'evicted');
    const group = await f.group(admin!, members);
    const results = await Promise.all(
      members.map(async (member) => {
        const [sent, removal] = await Promise.all([
          f.send(member, group.id, 'last words'),
          f.store.changeMembership(admin!.id, group.id, { type: 'remove', userId: member.id }),
        ]);
        return { sent, removal };
      }),
    );
    for (const { sent, removal } of results) {
      if (sent.status === 'forbidden') continue;
      expect(sent.status).toBe('stored');
      expect(messageOf(sent).seq).toBeLessThan(removal.seq);
    }
    const seqs = (await f.history(group.id)).map((m) => m.seq);
    expect(seqs).toEqual(oneTo(seqs.length));
  });
}
