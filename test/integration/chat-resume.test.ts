import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { resumeTokenHash } from '../../src/crypto/secret-verifier.js';
import { ChatTestClient, secretFor } from '../support/chat-client.js';
import { describePostgres } from '../support/databases.js';
import { describeEachServer, startTestServer, type TestServer } from '../support/start-server.js';

const clients: ChatTestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});

async function connect(port: number, direct = false): Promise<ChatTestClient> {
  const client = direct ? await ChatTestClient.connectToPort(port) : await ChatTestClient.connect(port);
  clients.push(client);
  return client;
}

async function close(client: ChatTestClient): Promise<void> {
  clients.splice(clients.indexOf(client), 1);
  await client.close();
}

describeEachServer('resume tokens', (start) => {
  it('signup and login hand out a fresh 32-byte token; a later connection resumes with it as that user, even after the first closed', async () => {
    const server = await start();
    const port = server.listening.coordinatorPort;
    const first = await connect(port);
    const signedUp = await first.rpc.request({ t: 'signup', name: 'Wendy', secret: secretFor('wendy') });
    expect(signedUp.resume).toHaveLength(32);
    await first.rpc.request({ t: 'logout' });
    const loggedIn = await first.rpc.request({ t: 'login', name: 'wendy', secret: secretFor('wendy') });
    expect(loggedIn.resume).toHaveLength(32);
    expect(Buffer.from(loggedIn.resume!).equals(Buffer.from(signedUp.resume!))).toBe(false);
    // Only the token's hash is stored.
    const stored = await server.core.services.store.resumeTokensOf(signedUp.user.id);
    expect(stored.map((t) => Buffer.from(t.tokenHash).toString('hex'))).toContain(resumeTokenHash(loggedIn.resume!).toString('hex'));
    expect(stored.some((t) => Buffer.from(t.tokenHash).equals(Buffer.from(loggedIn.resume!)))).toBe(false);

    // A dropped connection keeps its token: that is what the client comes back with.
    await close(first);
    const again = await connect(port);
    const resumed = await again.rpc.request({ t: 'resume', token: loggedIn.resume! });
    expect(resumed.user).toMatchObject({ id: signedUp.user.id, name: 'Wendy', online: true });
    expect(Buffer.from(resumed.resume!)).toEqual(Buffer.from(loggedIn.resume!));
    expect(resumed.keyBackup).toBeUndefined();
    // Logged in like any login: chat requests work, and a second login is refused.
    await expect(again.rpc.request({ t: 'conversations' })).resolves.toEqual({ conversations: [] });
    await expect(again.rpc.request({ t: 'resume', token: loggedIn.resume! })).rejects.toMatchObject({ code: 'already_logged_in' });
  });

  it('a resumed session is online to its contacts like one that logged in', async () => {
    const server = await start();
    const port = server.listening.coordinatorPort;
    const xena = await connect(port);
    const { user, resume } = await xena.rpc.request({ t: 'signup', name: 'xena', secret: secretFor('xena') });
    const yuri = await (await connect(port)).signup('yuri');
    await xena.send({ to: yuri.id }, 'hi');
    await close(xena);
    await yuri.waitForPush('presence', (p) => p.user === user.id && !p.online);
    const back = await connect(port);
    await back.rpc.request({ t: 'resume', token: resume! });
    await yuri.waitForPush('presence', (p) => p.user === user.id && p.online);
  });

  it("logout revokes the session's token, whether it logged in or resumed; other tokens of the user still work", async () => {
    const server = await start();
    const port = server.listening.coordinatorPort;
    const a = await connect(port);
    const first = (await a.rpc.request({ t: 'signup', name: 'zoe', secret: secretFor('zoe') })).resume!;
    const b = await connect(port);
    const second = (await b.rpc.request({ t: 'login', name: 'zoe', secret: secretFor('zoe') })).resume!;
    await b.rpc.request({ t: 'logout' });
    const c = await connect(port);
    await expect(c.rpc.request({ t: 'resume', token: second })).rejects.toMatchObject({ code: 'bad_credentials' });
    // The first token is another session's, untouched by that logout: resume with it, then log out.
    await c.rpc.request({ t: 'resume', token: first });
    await c.rpc.request({ t: 'logout' });
    await expect(c.rpc.request({ t: 'resume', token: first })).rejects.toMatchObject({ code: 'bad_credentials' });
    await expect(c.rpc.request({ t: 'conversations' })).rejects.toMatchObject({ code: 'not_logged_in' });
  });

  it('an unknown token is bad_credentials, counted against the address until it is rate limited, logins included', async () => {
    const server = await start();
    const port = server.listening.coordinatorPort;
    const owner = await connect(port);
    const token = (await owner.rpc.request({ t: 'signup', name: 'amos', secret: secretFor('amos') })).resume!;
    const guesser = await connect(port);
    // 20 failures per address lock it (login-throttle.ts); resume names no account, so only the address counts.
    for (let i = 0; i < 20; i++) {
      await expect(guesser.rpc.request({ t: 'resume', token: randomBytes(32) })).rejects.toMatchObject({
        code: 'bad_credentials',
        message: 'unknown or expired resume token; log in with the password',
      });
    }
    const limited = await guesser.rpc.request({ t: 'resume', token }).catch((e: unknown) => e);
    expect(limited).toMatchObject({ code: 'rate_limited' });
    await expect(guesser.rpc.request({ t: 'login', name: 'amos', secret: secretFor('amos') })).rejects.toMatchObject({
      code: 'rate_limited',
    });
  });
});

describePostgres('resume tokens across nodes', (postgres) => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('a token from one node resumes on another node sharing the database, and a logout on either revokes it', async () => {
    const url = await postgres.databaseWithSchema();
    const cluster = { nodeTimeoutMs: 1000, heartbeatMs: 100 };
    for (let i = 0; i < 2; i++) servers.push(await startTestServer({ databaseUrl: url, nodePorts: 1, cluster }));
    const [a, b] = servers.map((s) => s.listening.ports[0]!);
    const onA = await connect(a!, true);
    const { user, resume } = await onA.rpc.request({ t: 'signup', name: 'bea', secret: secretFor('bea') });
    await close(onA);
    const onB = await connect(b!, true);
    expect((await onB.rpc.request({ t: 'resume', token: resume! })).user.id).toBe(user.id);
    await onB.rpc.request({ t: 'logout' });
    const backOnA = await connect(a!, true);
    await expect(backOnA.rpc.request({ t: 'resume', token: resume! })).rejects.toMatchObject({ code: 'bad_credentials' });
  });
});
