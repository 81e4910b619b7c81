import { afterEach, expect, it } from 'vitest';
import { ChatTestClient } from '../support/chat-client.js';
import { describeEachServer } from '../support/start-server.js';

const CLIENTS = 50;
const MESSAGES_EACH = 100;

const clients: ChatTestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** A small deterministic PRNG, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

describeEachServer('chat under concurrent load', (start) => {
  it(`${CLIENTS} clients each sending ${MESSAGES_EACH} messages to random others: every message delivered exactly once, in order per conversation`, async () => {
    const server = await start({ nodePorts: 4 });
    const users = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const client = await ChatTestClient.connect(server.listening.coordinatorPort);
        clients.push(client);
        return client.signup(`load${i}`);
      }),
    );
    await Promise.all(users.map((u) => u.sync()));
    // The coordinator spread the clients over every port.
    expect(server.core.load.snapshot().every((p) => p.connections >= CLIENTS / 4 - 1)).toBe(true);

    const sentTo = new Map<number, Set<string>>(users.map((u) => [u.id, new Set()]));
    await Promise.all(
      users.map(async (sender, index) => {
        const next = random(index + 1);
        for (let n = 0; n < MESSAGES_EACH; n++) {
          let peer = users[Math.floor(next() * CLIENTS)]!;
          if (peer === sender) peer = users[(index + 1) % CLIENTS]!;
          const cid = `${sender.id}-${n}`;
          await sender.send({ to: peer.id }, cid, cid);
          sentTo.get(peer.id)!.add(cid);
        }
      }),
    );

    for (const receiver of users) {
      const expected = sentTo.get(receiver.id)!;
      await receiver.until(
        () => receiver.messages().filter((m) => m.from !== receiver.id).length >= expected.size,
        `${receiver.user?.name} receives ${expected.size} messages`,
        30_000,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const receiver of users) {
      const received = receiver
        .messages()
        .filter((m) => m.from !== receiver.id)
        .map((m) => m.cid);
      expect(received.length, `${receiver.user?.name}: no duplicates`).toBe(new Set(received).size);
      expect(new Set(received)).toEqual(sentTo.get(receiver.id));
      // Per conversation the session saw seq 1, 2, 3, … with no gap, repeat or reordering.
      const byConversation = new Map<number, number[]>();
      for (const m of receiver.messages(undefined, 'any'))
        byConversation.set(m.conversation, [...(byConversation.get(m.conversation) ?? []), m.seq]);
      for (const [conversation, seqs] of byConversation) {
        expect(seqs, `conversation ${conversation} as ${receiver.user?.name} saw it`).toEqual(seqs.map((_, i) => i + 1));
      }
    }
  }, 120_000);
});
