import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageWriter } from '../../../src/server/delivery/message-writer.js';
import type { ChatStore, MessageRecord, SendItem } from '../../../src/store/chat-store.js';
import { silentLogger } from '../../../src/util/logger.js';
import { openTestServices, type TestServices } from '../../support/test-services.js';

let test: TestServices;
let store: ChatStore;
let conversation: number;
/** Another conversation of the same sender: its sends may commit beside the first one's. */
let other: number;
let sender: number;

beforeAll(async () => {
  test = await openTestServices();
  store = test.services.store;
  const verifier = {
    verifier: Buffer.alloc(32),
    salt: Buffer.alloc(16),
    kdf: 'scrypt:16384:8:1:32',
    publicKey: null,
    kind: 'modern' as const,
  };
  const a = await store.createUser({ name: 'writer_a', ...verifier });
  const b = await store.createUser({ name: 'writer_b', ...verifier });
  sender = a.id;
  conversation = await store.directConversation(a.id, b.id);
  const c = await store.createUser({ name: 'writer_c', ...verifier });
  other = await store.directConversation(a.id, c.id);
});
afterAll(async () => {
  await test?.close();
});

/** The real store, counting the transactions the writer asks for. */
function counting(): { store: ChatStore; batches: number[] } {
  const batches: number[] = [];
  const wrapped = Object.create(store) as ChatStore;
  wrapped.commitMessages = (items: readonly SendItem[]) => {
    batches.push(items.length);
    return store.commitMessages(items);
  };
  return { store: wrapped, batches };
}

const item = (cid: string, conversationId = conversation): SendItem => ({
  senderId: sender,
  conversationId,
  clientId: cid,
  body: Buffer.from(cid),
});

