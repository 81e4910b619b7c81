import { afterEach, expect, it } from 'vitest';
import type { ChatClient } from '../../src/client/chat-client.js';
import type { ConversationView, Push } from '../../src/protocol/index.js';
import { appReducer, createInitialState } from '../../src/tui/state/app-reducer.js';
import { deliveryState, readCount } from '../../src/tui/state/selectors.js';
import { collect, testClients } from '../support/client-harness.js';
import { describeEachServer, type TestServer } from '../support/start-server.js';

type Receipt = Extract<Push, { t: 'receipt' }>;

let server: TestServer | undefined;
const clients = testClients(() => server!.listening.coordinatorPort);
afterEach(async () => {
  await clients.cleanup();
});

/** Where each member stands in each conversation, as `client` has heard by `receipt` pushes. */
function receipts(client: ChatClient): {
  cursors: ReadonlyMap<string, Receipt>;
  until(what: string, done: (cursors: ReadonlyMap<string, Receipt>) => boolean): Promise<void>;
} {
  const cursors = new Map<string, Receipt>();
  const waiters = new Set<() => void>();
  client.on('receipt', (r) => {
    cursors.set(`${r.conversation}:${r.user}`, r);
    waiters.forEach((w) => w());
  });
  return {
    cursors,
    until: (what, done) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${what}: ${JSON.stringify([...cursors.values()])}`)),
          20_000,
        );
        const check = () => {
          if (!done(cursors)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}

const at = (cursors: ReadonlyMap<string, Receipt>, conversation: number, user: ChatClient) =>
  cursors.get(`${conversation}:${user.user.id}`);

/** The TUI's state for `client` seeded from its conversation views only, with one own message at `seq`. */
function tuiMark(client: ChatClient, view: ConversationView, seq: number): { state: string; read: number; of: number } {
  const me = { id: client.user.id, name: client.user.name, fingerprint: '' };
  let state = appReducer(createInitialState(me, 'test'), { type: 'conversations', views: [view] });
  state = appReducer(state, {
    type: 'received',
    messages: [
      {
        conversation: view.conversation,
        seq,
        mid: seq,
        cid: 'own',
        from: me.id,
        kind: 'message',
        text: 'x',
        sentAt: 0,
        ts: 0,
        trust: 'verified',
      },
    ],
  });
  const item = state.chat.messages[view.conversation]!.items[0]!;
  return { state: deliveryState(state, view.conversation, item), ...readCount(state, view.conversation, item) };
}

describeEachServer('message states: sent → delivered → read', (start) => {
  it(
    "a DM: bob's client acknowledges what it received, then reading it; a new device of alice sees both",
    { timeout: 60_000 },
    async () => {
      server = await start();
      const alice = await clients.open('alice', 'signup');
      const bob = await clients.open('bob', 'signup');
      const heard = receipts(alice);
      const bobInbox = collect(bob);
      const sent = await (await alice.send({ user: bob.user.id }, 'hello bob')).acked;
      const { conversation, seq } = sent;

      await bobInbox.until((m) => m.some((x) => x.text === 'hello bob'), 'bob has the message');
      // Nothing but bob's client receiving it: delivered, not read.
      await heard.until('delivered', (c) => (at(c, conversation, bob)?.deliveredSeq ?? 0) >= seq);
      expect(at(heard.cursors, conversation, bob)?.readSeq ?? 0).toBeLessThan(seq);

      await bob.markRead(conversation, seq);
      await heard.until('read', (c) => (at(c, conversation, bob)?.readSeq ?? 0) >= seq);

      // alice on a new machine: same account, fresh home. The states come back from the server.
      const alicePhone = await clients.open('alice', 'login');
      const view = alicePhone.conversations.get(conversation)!;
      expect(view.members.find((m) => m.user === bob.user.id)).toMatchObject({ deliveredSeq: seq, readSeq: seq });
      expect(tuiMark(alicePhone, view, seq)).toMatchObject({ state: 'read' });
      // Her own message is not unread for her, on any device; bob has read it too.
      expect(view.unread).toBe(0);
      expect((await bob.request({ t: 'conversations' })).conversations.find((v) => v.conversation === conversation)?.unread).toBe(0);
    },
  );

  it(
    'a group of three: delivered once both others have it, then read by 1/2, then read by all, restored on a new device',
    { timeout: 60_000 },
    async () => {
      server = await start();
      const alice = await clients.open('alice', 'signup');
      const bob = await clients.open('bob', 'signup');
      const carol = await clients.open('carol', 'signup');
      const heard = receipts(alice);
      const { conversation: group } = await alice.request({ t: 'group_create', name: 'trio', members: [bob.user.id, carol.user.id] });
      const conversation = group.conversation;
      const { seq } = await (await alice.send({ conversation }, 'hi both')).acked;

      await heard.until('delivered to both', (c) => [bob, carol].every((u) => (at(c, conversation, u)?.deliveredSeq ?? 0) >= seq));
      // The marks as the server's view gives them to a client that has no receipts of its own.
      const fromServer = async () =>
        tuiMark(
          alice,
          (await alice.request({ t: 'conversations' })).conversations.find((v) => v.conversation === conversation)!,
          seq,
        );
      expect(await fromServer()).toEqual({ state: 'delivered', read: 0, of: 2 });
      // Unread counts only the others' messages: not the group's events, not one's own.
      expect((await carol.request({ t: 'conversations' })).conversations.find((v) => v.conversation === conversation)?.unread).toBe(1);
      await (
        await carol.send({ conversation }, 'from carol')
      ).acked;
      expect((await alice.request({ t: 'conversations' })).conversations.find((v) => v.conversation === conversation)?.unread).toBe(1);
      expect((await carol.request({ t: 'conversations' })).conversations.find((v) => v.conversation === conversation)?.unread).toBe(1);

      await carol.markRead(conversation, seq);
      await heard.until('carol read', (c) => (at(c, conversation, carol)?.readSeq ?? 0) >= seq);
      expect(await fromServer()).toEqual({ state: 'delivered', read: 1, of: 2 });

      await bob.markRead(conversation, seq);
      await heard.until('bob read', (c) => (at(c, conversation, bob)?.readSeq ?? 0) >= seq);
      expect(await fromServer()).toEqual({ state: 'read', read: 2, of: 2 });
      // And on a new machine of alice (fresh home, same account), from its sync.
      const phone = await clients.open('alice', 'login');
      expect(tuiMark(phone, phone.conversations.get(conversation)!, seq)).toEqual({ state: 'read', read: 2, of: 2 });
    },
  );
});
