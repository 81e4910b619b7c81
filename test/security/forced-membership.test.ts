import { expect, it } from 'vitest';
import {
  encodeFrame,
  FrameDecoder,
  GROUP_NAME_MAX,
  GROUP_SIZE_MAX,
  GROUPS_PER_USER_MAX,
  MAX_FRAME_BYTES_CEILING,
  SERVER_FRAME_BOUNDS,
} from '../../src/protocol/index.js';
import { DEFAULT_MAX_OUTBOUND_BYTES } from '../../src/server/chat-server.js';
import type { UserId } from '../../src/store/chat-store.js';
import { useServerWithClients } from '../support/client-harness.js';
import { refusal } from '../support/refusal.js';

const world = useServerWithClients();
const { clients } = world;

/**
 * Finding 8 of the second security review (issue 17), its second half: anyone could put anyone into
 * any number of 1,000-member groups, and about 800 of them pushed the victim's `sync` reply past the
 * client's frame limit, locking them out. A user is now in at most GROUPS_PER_USER_MAX groups and a
 * group has at most GROUP_SIZE_MAX members, both checked in the transaction that would pass them, so
 * what others can load onto a user's sync is bounded (protocol.md § Limits); the user leaves a group
 * to make room, and blocks whoever fills them (test/security/blocking.test.ts).
 */

const credentials = {
  verifier: Buffer.alloc(32),
  salt: Buffer.alloc(16),
  kdf: 'scrypt:16384:8:1:32',
  publicKey: null,
  kind: 'modern' as const,
};

it('finding 8: nobody can put a user into more groups than the limit, or a group past its size; a leave makes room', async () => {
  const alice = await clients.open('alice', 'signup');
  const mallory = await clients.open('mallory', 'signup');
  const store = world.server.core.services.store;
  // Mallory's helpers (made in the store: signing up a thousand clients would only be slow).
  const fillers: UserId[] = [];
  for (let i = 0; i < GROUP_SIZE_MAX - 1; i++) fillers.push((await store.createUser({ name: `filler_${i}`, ...credentials })).id);

  // Alice is put into as many groups as there may be, all but the last made in the store.
  for (let g = 1; g < GROUPS_PER_USER_MAX; g++) await store.createGroup(fillers[0]!, `forced ${g}`, [alice.user.id]);
  const { conversation: last } = await mallory.request({ t: 'group_create', name: 'forced last', members: [alice.user.id] });

  // One more is refused, by group_create and by group_add alike, naming her; nothing is made for her.
  const full = `conflict: alice is already in ${GROUPS_PER_USER_MAX} groups, the most one user can be in: they must leave one first`;
  expect(await refusal(mallory.request({ t: 'group_create', name: 'one more', members: [alice.user.id] }))).toBe(full);
  const { conversation: spare } = await mallory.request({ t: 'group_create', name: 'spare', members: [] });
  expect(await refusal(mallory.request({ t: 'group_add', conversation: spare.conversation, user: alice.user.id }))).toBe(full);
  expect((await mallory.request({ t: 'conversations' })).conversations.filter((c) => c.name === 'one more')).toEqual([]);

  // A group is full at GROUP_SIZE_MAX members: nobody else gets in.
  const { conversation: crowded } = await store.createGroup(mallory.user.id, 'crowded', fillers);
  const carol = await clients.open('carol', 'signup');
  expect(await refusal(mallory.request({ t: 'group_add', conversation: crowded.id, user: carol.user.id }))).toBe(
    `conflict: #crowded has ${GROUP_SIZE_MAX} members, the most a group can have`,
  );

  // Alice, on a new device, logs in and syncs every one of her groups.
  const again = await clients.open('alice', 'login', { home: await clients.home() });
  expect([...again.conversations.values()].filter((c) => c.kind === 'group')).toHaveLength(GROUPS_PER_USER_MAX);

  // Leaving one makes room: a friend's group takes her again.
  await alice.request({ t: 'group_leave', conversation: last.conversation });
  const { conversation: friends } = await carol.request({ t: 'group_create', name: 'friends', members: [alice.user.id] });
  expect(friends.members.map((m) => m.user)).toContain(alice.user.id);
}, 120_000);

it('finding 8: the largest sync reply others can make for a user — every group full, every cursor at its widest — fits what the server queues and the client reads', () => {
  const wide = 2 ** 40; // seqs and ids as large as a long-lived deployment's, so each takes its widest encoding
  const members = Array.from({ length: GROUP_SIZE_MAX }, (_, i) => ({
    user: wide + i,
    role: 'member' as const,
    joinedSeq: wide,
    deliveredSeq: wide,
    readSeq: wide,
  }));
  const conversations = Array.from({ length: GROUPS_PER_USER_MAX }, (_, g) => ({
    conversation: wide + g,
    kind: 'group' as const,
    name: 'n'.repeat(GROUP_NAME_MAX),
    lastSeq: wide,
    role: 'member' as const,
    joinedSeq: wide,
    deliveredSeq: wide,
    readSeq: wide,
    unread: wide,
    members,
  }));
  const reply = encodeFrame({ t: 'ok', id: 1, conversations });
  // Half of what the server queues for a connection: the backlog's first pushes follow the reply.
  expect(reply.byteLength).toBeLessThan(DEFAULT_MAX_OUTBOUND_BYTES / 2);
  expect(reply.byteLength).toBeLessThan(MAX_FRAME_BYTES_CEILING);
  // And the client takes it: its decoder's bounds (entries, depth) pass it.
  const decoded: unknown[] = [];
  new FrameDecoder({ limits: { ...SERVER_FRAME_BOUNDS, maxFrameBytes: MAX_FRAME_BYTES_CEILING } }).feed(reply, (message) =>
    decoded.push(message),
  );
  expect((decoded[0] as { conversations: unknown[] }).conversations).toHaveLength(GROUPS_PER_USER_MAX);
});
