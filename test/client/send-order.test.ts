import { describe, expect, it } from 'vitest';
import type { SendItem } from '../../src/store/chat-store.js';
import { collect, useServerWithClients } from '../support/client-harness.js';

const world = useServerWithClients();

describe('the outbox keeps its order across refusals (protocol.md § Delivery, "In the order sent")', () => {
  it('a message refused mid-window (its commit failed) goes again, then the ones after it, in the order written, with no other send or reconnect', async () => {
    const bob = await world.clients.open('bob', 'signup');
    const inbox = collect(bob);
    // Written while not yet connected, so the first pass pipelines all five.
    const alice = await world.clients.open('alice', 'signup', { start: false });
    const failures: string[] = [];
    alice.on('failed', (failure) => failures.push(failure.code));
    const texts = Array.from({ length: 5 }, (_, n) => `in order ${n}`);
    const sends: Array<{ cid: string; acked: Promise<unknown> }> = [];
    for (const text of texts) sends.push(await alice.send({ user: bob.user.id }, text));

    // The database fails the commit holding the third message, once.
    const store = world.server.core.services.store;
    const commit = store.commitMessages.bind(store);
    let failed = 0;
    store.commitMessages = async (items: readonly SendItem[]) => {
      if (failed === 0 && items.some((item) => item.clientId === sends[2]!.cid)) {
        failed++;
        throw new Error('connection to the database lost');
      }
      return commit(items);
    };

    await alice.start();
    await Promise.all(sends.map((s) => s.acked));
    expect(failed).toBe(1);
    await inbox.until((m) => m.filter((x) => x.kind === 'message').length === texts.length, 'all five messages');
    expect(inbox.texts()).toEqual(texts);
    expect(failures).toEqual([]);
    expect(alice.outbox.size).toBe(0);
  }, 60_000);
});
