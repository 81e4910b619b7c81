import { afterEach, expect, it } from 'vitest';
import { ChatTestClient } from '../support/chat-client.js';
import { describeEachServer, type TestServer } from '../support/start-server.js';

const clients: ChatTestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function user(server: TestServer, name: string, mode: 'signup' | 'login' = 'signup'): Promise<ChatTestClient> {
  const client = await ChatTestClient.connect(server.listening.coordinatorPort);
  clients.push(client);
  await client[mode](name);
  return client;
}

describeEachServer('chat delivery', (start) => {
  it('two users message each other live', async () => {
    const server = await start();
    const alice = await user(server, 'alice');
    const bob = await user(server, 'bob');
    await Promise.all([alice.sync(), bob.sync()]);
    const sent = await alice.send({ to: bob.id }, 'hi bob');
    expect(sent).toMatchObject({ seq: 1, duplicate: false });
    await bob.until(() => bob.texts().length === 1, 'bob gets the message');
    expect(bob.messages()[0]).toMatchObject({ conversation: sent.conversation, seq: 1, from: alice.id, mid: sent.mid });
    await bob.send({ conversation: sent.conversation }, 'hi alice');
    await alice.until(() => alice.texts().includes('hi alice'), 'alice gets the reply');
    // Each side also sees its own message on its feed: the conversation, in order, once.
    expect(alice.texts(sent.conversation)).toEqual(['hi bob', 'hi alice']);
    expect(bob.texts(sent.conversation)).toEqual(['hi bob', 'hi alice']);
  });

  it('the first message of a conversation begun while the recipient syncs (after its conversations were read) arrives without waiting for a second', async () => {
    const server = await start();
    const alice = await user(server, 'alice');
    await alice.sync();
    const bob = await user(server, 'bob');
    const store = server.core.services.store;
    const conversationsOf = store.conversationsOf.bind(store);
    // Bob's sync has read his conversations (none yet) when alice writes to him first.
    store.conversationsOf = async (userId) => {
      const views = await conversationsOf(userId);
      if (userId === bob.id) {
        store.conversationsOf = conversationsOf;
        const { conversation } = await alice.send({ to: bob.id }, 'first words');
        // Fan-out offers each member in one pass: once alice has hers, bob's (not yet synced) was offered too.
        await alice.until(() => alice.texts(conversation).includes('first words'), 'alice sees her own message');
      }
      return views;
    };
    const { conversations } = await bob.sync();
    expect(conversations).toEqual([]);
    await bob.until(() => bob.texts().includes('first words'), 'bob gets the first message');
    expect(bob.messages()).toHaveLength(1);
  });

  it('a message to an offline user arrives exactly once after they log in', async () => {
    const server = await start();
    await (await user(server, 'carol')).close();
    const dave = await user(server, 'dave');
    const carolId = (await dave.rpc.request({ t: 'users', prefix: 'carol' })).users[0]!.id;
    for (const text of ['one', 'two', 'three']) await dave.send({ to: carolId }, text);
    const carol = await user(server, 'carol', 'login');
    const { conversations } = await carol.sync();
    expect(conversations).toHaveLength(1);
    await carol.until(() => carol.texts().length === 3, 'the backlog');
    expect(carol.messages().map((m) => [m.seq, Buffer.from(m.body).toString()])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    await dave.send({ to: carolId }, 'four');
    await carol.until(() => carol.texts().length === 4, 'the live message');
    // Nothing arrives twice, even after a receipt and a second sync from the client's cursor.
    await carol.rpc.request({ t: 'receipt', conversation: conversations[0]!.conversation, delivered: 4 });
    await carol.sync([[conversations[0]!.conversation, 4]]);
    await dave.send({ to: carolId }, 'five');
    await carol.until(() => carol.texts().length === 5, 'the fifth');
    expect(carol.texts()).toEqual(['one', 'two', 'three', 'four', 'five']);
  });

  it('a resend with the same client id is stored and delivered once', async () => {
    const server = await start();
    const erin = await user(server, 'erin');
    const frank = await user(server, 'frank');
    await frank.sync();
    const first = await erin.send({ to: frank.id }, 'only once', 'cid-1');
    const again = await erin.send({ to: frank.id }, 'only once', 'cid-1');
    expect(again).toEqual({ ...first, duplicate: true });
    await erin.send({ to: frank.id }, 'after', 'cid-2');
    await frank.until(() => frank.texts().length === 2, 'both messages');
    expect(frank.texts()).toEqual(['only once', 'after']);
    const history = await frank.rpc.request({ t: 'history', conversation: first.conversation });
    expect(history.messages.map((m) => m.cid)).toEqual(['cid-1', 'cid-2']);
  });

  it('a group of 5 members each get one copy of each message', async () => {
    const server = await start();
    const members = await Promise.all(['gina', 'hank', 'ivy', 'jack', 'kate'].map((name) => user(server, name)));
    await Promise.all(members.map((m) => m.sync()));
    const [gina, ...rest] = members as [ChatTestClient, ...ChatTestClient[]];
    const { conversation } = await gina.rpc.request({ t: 'group_create', name: 'team', members: rest.map((m) => m.id) });
    expect(conversation.members).toHaveLength(5);
    for (const m of rest) await m.waitForPush('conversation', (p) => p.conversation === conversation.conversation);
    await gina.send({ conversation: conversation.conversation }, 'hello team');
    await rest[2]!.send({ conversation: conversation.conversation }, 'hi gina');
    for (const m of members) await m.until(() => m.texts(conversation.conversation).length === 2, `${m.user?.name} gets both`);
    await new Promise((r) => setTimeout(r, 100));
    for (const m of members) expect(m.texts(conversation.conversation)).toEqual(['hello team', 'hi gina']);
    // The membership events came through the same ordered feed, once each.
    expect(rest[0]!.messages(conversation.conversation, 'any').map((m) => m.kind)).toEqual([
      'created',
      'member_added',
      'member_added',
      'member_added',
      'member_added',
      'message',
      'message',
    ]);
  });

  it('a removed member gets nothing new, live or on sync or in history, and a non-member is refused', async () => {
    const server = await start();
    const [lee, max, nat] = await Promise.all(['lee', 'max', 'nat'].map((name) => user(server, name)));
    await Promise.all([lee!.sync(), max!.sync(), nat!.sync()]);
    const { conversation } = await lee!.rpc.request({ t: 'group_create', name: 'club', members: [max!.id] });
    const id = conversation.conversation;
    await lee!.send({ conversation: id }, 'before');
    await max!.until(() => max!.texts(id).length === 1, 'the first message');
    const { seq: removedAt } = await lee!.rpc.request({ t: 'group_remove', conversation: id, user: max!.id });
    await max!.waitForPush('msg', (m) => m.kind === 'member_removed' && m.seq === removedAt);
    await lee!.send({ conversation: id }, 'after');
    await lee!.until(() => lee!.texts(id).length === 2, 'lee sees its own second message');
    // A fresh device of max asking for the whole conversation gets it only up to the removal.
    const maxAgain = await user(server, 'max', 'login');
    await maxAgain.sync([[id, 0]]);
    await maxAgain.waitForPush('msg', (m) => m.seq === removedAt);
    await new Promise((r) => setTimeout(r, 200));
    expect(maxAgain.texts(id)).toEqual(['before']);
    expect(Math.max(...maxAgain.messages(id, 'any').map((m) => m.seq))).toBe(removedAt);
    expect(max!.texts(id)).toEqual(['before']);
    const history = await max!.rpc.request({ t: 'history', conversation: id });
    expect(history.messages.map((m) => m.seq).every((s) => s <= removedAt)).toBe(true);
    await expect(max!.send({ conversation: id }, 'let me in')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(nat!.send({ conversation: id }, 'me too')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(nat!.rpc.request({ t: 'history', conversation: id })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(nat!.rpc.request({ t: 'typing', conversation: id })).rejects.toMatchObject({ code: 'forbidden' });
  });
});
