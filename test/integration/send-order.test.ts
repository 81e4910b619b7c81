import { expect, it } from 'vitest';
import { encodeFrame, type RawMessage } from '../../src/protocol/index.js';
import { secretFor } from '../support/chat-client.js';
import { closeAfterEach } from '../support/close-after-each.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { describeEachServer, type TestServer } from '../support/start-server.js';

const closers = closeAfterEach();

/** A raw framed user on a node port, greeted and signed up. */
async function frameUser(server: TestServer, name: string): Promise<FrameClient & { userId: number }> {
  const client = await connectTcpClient(server.listening.ports[0]!);
  closers.push(() => client.close());
  expect(await client.request({ t: 'hello', id: 1, versions: [1] })).toMatchObject({ t: 'ok' });
  const reply = await client.request({ t: 'signup', id: 2, name, secret: secretFor(name) });
  expect(reply).toMatchObject({ t: 'ok' });
  return Object.assign(client, { userId: (reply.user as { id: number }).id });
}

/** The replies to requests with ids in `ids`, by id, once every one has come (pushes are skipped). */
async function repliesTo(client: FrameClient, ids: readonly number[]): Promise<Map<number, RawMessage>> {
  const replies = new Map<number, RawMessage>();
  while (replies.size < ids.length) {
    const frame = await client.next(60_000);
    if ((frame.t === 'ok' || frame.t === 'error') && typeof frame.id === 'number' && ids.includes(frame.id)) replies.set(frame.id, frame);
  }
  return replies;
}

describeEachServer('send order (protocol.md § Delivery, "In the order sent")', (start) => {
  it('pipelined sends into a new direct conversation, from several connections at once, take seqs in the order each was sent', async () => {
    const server = await start();
    const senders = 6;
    const sends = 40;
    const users = await Promise.all(Array.from({ length: senders }, (_, n) => frameUser(server, `order_${n}`)));
    // Each sends to the next one round the ring, all at once, so the first sends of a pair race to
    // create their conversation from two connections, and each connection has many sends in flight.
    const ids = Array.from({ length: sends }, (_, n) => 100 + n);
    const answered = users.map(async (user, u) => {
      const to = users[(u + 1) % senders]!.userId;
      user.write(Buffer.concat(ids.map((id) => encodeFrame({ t: 'send', id, to, cid: `o${u}-${id}`, body: Buffer.from(`o${u}-${id}`) }))));
      return repliesTo(user, ids);
    });
    for (const replies of await Promise.all(answered)) {
      const acks = ids.map((id) => replies.get(id)!);
      expect(acks.every((ack) => ack.t === 'ok')).toBe(true);
      const seqs = acks.map((ack) => ack.seq as number);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(acks.map((ack) => ack.conversation)).size).toBe(1);
    }
  }, 120_000);
});
