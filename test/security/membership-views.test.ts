import { expect, it } from 'vitest';
import { FRAME_HEADER_BYTES, encodeFrame, sharedEncoding, type Push } from '../../src/protocol/index.js';
import { unpackValue } from '../../src/protocol/msgpack.js';
import { pushViews, viewFor } from '../../src/server/delivery/membership-change.js';
import type { ConversationMembers } from '../../src/server/delivery/memberships.js';
import type { ServerServices } from '../../src/server/services.js';
import type { MemberRecord, UserId } from '../../src/store/chat-store.js';

const SIZE = 1000;

function largeGroup(): ConversationMembers {
  const members = new Map<UserId, MemberRecord>();
  for (let i = 1; i <= SIZE; i++) {
    const userId = i;
    members.set(userId, {
      userId,
      role: i === 1 ? 'admin' : 'member',
      joinedSeq: i,
      leftSeq: null,
      deliveredSeq: 500 + i,
      readSeq: 400 + i,
    });
  }
  // One member who has left: their view lists no one.
  members.set(SIZE + 1, { userId: SIZE + 1, role: 'member', joinedSeq: 2, leftSeq: 90, deliveredSeq: 90, readSeq: 0 });
  const conversation = { id: 5, kind: 'group', name: 'everyone', lastSeq: 2000 } as unknown as ConversationMembers['conversation'];
  return { conversation, members };
}

it('finding 10: a membership change in a 1,000-member group builds and encodes the member list once, not once per member', () => {
  const entry = largeGroup();
  const pushes: Array<{ to: UserId; push: Push }> = [];
  const services = {
    fanout: { toUsers: (users: Iterable<UserId>, push: Push) => [...users].forEach((to) => pushes.push({ to, push })) },
  } as unknown as ServerServices;
  pushViews(services, entry, [SIZE + 1]);

  expect(pushes).toHaveLength(SIZE + 1);
  const lists = new Set(pushes.filter(({ to }) => to <= SIZE).map(({ push }) => (push as { members: unknown }).members));
  expect(lists.size).toBe(1); // one list for all current members…
  expect(sharedEncoding([...lists][0])).toBeDefined(); // …encoded once, its bytes copied into each frame
  // And each member still gets exactly its own view, members and all, once decoded.
  for (const { to, push } of [pushes[0]!, pushes[SIZE - 1]!, pushes[SIZE]!]) {
    const frame = encodeFrame(push);
    expect(unpackValue(frame.subarray(FRAME_HEADER_BYTES))).toEqual({ t: 'conversation', ...viewFor(entry, to) });
  }
  expect((pushes[SIZE]!.push as { members: readonly unknown[] }).members).toEqual([]);
});
