import { describe, expect, it } from 'vitest';
import { RequestError } from '../../../src/server/errors.js';
import { conversationStream, SendOrder } from '../../../src/server/delivery/send-order.js';

/** Whether `promise` has settled by the time the microtasks queued now have run. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise<void>((resolve) => setImmediate(resolve));
  return done;
}

describe('SendOrder tickets', () => {
  it('lets a send go at once when every earlier one has entered the writer or been refused', () => {
    const order = new SendOrder();
    const first = order.take();
    expect(first.turn).toBeUndefined();
    first.done();
    expect(order.take().turn).toBeUndefined();
  });

  it('makes a send wait until the one before it is done, in arrival order', async () => {
    const order = new SendOrder();
    const first = order.take();
    const second = order.take();
    const third = order.take();
    expect(second.turn).toBeDefined();
    expect(await settled(second.turn!)).toBe(false);
    first.done();
    first.done(); // twice is harmless
    expect(await settled(second.turn!)).toBe(true);
    expect(await settled(third.turn!)).toBe(false);
    second.done();
    expect(await settled(third.turn!)).toBe(true);
    expect([first.number, second.number, third.number]).toEqual([1, 2, 3]);
  });

  it('holds a conversation after a refusal that is not final, until the refused cid comes again', () => {
    const order = new SendOrder();
    const stream = [conversationStream(7)];
    order.refused(1, 'a', stream, 'rate_limited');
    expect(() => order.admit(2, 'b', stream)).toThrow(RequestError);
    expect(() => order.admit(2, 'b', [conversationStream(8)])).not.toThrow();
    order.admit(3, 'a', stream);
    expect(() => order.admit(4, 'b', stream)).not.toThrow();
  });

  it('does not hold after a final refusal', () => {
    const order = new SendOrder();
    const stream = [conversationStream(7)];
    order.refused(1, 'a', stream, 'forbidden');
    expect(() => order.admit(2, 'b', stream)).not.toThrow();
  });
});
