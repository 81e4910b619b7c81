import { describe, expect, it } from 'vitest';
import { GROUP_MEMBERS_MAX, GROUP_NAME_MAX, MESSAGE_BODY_MAX_BYTES, USER_NAME_MAX } from '../../src/protocol/index.js';
import { ChatTestClient, secretFor } from '../support/chat-client.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { closeAfterEach } from '../support/close-after-each.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer | undefined;
const closers = closeAfterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function chatUser(name: string): Promise<ChatTestClient> {
  const client = await ChatTestClient.connectToPort(server!.listening.ports[0]!);
  closers.push(() => client.close());
  await client.signup(name);
  await client.sync();
  return client;
}

async function frameUser(name: string): Promise<{ client: FrameClient; id: number }> {
  const client = await connectTcpClient(server!.listening.ports[0]!);
  closers.push(() => client.close());
  expect(await client.request({ t: 'hello', id: 1, versions: [1] })).toMatchObject({ t: 'ok' });
  const reply = await client.request({ t: 'signup', id: 2, name, secret: secretFor(name) });
  expect(reply).toMatchObject({ t: 'ok' });
  return { client, id: (reply.user as { id: number }).id };
}

describe('limit: outbound bytes for a client that does not read (slow_consumer)', () => {
  it('cuts the slow reader, logs its session out (presence offline), and loses nothing for the sender or for its next sync', async () => {
    // Above the catch-up high water (256 KiB) plus a message, as the default 8 MiB is.
    server = await startTestServer({ limits: { maxOutboundBytes: 1024 * 1024, sendRatePerS: 0 } });
    const ann = await chatUser('ann');
    const ben = await frameUser('ben');
    expect(await ben.client.request({ t: 'sync', id: 3 })).toMatchObject({ t: 'ok' });
    const { presence } = server.core.services;
    expect(presence.isOnline(ben.id)).toBe(true);
    ben.client.stream.pause(); // ben stops reading; the kernel's buffers fill, then the server's queue

    const body = 'x'.repeat(60 * 1024);
    let sent = 0;
    // Each send is acknowledged to ann whatever becomes of ben; the cap only bounds a broken test.
    while (presence.isOnline(ben.id)) {
      await ann.send({ to: ben.id }, `${sent}:${body}`);
      sent++;
      expect(sent).toBeLessThan(1000);
    }
    const offline = await ann.waitForPush('presence', (p) => p.user === ben.id && !p.online);
    expect(offline.online).toBe(false);
    expect(presence.sessionsOf(ben.id).size).toBe(0);
    // Ann carries on.
    await ann.send({ to: ben.id }, 'after the drop');
    sent++;

    // Ben comes back and syncs from nothing: every message is there, once (a backlog many times the
    // outbound limit: catch-up waits for the client to read rather than tripping the limit).
    ben.client.stream.destroy();
    const benAgain = await ChatTestClient.connectToPort(server.listening.ports[0]!);
    closers.push(() => benAgain.close());
    await benAgain.login('ben');
    await benAgain.sync();
    await benAgain.until(() => benAgain.messages().length === sent, `${sent} messages`, 30_000);
    expect(benAgain.texts().at(-1)).toBe('after the drop');
    expect(new Set(benAgain.messages().map((m) => m.seq)).size).toBe(sent);
  }, 60_000);
});

describe('limit: request sizes answered with bad_request, nothing stored, the connection open', () => {
  it('refuses a group naming more than GROUP_MEMBERS_MAX members, and a group name past GROUP_NAME_MAX', async () => {
    server = await startTestServer();
    const { client } = await frameUser('ann');
    const members = Array.from({ length: GROUP_MEMBERS_MAX + 1 }, (_, i) => i + 1);
    expect(await client.request({ t: 'group_create', id: 10, name: 'big', members })).toMatchObject({
      t: 'error',
      id: 10,
      code: 'bad_request',
    });
    expect(await client.request({ t: 'group_create', id: 11, name: 'g'.repeat(GROUP_NAME_MAX + 1), members: [] })).toMatchObject({
      t: 'error',
      id: 11,
      code: 'bad_request',
    });
    expect(await client.request({ t: 'conversations', id: 12 })).toMatchObject({ t: 'ok', conversations: [] });
  });

  it('refuses a message body past MESSAGE_BODY_MAX_BYTES and stores nothing; one at the limit goes through', async () => {
    server = await startTestServer();
    const { client } = await frameUser('ann');
    const ben = await chatUser('ben');
    const over = await client.request({ t: 'send', id: 20, to: ben.id, cid: 'over', body: Buffer.alloc(MESSAGE_BODY_MAX_BYTES + 1, 1) });
    expect(over).toMatchObject({ t: 'error', id: 20, code: 'bad_request' });
    const at = await client.request({ t: 'send', id: 21, to: ben.id, cid: 'at', body: Buffer.alloc(MESSAGE_BODY_MAX_BYTES, 2) });
    expect(at).toMatchObject({ t: 'ok', id: 21, seq: expect.any(Number) });
    await ben.until(() => ben.messages().length === 1, 'the message at the limit');
    const { store } = server.core.services;
    const stored = await store.messagesAfter(at.conversation as number, 0, null, 100);
    expect(stored.filter((m) => m.kind === 'message').map((m) => m.clientId)).toEqual(['at']);
  });

  it('refuses a user name past USER_NAME_MAX at signup, and creates no account', async () => {
    server = await startTestServer();
    const client = await connectTcpClient(server.listening.ports[0]!);
    closers.push(() => client.close());
    await client.request({ t: 'hello', id: 1, versions: [1] });
    const name = `a${'b'.repeat(USER_NAME_MAX)}`;
    expect(await client.request({ t: 'signup', id: 2, name, secret: secretFor(name) })).toMatchObject({
      t: 'error',
      id: 2,
      code: 'bad_request',
    });
    expect(await server.core.services.store.credentialsByName(name)).toBeUndefined();
    expect(await client.request({ t: 'ping', id: 3 })).toMatchObject({ t: 'ok', id: 3 });
  });
});
