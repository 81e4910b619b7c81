import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatClient, ClientStatus } from '../../src/client/chat-client.js';
import { OfflineError } from '../../src/client/errors.js';
import { collect, testClients } from '../support/client-harness.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer | undefined;
let dataDir: string | undefined;
const clients = testClients(() => server!.listening.coordinatorPort);

afterEach(async () => {
  await clients.cleanup();
  await server?.stop();
  server = undefined;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

/** Resolves with the first status that matches. */
function statusWhere(client: ChatClient, match: (status: ClientStatus) => boolean): Promise<ClientStatus> {
  return new Promise((resolve) => {
    const stop = client.on('status', (status) => {
      if (!match(status)) return;
      stop();
      resolve(status);
    });
  });
}

/** Calls `call` and records whether it threw at once or gave a promise, and how that settled. */
async function outcome(call: () => Promise<unknown>): Promise<{ threw: boolean; error?: unknown }> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    return { threw: true, error };
  }
  try {
    await promise;
    return { threw: false };
  } catch (error) {
    return { threw: false, error };
  }
}

describe('ChatClient while the server is gone', () => {
  it('every method that talks to the server rejects with OfflineError instead of throwing; send queues; the status names the restart and when the next try is', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fastchat-offline-'));
    server = await startTestServer({ dataDir });
    const ports = { node: server.listening.ports, coordinator: server.listening.coordinatorPort };
    const alice = await clients.open('alice', 'signup');
    const bob = await clients.open('bob', 'signup');
    const bobInbox = collect(bob);
    const { conversation } = (await alice.request({ t: 'open_direct', user: bob.user.id })).conversation;

    const lost = statusWhere(alice, (s) => s.state === 'reconnecting');
    // The server's own stop: it tells its clients `shutting_down` before closing (protocol.md § error).
    await server.stop();
    const status = await lost;
    expect(status).toMatchObject({ state: 'reconnecting', code: 'shutting_down' });
    if (status.state !== 'reconnecting') throw new Error('unreachable');
    expect(status.nextAttemptAt).toBeGreaterThan(Date.now() - 1000);

    const calls: Array<[string, () => Promise<unknown>]> = [
      ['request', () => alice.request({ t: 'users', limit: 10 })],
      ['history', () => alice.history(conversation)],
      ['markRead', () => alice.markRead(conversation, 1)],
      ['findUser', () => alice.findUser('bob')],
      ['trust', () => alice.trust(bob.user.id)],
    ];
    for (const [name, call] of calls) {
      const result = await outcome(call);
      expect({ name, threw: result.threw }).toEqual({ name, threw: false });
      expect(result.error, name).toBeInstanceOf(OfflineError);
      expect(result.error, name).toMatchObject({ code: 'offline' });
    }
    // Sending offline queues: on disk at once, out when the server is back.
    const { acked } = await alice.send({ conversation }, 'written offline');
    expect(alice.outbox.size).toBe(1);

    server = await startTestServer({ ports, dataDir });
    await acked;
    await bobInbox.until((m) => m.some((x) => x.text === 'written offline'), 'the queued message');
    expect(bobInbox.texts().filter((t) => t === 'written offline')).toHaveLength(1);
    expect(alice.outbox.size).toBe(0);
    expect(alice.status.state).toBe('connected');
  }, 60_000);
});
