import { afterEach, expect, it } from 'vitest';
import { collect, testClients } from '../support/client-harness.js';
import { startReorderProxy, type ReorderProxy } from '../support/reorder-proxy.js';
import { describeEachServer, type TestServer } from '../support/start-server.js';

/**
 * Issue 16 (found by chaos): a client's cursor moves only over seqs without holes. A row that arrives
 * ahead of an earlier one must not carry the cursor past it: the app still gets every row once, in
 * seq order, whether the earlier row comes later by push or never does (history has it).
 */
describeEachServer('a client never skips a row', (start) => {
  let server: TestServer;
  let proxy: ReorderProxy | undefined;
  const clients = testClients(() => server.listening.coordinatorPort);
  afterEach(async () => {
    await clients.cleanup();
    await proxy?.close();
    proxy = undefined;
  });

  /** Alice (direct) and Bob (through the reordering proxy), with a direct conversation Bob has read. */
  async function directConversation() {
    server = await start();
    proxy = await startReorderProxy({ host: '127.0.0.1', port: server.listening.ports[0]! });
    const alice = await clients.open('alice', 'signup');
    const bob = await clients.open('bob', 'signup', { coordinatorPort: proxy.coordinatorPort });
    const seen = collect(bob);
    const { conversation } = await (await alice.send({ user: bob.user.id }, 'hello')).acked;
    await seen.until((m) => m.some((x) => x.text === 'hello'), 'the first message');
    /** Sends in order (one outbox pass) and waits for every ack. */
    const send = async (...texts: string[]) => {
      const sends = [];
      for (const text of texts) sends.push(await alice.send({ conversation }, text));
      return Promise.all(sends.map((s) => s.acked));
    };
    return { bob, seen, conversation, send };
  }

  it('rows pushed as 27, 28, then 26: the app gets 26, 27, 28, each once', async () => {
    const { bob, seen, conversation, send } = await directConversation();
    const held = proxy!.holdNextMessage(2);
    await send('one', 'two', 'three');
    expect((await held).seq).toBe((await bob.history(conversation)).find((m) => m.text === 'one')!.seq);
    // The late 'one' goes right after 'three': once 'four' is in, the late one was handled.
    const [four] = await send('four');
    await seen.until((m) => m.some((x) => x.text === 'four'), 'the message after the late one');
    expect(seen.texts()).toEqual(['hello', 'one', 'two', 'three', 'four']);
    expect(seen.messages.map((m) => m.seq)).toEqual(seen.messages.map((_, i) => seen.messages[0]!.seq + i));
    expect(bob.state.cursor(conversation)).toBe(four!.seq);
  });

  it('a row never pushed (26 lost, 27 and 28 arrive): history fills it in before 27', async () => {
    const { bob, seen, conversation, send } = await directConversation();
    void proxy!.holdNextMessage(Infinity);
    const [, , three] = await send('one', 'two', 'three');
    await seen.until((m) => m.some((x) => x.text === 'three'), 'the last message');
    expect(seen.texts()).toEqual(['hello', 'one', 'two', 'three']);
    expect(bob.state.cursor(conversation)).toBe(three!.seq);
  });

  it("a row that failed to be read (its sender's key lookup failed) is read again before the next row, not skipped", async () => {
    const { bob, seen } = await directConversation();
    const carol = await clients.open('carol', 'signup');
    // Bob has never looked carol up: reading her first row asks the server for her key, and that fails.
    proxy!.failNextReply('users');
    const { conversation } = await (await carol.send({ user: bob.user.id }, 'first from carol')).acked;
    const { seq } = await (await carol.send({ conversation }, 'second from carol')).acked;
    await seen.until((m) => m.some((x) => x.text === 'second from carol'), 'carol’s second row');
    expect(seen.texts()).toEqual(['hello', 'first from carol', 'second from carol']);
    expect(bob.state.cursor(conversation)).toBe(seq);
  });

  it("a conversation's last row that failed to be read (no later row will fill it in) is read again", async () => {
    const { bob, seen } = await directConversation();
    const carol = await clients.open('carol', 'signup');
    proxy!.failNextReply('users');
    const { conversation, seq } = await (await carol.send({ user: bob.user.id }, 'only from carol')).acked;
    await seen.until((m) => m.some((x) => x.text === 'only from carol'), 'carol’s row, read again');
    expect(seen.texts()).toEqual(['hello', 'only from carol']);
    expect(bob.state.cursor(conversation)).toBe(seq);
  });

  it('a member added back skips the seqs of the time away (a legitimate gap) and gets the new window once, in order', async () => {
    server = await start();
    const ann = await clients.open('ann', 'signup');
    const ben = await clients.open('ben', 'signup');
    const seen = collect(ben);
    const { conversation: group } = await ann.request({ t: 'group_create', name: 'pair', members: [ben.user.id] });
    const conversation = group.conversation;
    await (
      await ann.send({ conversation }, 'before')
    ).acked;
    await ann.request({ t: 'group_remove', conversation, user: ben.user.id });
    await (
      await ann.send({ conversation }, 'while away')
    ).acked;
    await ann.request({ t: 'group_add', conversation, user: ben.user.id });
    const { seq: last } = await (await ann.send({ conversation }, 'back')).acked;
    await seen.until((m) => m.some((x) => x.text === 'back'), 'the message after the re-add');

    expect(seen.messages.map((m) => m.text ?? m.kind)).toEqual([
      'pair',
      'member_added',
      'before',
      'member_removed',
      'member_added',
      'back',
    ]);
    const [, , , removed, added] = seen.messages;
    expect(added!.seq - removed!.seq).toBeGreaterThan(1);
    expect(ben.state.cursor(conversation)).toBe(last);
  });
});
