import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../src/protocol/index.js';
import { MAX_REQUESTS_IN_FLIGHT } from '../../src/server/session/request-gate.js';
import { ChatTestClient, secretFor } from '../support/chat-client.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { LegacyTestClient } from '../support/legacy-client.js';
import { closeAfterEach } from '../support/close-after-each.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer | undefined;
const closers = closeAfterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** A raw framed user on the first node port, greeted and signed up (or logged in). */
async function frameUser(name: string, mode: 'signup' | 'login'): Promise<FrameClient & { userId: number }> {
  const client = await connectTcpClient(server!.listening.ports[0]!);
  closers.push(() => client.close());
  expect((await client.request({ t: 'hello', id: 1, versions: [1] })).t).toBe('ok');
  const reply = await client.request({ t: mode, id: 2, name, secret: secretFor(name) });
  expect(reply).toMatchObject({ t: 'ok' });
  return Object.assign(client, { userId: (reply.user as { id: number }).id });
}

async function chatUser(name: string): Promise<ChatTestClient> {
  const client = await ChatTestClient.connect(server!.listening.coordinatorPort);
  closers.push(() => client.close());
  await client.signup(name);
  await client.sync();
  return client;
}

const send = (client: FrameClient, id: number, to: number, text: string) =>
  client.request({ t: 'send', id, to, cid: `c${id}-${text}`, body: Buffer.from(text) });

/** Stored messages of the direct conversation of `a` and `b`. */
async function stored(a: number, b: number): Promise<string[]> {
  const { store } = server!.core.services;
  const conversation = await store.directConversation(a, b);
  return (await store.messagesAfter(conversation, 0, null, 100))
    .filter((m) => m.kind === 'message')
    .map((m) => Buffer.from(m.body).toString());
}

describe('limit: per-user send rate', () => {
  it('answers sends past the burst with rate_limited and retryAfterMs, stores none of them, and leaves other users alone', async () => {
    // One token per 2 s: slow enough that no token comes back while the burst is spent, on a busy machine too.
    server = await startTestServer({ limits: { sendRatePerS: 0.5, sendBurst: 3 } });
    const ben = await chatUser('ben');
    const cat = await chatUser('cat');
    const ann = await frameUser('ann', 'signup');
    const annAgain = await frameUser('ann', 'login');
    for (let i = 0; i < 3; i++) expect(await send(ann, 10 + i, ben.id, `m${i}`)).toMatchObject({ t: 'ok' });
    const refused = await send(ann, 20, ben.id, 'over');
    expect(refused).toMatchObject({ t: 'error', id: 20, code: 'rate_limited' });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(2000);

    // The bucket is the user's, not the connection's: a second session of ann is refused too.
    expect(await send(annAgain, 30, ben.id, 'other session')).toMatchObject({ t: 'error', code: 'rate_limited' });
    // Another user sends as usual.
    await cat.send({ to: ben.id }, 'from cat');

    await ben.until(() => ben.texts().length === 4, 'three from ann and one from cat');
    expect(await stored(ann.userId, ben.id)).toEqual(['m0', 'm1', 'm2']);

    // After the time it was told, ann may send again: the refused message, same cid (anything else to
    // ben on that connection would wait for it: protocol.md § Delivery, out_of_order).
    await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs as number));
    expect(await send(ann, 20, ben.id, 'over')).toMatchObject({ t: 'ok', id: 20 });
    expect(await stored(ann.userId, ben.id)).toEqual(['m0', 'm1', 'm2', 'over']);
  });

  it('does not read a connection that ignores retryAfterMs until that time: a pipelined flood is looked at a refill at a time', async () => {
    server = await startTestServer({ limits: { sendRatePerS: 10, sendBurst: 5 } });
    const ben = await frameUser('ben', 'signup');
    const ann = await frameUser('ann', 'signup');
    const flood = 300;
    const started = performance.now();
    ann.write(
      Buffer.concat(
        Array.from({ length: flood }, (_, n) =>
          encodeFrame({ t: 'send', id: 100 + n, to: ben.userId, cid: `f${n}`, body: Buffer.from(`f${n}`) }),
        ),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const answers = ann.received.slice(2);
    const elapsedS = (performance.now() - started) / 1000;
    // Without the hold, all 300 are answered at once (295 refused). With it: the first requests in
    // flight together, then per refill (100 ms) one let past the rate and the next refused, one at a time.
    expect(answers.length).toBeGreaterThan(5);
    expect(answers.length).toBeLessThanOrEqual(MAX_REQUESTS_IN_FLIGHT + 2 * Math.ceil(10 * elapsedS + 1));
    const accepted = answers.filter((m) => m.t === 'ok');
    // After the first refusal, nothing later to ben on that connection is stored before the refused
    // one is sent again: the rest are refused for the rate or for the order (protocol.md § Delivery).
    expect(accepted.every((m) => (m.id as number) < 105)).toBe(true);
    expect(answers.every((m) => m.t === 'ok' || m.code === 'rate_limited' || m.code === 'out_of_order')).toBe(true);
    // Another user's connection is not held.
    expect(await ben.request({ t: 'ping', id: 3 })).toMatchObject({ t: 'ok', id: 3 });
    await expect.poll(() => stored(ann.userId, ben.userId)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
  });

  it('drops legacy sends past the rate (the 2022 protocol has no refusal) and keeps the connection', async () => {
    server = await startTestServer({ limits: { sendRatePerS: 1, sendBurst: 3 } });
    const dan = await LegacyTestClient.connect(server.listening.coordinatorPort, 'dan');
    const eve = await LegacyTestClient.connect(server.listening.coordinatorPort, 'eve');
    closers.push(
      () => dan.close(),
      () => eve.close(),
    );
    expect(await dan.signup()).toBe('1');
    expect(await eve.signup()).toBe('1');
    await dan.startNotifications();
    const notifications = await eve.startNotifications();
    const danKey = (notifications.list as string[][]).find((row) => row[0] === 'DAN')![3]!;
    for (let i = 0; i < 5; i++) eve.sendMessage(dan.id!, danKey, `legacy ${i}`);
    // Objects are handled in order: once get-users is answered, all five sends have been judged.
    eve.write({ 'info-type': 'get-users' });
    await eve.waitFor((o) => o['info-type'] === 'get-users', 'the get-users reply');
    expect(eve.isClosed).toBe(false);
    expect(await stored(Number(eve.id), Number(dan.id))).toHaveLength(3);
    await dan.waitFor(
      (o) => o['info-type'] === 'inst-msg' && dan.objects.filter((x) => x['info-type'] === 'inst-msg').length === 3,
      'three messages',
    );
    expect(dan.objects.filter((o) => o['info-type'] === 'inst-msg').map((o) => dan.decrypt(o.text as string))).toEqual([
      'legacy 0',
      'legacy 1',
      'legacy 2',
    ]);
  });
});