describe('MessageWriter', () => {
  it('commits sends queued in the same turn as one transaction, in order, and delivers them after', async () => {
    const { store: counted, batches } = counting();
    const delivered: MessageRecord[][] = [];
    const writer = new MessageWriter(counted, async (m) => void delivered.push([...m]), silentLogger);
    const outcomes = await Promise.all(Array.from({ length: 120 }, (_, i) => writer.send(item(`turn-${i}`))));
    expect(batches).toEqual([120]);
    const seqs = outcomes.map((o) => (o.status === 'stored' ? o.message.seq : -1));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(delivered.flat().map((m) => m.clientId)).toEqual(outcomes.map((_, i) => `turn-${i}`));
  });

  it('splits a large queue into batches of at most maxBatch, and commits a lone send at once', async () => {
    const { store: counted, batches } = counting();
    const writer = new MessageWriter(counted, async () => undefined, silentLogger, { maxBatch: 50 });
    await Promise.all(Array.from({ length: 120 }, (_, i) => writer.send(item(`big-${i}`))));
    expect(batches).toEqual([50, 50, 20]);
    await writer.send(item('alone'));
    expect(batches.at(-1)).toBe(1);
  });

  it('runs exclusive work between batches, in queue order', async () => {
    const order: string[] = [];
    const writer = new MessageWriter(store, async (m) => void order.push(...m.map((r) => r.clientId)), silentLogger);
    const first = writer.send(item('ex-1'));
    const between = writer.exclusive(async () => void order.push('exclusive'));
    const last = writer.send(item('ex-2'));
    await Promise.all([first, between, last]);
    expect(order).toEqual(['ex-1', 'exclusive', 'ex-2']);
  });

  it('finishes what is queued on close and refuses what comes after', async () => {
    const writer = new MessageWriter(store, async () => undefined, silentLogger);
    const queued = writer.send(item('before-close'));
    const closed = writer.close();
    await expect(writer.send(item('after-close'))).rejects.toMatchObject({ code: 'shutting_down' });
    await closed;
    expect((await queued).status).toBe('stored');
  });

  it('with maxInFlight 2, commits a batch of another conversation while the first is still committing, and fans out one batch at a time in commit order', async () => {
    let running = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const slow = Object.create(store) as ChatStore;
    slow.commitMessages = async (items: readonly SendItem[]) => {
      running++;
      most = Math.max(most, running);
      // Hold each commit until the test lets it go, to see two at once.
      await new Promise<void>((release) => releases.push(release));
      try {
        return await store.commitMessages(items);
      } finally {
        running--;
      }
    };
    const delivered: string[] = [];
    const writer = new MessageWriter(slow, async (m) => void delivered.push(...m.map((r) => r.clientId)), silentLogger, { maxInFlight: 2 });
    const first = writer.send(item('pipe-1'));
    await expect.poll(() => releases.length).toBe(1);
    const second = writer.send(item('pipe-2', other));
    await expect.poll(() => releases.length).toBe(2); // the second batch started beside the first
    const third = writer.send(item('pipe-3'));
    const fenced = writer.exclusive(async () => delivered.push('exclusive'));
    await new Promise((r) => setTimeout(r, 50));
    expect(releases).toHaveLength(2); // no third batch while two are in flight
    releases[1]!(); // the second commits first, so it is fanned out first
    await second;
    await expect.poll(() => delivered).toEqual(['pipe-2']);
    releases[0]!();
    await first;
    await expect.poll(() => releases.length).toBe(3);
    releases[2]!();
    await Promise.all([third, fenced]);
    expect(most).toBe(2);
    expect(delivered).toEqual(['pipe-2', 'pipe-1', 'pipe-3', 'exclusive']);
  });

  it('with maxInFlight 2, never commits a send beside an earlier one of the same conversation: seqs keep the order sends came in', async () => {
    const releases: Array<() => void> = [];
    const calls: string[][] = [];
    const held = Object.create(store) as ChatStore;
    held.commitMessages = async (items: readonly SendItem[]) => {
      calls.push(items.map((i) => i.clientId));
      // The first batch waits for the test; the rest commit at once.
      if (calls.length === 1) await new Promise<void>((release) => releases.push(release));
      return store.commitMessages(items);
    };
    const writer = new MessageWriter(held, async () => undefined, silentLogger, { maxInFlight: 2 });
    const first = writer.send(item('order-1'));
    await expect.poll(() => releases.length).toBe(1);
    const second = writer.send(item('order-2'));
    const elsewhere = writer.send(item('order-other', other));
    // The other conversation's send commits beside the held batch; the same conversation's waits.
    await elsewhere;
    expect(calls).toEqual([['order-1'], ['order-other']]);
    releases[0]!();
    const [a, b] = await Promise.all([first, second]);
    expect(calls).toEqual([['order-1'], ['order-other'], ['order-2']]);
    expect(a.status === 'stored' && b.status === 'stored' && a.message.seq < b.message.seq).toBe(true);
  });

  it('runs an exclusive job only after every batch in flight is committed and fanned out, and nothing beside it', async () => {
    const order: string[] = [];
    const writer = new MessageWriter(store, async (m) => void order.push(...m.map((r) => r.clientId)), silentLogger, { maxInFlight: 3 });
    const sends = [writer.send(item('fence-1')), writer.send(item('fence-2'))];
    const between = writer.exclusive(async () => {
      order.push('exclusive-start');
      await new Promise((r) => setTimeout(r, 20));
      order.push('exclusive-end');
    });
    const after = writer.send(item('fence-3'));
    await Promise.all([...sends, between, after]);
    expect(order).toEqual(['fence-1', 'fence-2', 'exclusive-start', 'exclusive-end', 'fence-3']);
  });
});

describe('MessageWriter after a commit whose reply was lost', () => {
  it('fans out the resend that finds the message already stored, so an online recipient still gets it live', async () => {
    // The database committed, then the connection dropped before the reply: the writer saw an error.
    let loseReply = true;
    const flaky = Object.create(store) as ChatStore;
    flaky.commitMessages = async (items: readonly SendItem[]) => {
      const outcomes = await store.commitMessages(items);
      if (!loseReply) return outcomes;
      loseReply = false;
      throw new Error('Connection terminated unexpectedly');
    };
    const delivered: string[] = [];
    const writer = new MessageWriter(flaky, async (m) => void delivered.push(...m.map((r) => r.clientId)), silentLogger);
    await expect(writer.send(item('lost-reply'))).rejects.toMatchObject({ code: 'internal' });
    expect(delivered).toEqual([]);
    const resend = await writer.send(item('lost-reply'));
    expect(resend.status).toBe('duplicate');
    await writer.close(); // resolves once fan-out is done
    expect(delivered).toEqual(['lost-reply']);
  });
});
