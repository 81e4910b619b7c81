import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatClient } from '../../src/client/chat-client.js';
import type { ChatStore, NewResumeToken } from '../../src/store/chat-store.js';
import { collect, testClients } from '../support/client-harness.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer;
const clients = testClients(() => server.listening.coordinatorPort);

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await clients.cleanup();
  await server?.stop();
});

/** Watches how the server logs clients in, through its store: full logins, resumes, and tokens issued. */
function watchLogins(store: ChatStore) {
  const logins = vi.spyOn(store, 'credentialsByName');
  const resumes = vi.spyOn(store, 'useResumeToken');
  const issued = vi.spyOn(store, 'addResumeToken');
  return {
    /** Names that logged in with the secret. */
    logins: () => logins.mock.calls.map(([name]) => name),
    /** How many resumes found their user, and how many did not. */
    resumes: async () => {
      const users = await Promise.all(resumes.mock.results.map((r) => r.value as Promise<unknown>));
      return { accepted: users.filter((u) => u !== undefined).length, refused: users.filter((u) => u === undefined).length };
    },
    /** The token hashes issued to a user, oldest first. */
    tokensOf: (userId: number) =>
      issued.mock.calls
        .map(([token]: [NewResumeToken]) => token)
        .filter((t) => t.userId === userId)
        .map((t) => t.tokenHash),
  };
}

/** Cuts the client's connection and waits until its reconnect loop has it connected and synced again. */
async function dropConnection(client: ChatClient): Promise<void> {
  const back = new Promise<void>((resolve) => {
    const stop = client.on('status', (status) => {
      if (status.state !== 'connected') return;
      stop();
      resolve();
    });
  });
  client.connection().close();
  await back;
}

describe('ChatClient reconnects with its resume token', () => {
  it('a reconnect resumes instead of logging in with the secret, and the client works as before', async () => {
    const watch = watchLogins(server.core.services.store);
    const alice = await clients.open('alice', 'signup');
    const bob = await clients.open('bob', 'signup');
    const inbox = collect(bob);
    expect(watch.tokensOf(alice.user.id)).toHaveLength(1);
    await dropConnection(alice);
    await dropConnection(alice);
    expect(await watch.resumes()).toEqual({ accepted: 2, refused: 0 });
    expect(watch.logins()).toEqual([]);
    // Resuming issues no new token: the one from signup is still the one in use.
    expect(watch.tokensOf(alice.user.id)).toHaveLength(1);
    await (
      await alice.send({ user: bob.user.id }, 'after two reconnects')
    ).acked;
    await inbox.until((m) => m.some((x) => x.text === 'after two reconnects'), 'the message');
  });

  it('a token the server no longer knows falls back to the secret at once, and the next reconnect resumes with the new token', async () => {
    const { store } = server.core.services;
    const watch = watchLogins(store);
    const dave = await clients.open('dave', 'signup');
    const erin = await clients.open('erin', 'signup');
    const inbox = collect(erin);
    const [signupToken] = watch.tokensOf(dave.user.id);
    // Revoked behind the client's back, as a logout elsewhere or an operator would.
    await expect(store.revokeResumeToken(signupToken!)).resolves.toBe(true);
    const statuses: string[] = [];
    dave.on('status', (s) => statuses.push(s.state));

    await dropConnection(dave);
    expect(await watch.resumes()).toEqual({ accepted: 0, refused: 1 });
    expect(watch.logins()).toEqual(['dave']);
    // One reconnect attempt did it: the refusal was not treated as a failed connection.
    expect(statuses.filter((s) => s === 'reconnecting')).toHaveLength(1);
    const tokens = watch.tokensOf(dave.user.id);
    expect(tokens).toHaveLength(2);

    await dropConnection(dave);
    expect(await watch.resumes()).toEqual({ accepted: 1, refused: 1 });
    expect(watch.logins()).toEqual(['dave']);
    await (
      await dave.send({ user: erin.user.id }, 'still here')
    ).acked;
    await inbox.until((m) => m.some((x) => x.text === 'still here'), 'the message');
  });

  it('the first connection of a process logs in with the secret, not with a token of another process', async () => {
    const watch = watchLogins(server.core.services.store);
    const home = await clients.home();
    const first = await clients.open('fred', 'signup', { home });
    await first.close();
    const second = await clients.open('fred', 'login', { home });
    expect(watch.logins()).toEqual(['fred']);
    expect(await watch.resumes()).toEqual({ accepted: 0, refused: 0 });
    // Each process got its own token.
    expect(watch.tokensOf(second.user.id)).toHaveLength(2);
  });
});
