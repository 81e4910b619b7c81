import { describe, expect, it } from 'vitest';
import { collect, useServerWithClients } from '../support/client-harness.js';
import { startTestServer } from '../support/start-server.js';

const world = useServerWithClients();
const { clients } = world;

describe('ChatClient', () => {
  it('sends an end-to-end encrypted direct message that arrives verified', async () => {
    const alice = await clients.open('alice', 'signup');
    const bob = await clients.open('bob', 'signup');
    const inbox = collect(bob);
    const { acked } = await alice.send({ user: bob.user.id }, 'hello bob ✓ 🙂');
    const receipt = await acked;
    expect(receipt.seq).toBe(1);
    await inbox.until((m) => m.some((x) => x.kind === 'message'), 'the message');
    expect(inbox.messages[0]).toMatchObject({
      from: alice.user.id,
      text: 'hello bob ✓ 🙂',
      trust: 'verified',
      conversation: receipt.conversation,
    });
    expect(alice.outbox.size).toBe(0);
  });

  it('encrypts a group message once for every member, and a removed member cannot read later ones', async () => {
    const [ann, ben, cat] = [await clients.open('ann', 'signup'), await clients.open('ben', 'signup'), await clients.open('cat', 'signup')];
    const benInbox = collect(ben);
    const catInbox = collect(cat);
    const { conversation } = await ann.request({ t: 'group_create', name: 'trio', members: [ben.user.id, cat.user.id] });
    await (
      await ann.send({ conversation: conversation.conversation }, 'for all three')
    ).acked;
    await catInbox.until((m) => m.some((x) => x.text === 'for all three'), 'cat reads the first');
    await ann.request({ t: 'group_remove', conversation: conversation.conversation, user: cat.user.id });
    await (
      await ann.send({ conversation: conversation.conversation }, 'cat is gone')
    ).acked;
    await benInbox.until((m) => m.some((x) => x.text === 'cat is gone'), 'ben reads the second');
    expect(benInbox.messages.find((m) => m.text === 'cat is gone')?.trust).toBe('verified');
    expect(catInbox.texts()).toEqual(['for all three']);
    // Even given the stored ciphertext, cat's key opens nothing: the session was rotated without her.
    const stored = await world.server.core.services.store.messagesAfter(conversation.conversation, 0, null, 100);
    const { parseEnvelope, unwrapSessionKey } = await import('../../src/crypto/envelope.js');
    const after = stored.filter((m) => m.kind === 'message').at(-1)!;
    const envelope = parseEnvelope(after.body);
    expect(envelope.carriesKeys).toBe(true);
    expect(unwrapSessionKey(envelope, cat.user.id, cat.identity.privateKey)).toBeUndefined();
    expect(unwrapSessionKey(envelope, ben.user.id, ben.identity.privateKey)).toBeDefined();
  });

  it('recovers the key from the server backup on a fresh home, and reads the history', async () => {
    const dora = await clients.open('dora', 'signup');
    const eli = await clients.open('eli', 'signup');
    await (
      await dora.send({ user: eli.user.id }, 'remember this')
    ).acked;
    await (
      await eli.send({ user: dora.user.id }, 'I will')
    ).acked;
    const elsewhere = await clients.open('eli', 'login', { start: false });
    expect(elsewhere.identity.fingerprint).toBe(eli.identity.fingerprint);
    const inbox = collect(elsewhere);
    await elsewhere.start();
    const conversation = [...elsewhere.conversations.keys()][0]!;
    const history = await elsewhere.history(conversation);
    expect(history.map((m) => [m.text, m.trust])).toEqual([
      ['remember this', 'verified'],
      ['I will', 'verified'],
    ]);
    // Nothing was marked read, so the new device also receives both as its unread backlog.
    await inbox.until((m) => m.filter((x) => x.kind === 'message').length === 2, 'the unread backlog');
    expect(inbox.messages.map((m) => [m.text, m.trust])).toEqual([
      ['remember this', 'verified'],
      ['I will', 'verified'],
    ]);
    await expect(clients.open('eli', 'login', { password: 'not the password' })).rejects.toMatchObject({ code: 'wrong_password' });
  });

  it('finds a session key further back when a device starts reading in the middle of a session', async () => {
    const hal = await clients.open('hal', 'signup');
    const ida = await clients.open('ida', 'signup');
    let conversation = 0;
    for (const text of ['one (carries the key)', 'two', 'three'])
      conversation = (await (await hal.send({ user: ida.user.id }, text)).acked).conversation;
    // ida read the first message: a new device starts after it, never seeing the key message.
    await ida.request({ t: 'receipt', conversation, read: 1 });
    const laptop = await clients.open('ida', 'login', { start: false });
    const inbox = collect(laptop);
    await laptop.start();
    await inbox.until((m) => m.filter((x) => x.kind === 'message').length === 2, 'the two later messages');
    expect(inbox.messages.map((m) => [m.seq, m.text, m.trust])).toEqual([
      [2, 'two', 'verified'],
      [3, 'three', 'verified'],
    ]);
  });

  it('keeps messages written while the server is down in the outbox, across a client restart, and sends them when it returns', async () => {
    const home = await clients.home();
    const fay = await clients.open('fay', 'signup', { home });
    const gil = await clients.open('gil', 'signup');
    const gilInbox = collect(gil);
    await (
      await fay.send({ user: gil.user.id }, 'before the outage')
    ).acked;
    const ports = { node: world.server.listening.ports, coordinator: world.server.listening.coordinatorPort };
    const dataDir = world.server.dataDir;
    const first = world.server;
    await first.close();
    await expect.poll(() => fay.status.state).toBe('reconnecting');
    await fay.send({ user: gil.user.id }, 'written offline 1');
    await fay.send({ user: gil.user.id }, 'written offline 2');
    expect(fay.outbox.size).toBe(2);
    await fay.close();
    world.server = await startTestServer({ ports: { node: ports.node, coordinator: ports.coordinator }, dataDir });
    // The first server's folder is the second's now; remove it once, at the end.
    const second = world.server;
    world.server = { ...second, stop: async () => (await second.stop(), await first.stop()) };
    // gil's client reconnects by itself; fay's restarts and flushes its outbox from disk.
    const fayAgain = await clients.open('fay', 'login', { home });
    await gilInbox.until((m) => m.filter((x) => x.kind === 'message').length === 3, 'all three messages');
    expect(gilInbox.texts()).toEqual(['before the outage', 'written offline 1', 'written offline 2']);
    await expect.poll(() => fayAgain.outbox.size).toBe(0);
  });
});
