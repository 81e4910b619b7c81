import { afterEach, expect, it } from 'vitest';
import type { ChatClient } from '../../src/client/chat-client.js';
import { collect, testClients } from '../support/client-harness.js';
import { LegacyTestClient, type LegacyReply } from '../support/legacy-client.js';
import { describeEachServer, type TestServer } from '../support/start-server.js';

let server: TestServer;
const clients = testClients(() => server.listening.coordinatorPort);
const legacy: LegacyTestClient[] = [];
afterEach(async () => {
  await Promise.all(legacy.splice(0).map((c) => c.close()));
  await clients.cleanup();
});

async function legacyReady(name: string): Promise<{ client: LegacyTestClient; notifications: LegacyReply }> {
  const client = await LegacyTestClient.connect(server.listening.coordinatorPort, name);
  legacy.push(client);
  expect(await client.signup()).toBe('1');
  return { client, notifications: await client.startNotifications() };
}

/** A user's `PublicKey(n, e)` as the legacy client was shown it in Notifications.list. */
function keyIn(notifications: LegacyReply, name: string): { id: string; key: string } {
  const row = (notifications.list as unknown[][]).find((r) => r[0] === name.toUpperCase());
  if (!row) throw new Error(`${name} not in the list`);
  return { id: row[1] as string, key: row[3] as string };
}

function idOf(client: ChatClient): string {
  return String(client.user.id);
}

