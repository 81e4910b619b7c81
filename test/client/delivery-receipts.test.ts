import { describe, expect, it } from 'vitest';
import { DeliveryReceipts } from '../../src/client/delivery-receipts.js';
import { ConnectionClosedError, RequestFailedError, RequestTimeoutError } from '../../src/client/errors.js';
import type { RpcConnection } from '../../src/client/rpc-connection.js';

/** A connection that records `receipt` requests and answers each when the test says so. */
function fakeConnection() {
  const sent: Array<{ conversation: number; delivered: number; answer: (ok: boolean | Error) => void }> = [];
  let online = true;
  const rpc = {
    request: (body: { t: string; conversation: number; delivered: number }) =>
      new Promise((resolve, reject) => {
        sent.push({
          conversation: body.conversation,
          delivered: body.delivered,
          answer: (ok) =>
            ok === true
              ? resolve({ deliveredSeq: body.delivered, readSeq: 0 })
              : reject(ok === false ? new ConnectionClosedError('lost') : ok),
        });
      }),
  } as unknown as RpcConnection;
  return {
    sent,
    setOnline: (value: boolean) => (online = value),
    connection: () => {
      if (!online) throw new ConnectionClosedError('offline: not connected to the server');
      return rpc;
    },
  };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('DeliveryReceipts', () => {
  it('keeps one request per conversation in flight and sends the highest seq noted meanwhile in the next', async () => {
    const fake = fakeConnection();
    const receipts = new DeliveryReceipts(fake.connection);
    receipts.note(7, 1);
    receipts.note(8, 4);
    receipts.flush();
    await settle();
    for (let seq = 2; seq <= 50; seq++) receipts.note(7, seq);
    receipts.flush();
    await settle();
    expect(fake.sent.map((r) => [r.conversation, r.delivered])).toEqual([
      [7, 1],
      [8, 4],
    ]);
    fake.sent[0]!.answer(true);
    fake.sent[1]!.answer(true);
    await settle();
    expect(fake.sent.map((r) => [r.conversation, r.delivered])).toEqual([
      [7, 1],
      [8, 4],
      [7, 50],
    ]);
    fake.sent[2]!.answer(true);
    await receipts.idle();
    // What the server confirmed is not sent again.
    receipts.note(7, 30);
    receipts.flush();
    await settle();
    expect(fake.sent).toHaveLength(3);
  });

  it('offline, flush neither throws nor loses: the seq goes when the connection is back', async () => {
    const fake = fakeConnection();
    const receipts = new DeliveryReceipts(fake.connection);
    fake.setOnline(false);
    receipts.note(3, 9);
    expect(() => receipts.flush()).not.toThrow();
    await receipts.idle();
    expect(receipts.pending.get(3)).toBe(9);
    fake.setOnline(true);
    receipts.flush();
    await settle();
    // Lost with the connection: kept for the next flush.
    fake.sent[0]!.answer(false);
    await receipts.idle();
    expect(receipts.pending.get(3)).toBe(9);
    receipts.flush();
    await settle();
    fake.sent[1]!.answer(true);
    await receipts.idle();
    expect(fake.sent.map((r) => r.delivered)).toEqual([9, 9]);
    expect(receipts.pending.size).toBe(0);
  });

  it('drops a receipt the server refuses for good, and flushes on its own every 256 rows of a long backlog', async () => {
    const fake = fakeConnection();
    const receipts = new DeliveryReceipts(fake.connection);
    receipts.note(4, 2);
    receipts.flush();
    await settle();
    fake.sent[0]!.answer(new RequestFailedError('not_found', 'never a member'));
    await receipts.idle();
    expect(receipts.pending.size).toBe(0);
    for (let seq = 1; seq <= 256; seq++) receipts.note(5, seq);
    await settle();
    expect(fake.sent.map((r) => [r.conversation, r.delivered])).toEqual([
      [4, 2],
      [5, 256],
    ]);
  });

  it('a receipt whose reply is late (timed out, the connection still up) goes again at once', async () => {
    const fake = fakeConnection();
    const receipts = new DeliveryReceipts(fake.connection);
    receipts.note(6, 3);
    receipts.flush();
    await settle();
    fake.sent[0]!.answer(new RequestTimeoutError('receipt', 10_000));
    await settle();
    expect(fake.sent.map((r) => [r.conversation, r.delivered])).toEqual([
      [6, 3],
      [6, 3],
    ]);
    fake.sent[1]!.answer(true);
    await receipts.idle();
    expect(receipts.pending.size).toBe(0);
  });
});
