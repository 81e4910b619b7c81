import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from '../../src/protocol/index.js';
import { ChatTestClient, secretFor } from '../support/chat-client.js';
import { collect, testClients } from '../support/client-harness.js';
import { startCutProxy, type CutProxy } from '../support/cut-proxy.js';
import { connectTcpClient, type FrameClient } from '../support/frame-client.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

/**
 * Issue 10 § 1: a connection cut in the middle of a frame, in either direction. The server must
 * free the session (presence offline for others, the coordinator's connection count back down,
 * nothing left in presence), and a real ChatClient that was cut must resume from its cursor and
 * get everything once. (A client that stops reading is limits-existing.test.ts § slow_consumer.)
 */

let server: TestServer | undefined;
let proxy: CutProxy | undefined;
const raw: FrameClient[] = [];
const testers: ChatTestClient[] = [];
let coordinatorPort = 0;
const clients = testClients(() => coordinatorPort);
afterEach(async () => {
  await clients.cleanup();
  raw.splice(0).forEach((c) => c.close());
  await Promise.all(testers.splice(0).map((c) => c.close().catch(() => undefined)));
  await proxy?.close();
  proxy = undefined;
  await server?.stop();
  server = undefined;
});

function connections(s: TestServer): number {
  return s.core.load.snapshot().reduce((sum, p) => sum + p.connections, 0);
}

describe('fault: a socket cut mid-frame', () => {
  it('a client that writes half a frame and drops: the server frees its session and says it went offline', async () => {
    server = await startTestServer();
    coordinatorPort = server.listening.coordinatorPort;
    const watcher = await (await ChatTestClient.connect(coordinatorPort)).signup('watcher');
    testers.push(watcher);
    await watcher.sync();

    const victim = await connectTcpClient(server.listening.ports[0]!);
    raw.push(victim);
    await victim.request({ t: 'hello', id: 1, versions: [1] });
    const signedUp = await victim.request({ t: 'signup', id: 2, name: 'victim', secret: secretFor('victim') });
    const victimId = (signedUp.user as { id: number }).id;
    await victim.request({ t: 'sync', id: 3 });
    // A conversation between them, so the watcher is one who is told of the victim's presence.
    await victim.request({ t: 'send', id: 4, to: watcher.id, cid: 'whole', body: Buffer.from('whole') });
    await watcher.until(() => watcher.texts().length === 1, 'the whole message');
    const { presence } = server.core.services;
    expect(presence.isOnline(victimId)).toBe(true);
    expect(connections(server)).toBe(2);

    // Half of a send frame (its length says more is coming), then the socket is gone.
    const frame = encodeFrame({ t: 'send', id: 9, to: watcher.id, cid: 'half', body: Buffer.alloc(200) });
    victim.write(frame.subarray(0, Math.floor(frame.length / 2)));
    victim.stream.destroy();

    await watcher.waitForPush('presence', (p) => p.user === victimId && !p.online);
    expect(presence.isOnline(victimId)).toBe(false);
    expect(presence.sessionsOf(victimId).size).toBe(0);
    await expect.poll(() => connections(server!)).toBe(1);
    // The half frame was never a request: only the whole message reached the watcher.
    expect(watcher.texts()).toEqual(['whole']);
  });

  it('a real ChatClient cut while messages flow to it: it reconnects, resumes from its cursor and gets every message once', async () => {
    server = await startTestServer();
    coordinatorPort = server.listening.coordinatorPort;
    proxy = await startCutProxy({ host: '127.0.0.1', port: server.listening.ports[0]! });
    const sender = await clients.open('sender', 'signup');
    const receiver = await clients.open('receiver', 'signup', { coordinatorPort: proxy.coordinatorPort });
    const inbox = collect(receiver);
    const statuses: string[] = [];
    receiver.on('status', (s) => statuses.push(s.state));
    const { presence } = server.core.services;

    const total = 80;
    const acks: Array<Promise<unknown>> = [];
    for (let n = 0; n < total; n++) {
      const { acked } = await sender.send({ user: receiver.user.id }, `message ${n}`);
      acks.push(acked);
      if (n === total / 4) {
        // Cut the receiver mid-frame while the rest is still being sent and pushed to it.
        await inbox.until((m) => m.some((x) => x.kind === 'message'), 'a first message');
        const cut = proxy.cutMidFrame();
        await cut;
      }
    }
    await Promise.all(acks);
    await inbox.until((m) => m.filter((x) => x.kind === 'message').length >= total, `${total} messages`, 30_000);
    await expect.poll(() => receiver.outbox.size).toBe(0);
    // A duplicate would still be on its way: a moment for it to show (the checks hold either way).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(inbox.texts()).toEqual(Array.from({ length: total }, (_, n) => `message ${n}`));
    expect(statuses).toContain('reconnecting');
    expect(statuses.at(-1)).toBe('connected');
    // The cut session is gone: one session of the receiver (its new one), one connection each.
    expect(presence.sessionsOf(receiver.user.id).size).toBe(1);
    await expect.poll(() => connections(server!)).toBe(2);
  });
});