describeEachServer('legacy (2022) clients with modern clients', (start) => {
  it('direct messages both ways: decrypted by the modern client as from an unverified legacy client, and by the legacy client', async () => {
    server = await start();
    const alice = await clients.open('alice', 'signup');
    const inbox = collect(alice);
    const { client: leo, notifications } = await legacyReady('leo');
    const aliceKey = keyIn(notifications, 'alice');
    expect(aliceKey.id).toBe(idOf(alice));
    expect(aliceKey.key).toMatch(/^PublicKey\(\d{600,}, 65537\)$/); // her separate RSA-2048 legacy key

    leo.sendMessage(aliceKey.id, aliceKey.key, 'hi alice, from 2022');
    await inbox.until((m) => m.some((x) => x.kind === 'message'), 'the legacy message');
    expect(inbox.messages.filter((m) => m.kind === 'message')).toEqual([
      expect.objectContaining({ from: Number(leo.id), text: 'hi alice, from 2022', trust: 'unverified', reason: 'legacy' }),
    ]);

    const leoView = await alice.findUser('leo');
    expect(leoView).toMatchObject({ kind: 'legacy', online: true });
    await (
      await alice.send({ user: leoView.id }, 'hi leo, from the future')
    ).acked;
    const reply = await leo.waitFor((o) => o['info-type'] === 'inst-msg', 'inst-msg');
    expect(reply.sender).toBe(idOf(alice));
    expect(leo.decrypt(reply.text as string)).toBe('hi leo, from the future');

    // Longer than one 117-byte block: split at spaces into several messages.
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    await (
      await alice.send({ user: leoView.id }, long)
    ).acked;
    const piecesSoFar = () =>
      leo.objects
        .filter((o) => o['info-type'] === 'inst-msg')
        .slice(1)
        .map((o) => leo.decrypt(o.text as string));
    await leo.waitFor(() => piecesSoFar().join(' ').length >= long.length, 'every piece of the long message');
    const pieces = piecesSoFar();
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    expect(pieces.every((p) => p.length <= 117)).toBe(true);
    expect(pieces.join(' ')).toBe(long);

    // Not ASCII: refused with a clear error, nothing sent.
    await expect(alice.send({ user: leoView.id }, 'café ☕')).rejects.toMatchObject({
      code: 'legacy_text',
      message: expect.stringMatching(/LEO.*ASCII/),
    });
    // What alice's own client shows of the conversation: her own messages, readable, never the copies for leo.
    const mine = inbox.messages.filter((m) => m.kind === 'message' && m.from === alice.user.id);
    expect(mine.map((m) => [m.text, m.trust])).toEqual([
      ['hi leo, from the future', 'verified'],
      [long, 'verified'],
    ]);
  });

  it('a legacy message that does not decrypt is shown like any other undecryptable message', async () => {
    server = await start();
    const alice = await clients.open('alice', 'signup');
    const inbox = collect(alice);
    const { client: leo } = await legacyReady('leo');
    // Encrypted to leo's own key instead of alice's: well-formed, but not hers to open.
    leo.sendMessage(idOf(alice), leo.publicKeyText, 'not for alice');
    await inbox.until((m) => m.some((x) => x.kind === 'message'), 'the message');
    expect(inbox.messages.find((m) => m.kind === 'message')).toMatchObject({
      text: undefined,
      trust: 'undecryptable',
      reason: 'bad_ciphertext',
    });
  });

  it('a mixed group, both directions: each member reads each message exactly once', async () => {
    server = await start();
    const alice = await clients.open('alice', 'signup');
    const bob = await clients.open('bob', 'signup');
    const [aliceInbox, bobInbox] = [collect(alice), collect(bob)];
    const { client: leo, notifications } = await legacyReady('leo');
    const { conversation } = await alice.request({ t: 'group_create', name: 'mixed', members: [bob.user.id, Number(leo.id)] });
    const added = await leo.waitFor((o) => o['info-type'] === 'group_added', 'group_added');
    expect(added).toEqual({
      'info-type': 'group_added',
      group_name: 'mixed',
      admin: idOf(alice),
      group_id: String(conversation.conversation),
      group_members: [idOf(alice), idOf(bob), leo.id],
    });

    await (
      await alice.send({ conversation: conversation.conversation }, 'hello mixed group')
    ).acked;
    const fromAlice = await leo.waitFor((o) => o['info-type'] === 'grp-inst-msg', 'grp-inst-msg');
    expect(fromAlice).toMatchObject({ sender: idOf(alice), group_id: String(conversation.conversation) });
    expect(leo.decrypt(fromAlice.text as string)).toBe('hello mixed group');

    const members = [keyIn(notifications, 'alice'), keyIn(notifications, 'bob'), { id: leo.id!, key: leo.publicKeyText }];
    leo.sendGroupMessage(String(conversation.conversation), members, 'hello from leo');
    const fromLeo = (m: { from: number; kind: string }) => m.kind === 'message' && m.from === Number(leo.id);
    await aliceInbox.until((m) => m.some(fromLeo), 'leo at alice');
    await bobInbox.until((m) => m.some(fromLeo) && m.some((x) => x.text === 'hello mixed group'), 'both at bob');
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const inbox of [aliceInbox, bobInbox]) {
      expect(inbox.messages.filter((m) => m.kind === 'message').map((m) => [m.text, m.trust, m.reason])).toEqual([
        ['hello mixed group', 'verified', undefined],
        ['hello from leo', 'unverified', 'legacy'],
      ]);
    }
    expect(leo.objects.filter((o) => o['info-type'] === 'grp-inst-msg').map((o) => o.sender)).toEqual([idOf(alice), leo.id]);
  });

  it('offline delivery to a legacy user arrives in Notifications, exactly once', async () => {
    server = await start();
    const alice = await clients.open('alice', 'signup');
    const { client: leo } = await legacyReady('leo');
    const leoId = Number(leo.id);
    const keys = leo.keys;
    await alice.findUser('leo');
    await leo.close();
    await (
      await alice.send({ user: leoId }, 'while you were out')
    ).acked;

    const back = await LegacyTestClient.connect(server.listening.coordinatorPort, 'leo', keys);
    legacy.push(back);
    expect(await back.login()).toBe('1');
    const notifications = await back.startNotifications();
    expect((notifications.unread as string[][]).map(([sender, text]) => [sender, back.decrypt(text!)])).toEqual([
      [idOf(alice), 'while you were out'],
    ]);
    await back.close();

    const third = await LegacyTestClient.connect(server.listening.coordinatorPort, 'leo', keys);
    legacy.push(third);
    expect(await third.login()).toBe('1');
    expect((await third.startNotifications()).unread).toEqual([]);
  });
});
