import { afterEach, describe, expect, it } from 'vitest';
import type { ClientStatus } from '../../src/client/chat-client.js';
import { ChatTestClient } from '../support/chat-client.js';
import { testClients } from '../support/client-harness.js';
import { startHeldCoordinator, type HeldCoordinator } from '../support/proxy-coordinator.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer | undefined;
let coordinator: HeldCoordinator | undefined;
let watcher: ChatTestClient | undefined;
const clients = testClients(() => coordinator!.port);
afterEach(async () => {
  await clients.cleanup();
  await watcher?.close().catch(() => undefined);
  watcher = undefined;
  await coordinator?.close();
  coordinator = undefined;
  await server?.stop();
  server = undefined;
});

describe('a closed ChatClient stays closed', () => {
  it('closed while its reconnect waits for the coordinator: the connection it then makes is let go, not synced', async () => {
    server = await startTestServer();
    coordinator = await startHeldCoordinator(server.listening.ports[0]!);
    watcher = await (await ChatTestClient.connect(server.listening.coordinatorPort)).signup('watcher');
    await watcher.sync();
    const carol = await clients.open('carol', 'signup');
    // A conversation between them, so the watcher is told when carol comes and goes.
    await (
      await carol.send({ user: watcher.id }, 'hi')
    ).acked;
    const statuses: ClientStatus['state'][] = [];
    carol.on('status', (s) => statuses.push(s.state));
    const presenceOfCarol = () => watcher!.pushes.flatMap((p) => (p.t === 'presence' && p.user === carol.user.id ? [p.online] : []));

    const held = coordinator.hold();
    const seenBefore = presenceOfCarol().length;
    carol.connection().close();
    await held.asked;
    await watcher.until(() => presenceOfCarol().slice(seenBefore).includes(false), 'carol offline');
    await carol.close();
    const afterClose = presenceOfCarol().length;
    held.release();

    // Its reconnect goes on to log in (it was under way); it must then hang up rather than sync.
    await watcher.until(() => presenceOfCarol().slice(afterClose).join() === 'true,false', 'carol online, then offline again', 20_000);
    expect(statuses.at(-1)).toBe('closed');
    expect(statuses).not.toContain('connected');
    expect(server.core.services.presence.sessionsOf(carol.user.id).size).toBe(0);
  }, 60_000);
});
