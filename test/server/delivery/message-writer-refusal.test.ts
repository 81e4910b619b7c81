import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestError } from '../../../src/server/errors.js';
import { MessageWriter } from '../../../src/server/delivery/message-writer.js';
import { conversationStream, SendOrder } from '../../../src/server/delivery/send-order.js';
import type { ChatStore, SendItem } from '../../../src/store/chat-store.js';
import { silentLogger } from '../../../src/util/logger.js';
import { openTestServices, type TestServices } from '../../support/test-services.js';

let test: TestServices;
let store: ChatStore;
let conversation: number;
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
  const a = await store.createUser({ name: 'refusal_a', ...verifier });
  const b = await store.createUser({ name: 'refusal_b', ...verifier });
  const c = await store.createUser({ name: 'refusal_c', ...verifier });
  sender = a.id;
  conversation = await store.directConversation(a.id, b.id);
  other = await store.directConversation(a.id, c.id);
});
afterAll(async () => {
  await test?.close();
});

const item = (cid: string, conversationId = conversation): SendItem => ({
  senderId: sender,
  conversationId,
  clientId: cid,
  body: Buffer.from(cid),
});

/** The code a send was refused with, or 'stored'. */
const settled = (sending: Promise<unknown>): Promise<string> =>
  sending.then(
    () => 'stored',
    (error: unknown) => (error instanceof RequestError ? error.code : String(error)),
  );

describe('MessageWriter: a failed batch', () => {
  it('refuses the queued later sends of the same connection to the same conversation with out_of_order, and holds that stream until the failed cid comes again', async () => {
    let fail: ((error: Error) => void) | undefined;
    const failing = Object.create(store) as ChatStore;
    failing.commitMessages = async (items: readonly SendItem[]) => {
      // The first batch is held, then fails as a database fault would; the rest commit.
      if (fail === undefined && items.some((i) => i.clientId === 'f-1')) await new Promise<never>((_, reject) => (fail = reject));
      return store.commitMessages(items);
    };
    const writer = new MessageWriter(failing, async () => undefined, silentLogger, { maxInFlight: 2 });
    const mine = new SendOrder();
    const theirs = new SendOrder();
    const first = settled(writer.send(item('f-1'), { order: mine, ticket: mine.take().number }));
    await expect.poll(() => fail !== undefined).toBe(true);
    // Queued behind the held batch: the same stream, another connection's, and mine elsewhere.
    const second = settled(writer.send(item('f-2'), { order: mine, ticket: mine.take().number }));
    const otherConnection = settled(writer.send(item('g-1'), { order: theirs, ticket: theirs.take().number }));
    const elsewhere = settled(writer.send(item('f-3', other), { order: mine, ticket: mine.take().number }));
    expect(await elsewhere).toBe('stored'); // another conversation commits beside the held batch
    fail!(new Error('connection to the database lost'));
    expect(await first).toBe('internal');
    expect(await second).toBe('out_of_order');
    expect(await otherConnection).toBe('stored');
    const stored = await store.messagesAfter(conversation, 0, null, 100);
    expect(stored.map((m) => m.clientId)).toEqual(['g-1']);

    // The connection's next send to that conversation is refused until f-1 is sent again; then both go, in order.
    const next = mine.take().number;
    expect(() => mine.admit(next, 'f-2', [conversationStream(conversation)])).toThrow(expect.objectContaining({ code: 'out_of_order' }));
    mine.admit(mine.take().number, 'f-1', [conversationStream(conversation)]);
    mine.admit(mine.take().number, 'f-2', [conversationStream(conversation)]);
    await writer.close();
  });
});

describe('MessageWriter: a batch failed while the server stops', () => {
  it('refuses the queued later sends of that connection to that conversation with shutting_down, not out_of_order', async () => {
    let fail: ((error: Error) => void) | undefined;
    const failing = Object.create(store) as ChatStore;
    failing.commitMessages = async (items: readonly SendItem[]) => {
      if (fail === undefined && items.some((i) => i.clientId === 's-1')) await new Promise<never>((_, reject) => (fail = reject));
      return store.commitMessages(items);
    };
    const writer = new MessageWriter(failing, async () => undefined, silentLogger);
    const mine = new SendOrder();
    const first = settled(writer.send(item('s-1'), { order: mine, ticket: mine.take().number }));
    await expect.poll(() => fail !== undefined).toBe(true);
    const second = settled(writer.send(item('s-2'), { order: mine, ticket: mine.take().number }));
    const closed = writer.close();
    expect(writer.closing).toBe(true);
    fail!(new Error('connection to the database lost'));
    expect(await first).toBe('internal');
    expect(await second).toBe('shutting_down');
    await closed;
  });
});

describe('SendOrder', () => {
  const stream = conversationStream(7);

  it('lets sends through in ticket order, whatever order their work before the writer ends in', async () => {
    const order = new SendOrder();
    const entered: number[] = [];
    const tickets = [order.take(), order.take(), order.take()];
    // The last one is ready first (its direct conversation was cached, say), the first one last.
    const go = async (index: number, after: Promise<void>) => {
      await after;
      await tickets[index]!.turn;
      entered.push(index);
      tickets[index]!.done();
    };
    let releaseFirst!: () => void;
    const firstReady = new Promise<void>((resolve) => (releaseFirst = resolve));
    const all = Promise.all([go(0, firstReady), go(1, Promise.resolve()), go(2, Promise.resolve())]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(entered).toEqual([]);
    releaseFirst();
    await all;
    expect(entered).toEqual([0, 1, 2]);
  });

  it('after a refusal that is not final, refuses the later sends of that stream with out_of_order until the refused cid is sent again', () => {
    const order = new SendOrder();
    const earlier = order.take().number;
    const refused = order.take().number;
    order.refused(refused, 'b', [stream], 'rate_limited');
    // A send that came before the refused one is not held by it.
    order.admit(earlier, 'a', [stream]);
    expect(() => order.admit(order.take().number, 'c', [stream])).toThrow(expect.objectContaining({ code: 'out_of_order' }));
    // Another conversation is not held.
    order.admit(order.take().number, 'x', [conversationStream(8)]);
    order.admit(order.take().number, 'b', [stream]);
    order.admit(order.take().number, 'c', [stream]);
  });

  it('holds nothing after a final refusal (the client drops that message), nor after out_of_order', () => {
    const order = new SendOrder();
    for (const code of ['forbidden', 'not_found', 'bad_request', 'out_of_order'])
      order.refused(order.take().number, `r-${code}`, [stream], code);
    order.admit(order.take().number, 'next', [stream]);
  });

  it('keeps the earliest refused send as the hold when a later one is refused too', () => {
    const order = new SendOrder();
    const first = order.take().number;
    const second = order.take().number;
    order.refused(second, 'second', [stream], 'rate_limited');
    order.refused(first, 'first', [stream], 'internal');
    expect(() => order.admit(order.take().number, 'second', [stream])).toThrow(expect.objectContaining({ code: 'out_of_order' }));
    order.admit(order.take().number, 'first', [stream]);
  });
});
