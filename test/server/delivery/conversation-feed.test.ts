import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationFeed, type FeedSink } from '../../../src/server/delivery/conversation-feed.js';
import type { ChatStore, MessageRecord, UserRecord } from '../../../src/store/chat-store.js';
import { silentLogger } from '../../../src/util/logger.js';
import { openTestServices, type TestServices } from '../../support/test-services.js';

let test: TestServices;
let store: ChatStore;
let counter = 0;

beforeAll(async () => {
  test = await openTestServices();
  store = test.services.store;
});
afterAll(async () => {
  await test?.close();
});

const credentials = {
  verifier: Buffer.alloc(32),
  salt: Buffer.alloc(16),
  kdf: 'scrypt:16384:8:1:32',
  publicKey: null,
  kind: 'modern' as const,
};

/** An admin and a member in a fresh group, and the member's window as a cache read it before anything changed. */
async function groupOfTwo() {
  const admin = await store.createUser({ name: `feed_admin_${++counter}`, ...credentials });
  const member = await store.createUser({ name: `feed_member_${counter}`, ...credentials });
  const { conversation } = await store.createGroup(admin.id, `feed-${counter}`, [member.id]);
  const window = (await store.memberOf(conversation.id, member.id))!;
  return { admin, member, conversation: conversation.id, window };
}

async function send(sender: UserRecord, conversation: number, text: string): Promise<MessageRecord> {
  const [outcome] = await store.commitMessages([
    { senderId: sender.id, conversationId: conversation, clientId: `${text}-${++counter}`, body: Buffer.from(text) },
  ]);
  if (outcome?.status !== 'stored') throw new Error(`not stored: ${JSON.stringify(outcome)}`);
  return outcome.message;
}

/** A session that takes everything at once and records what it was given. */
function recordingSink(): FeedSink & { delivered: MessageRecord[] } {
  const delivered: MessageRecord[] = [];
  return { delivered, open: true, deliver: (m) => delivered.push(m), writable: () => Promise.resolve() };
}

const textOf = (m: MessageRecord) => (m.kind === 'message' ? Buffer.from(m.body).toString() : m.kind);

describe('ConversationFeed: a removed member on a node whose membership cache is stale', () => {
  it('catch-up stops at the member’s own removal row even when the window it was given is still open', async () => {
    const { admin, member, conversation, window } = await groupOfTwo();
    await send(admin, conversation, 'before');
    const removal = await store.changeMembership(admin.id, conversation, { type: 'remove', userId: member.id });
    await send(admin, conversation, 'after the removal');

    const sink = recordingSink();
    // The window as another node's cache still has it: open.
    const feed = new ConversationFeed(conversation, 0, window, store, sink, silentLogger);
    feed.catchUp();
    await feed.whenIdle();

    expect(sink.delivered.map(textOf)).toEqual(['created', 'member_added', 'before', 'member_removed']);
    expect(feed.cursor).toBe(removal.seq);
  });

  it('a live offer after the removal row is dropped, and a stale window cannot reopen it', async () => {
    const { admin, member, conversation, window } = await groupOfTwo();
    const sink = recordingSink();
    const feed = new ConversationFeed(conversation, 0, window, store, sink, silentLogger);
    feed.catchUp();
    await feed.whenIdle();
    const removal = await store.changeMembership(admin.id, conversation, { type: 'remove', userId: member.id });
    feed.offer(removal);
    const after = await send(admin, conversation, 'after the removal');

    // Fan-out on the stale node: the cached window says the member is current, then offers the row.
    feed.setWindow(window.joinedSeq, null);
    feed.offer(after);
    feed.catchUp();
    await feed.whenIdle();

    expect(sink.delivered.at(-1)).toEqual(removal);
    expect(sink.delivered.map(textOf)).not.toContain('after the removal');
  });

  it('a live offer past a missed removal row catches up from the store and stops there', async () => {
    const { admin, member, conversation, window } = await groupOfTwo();
    const sink = recordingSink();
    const feed = new ConversationFeed(conversation, 0, window, store, sink, silentLogger);
    feed.catchUp();
    await feed.whenIdle();
    const removal = await store.changeMembership(admin.id, conversation, { type: 'remove', userId: member.id });
    const after = await send(admin, conversation, 'after the removal');

    feed.offer(after); // the removal was committed on another node and has not been offered here
    await feed.whenIdle();

    expect(sink.delivered.at(-1)).toEqual(removal);
    expect(feed.cursor).toBe(removal.seq);
  });

  it('leaving closes the window at the member_left row the same way', async () => {
    const { admin, member, conversation, window } = await groupOfTwo();
    const left = await store.changeMembership(member.id, conversation, { type: 'leave' });
    await send(admin, conversation, 'after leaving');
    const sink = recordingSink();
    const feed = new ConversationFeed(conversation, 0, window, store, sink, silentLogger);
    feed.catchUp();
    await feed.whenIdle();
    expect(sink.delivered.at(-1)).toEqual(left);
  });

  it('a re-add (a later window) reopens the feed from the re-add on', async () => {
    const { admin, member, conversation, window } = await groupOfTwo();
    const sink = recordingSink();
    const feed = new ConversationFeed(conversation, 0, window, store, sink, silentLogger);
    await store.changeMembership(admin.id, conversation, { type: 'remove', userId: member.id });
    await send(admin, conversation, 'while away');
    feed.catchUp();
    await feed.whenIdle();
    await store.changeMembership(admin.id, conversation, { type: 'add', userId: member.id });
    await send(admin, conversation, 'welcome back');

    const back = (await store.memberOf(conversation, member.id))!;
    feed.setWindow(back.joinedSeq, back.leftSeq);
    feed.catchUp();
    await feed.whenIdle();

    expect(sink.delivered.map(textOf)).toEqual(['created', 'member_added', 'member_removed', 'member_added', 'welcome back']);
  });
});
