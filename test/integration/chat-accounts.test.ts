import { afterEach, expect, it } from 'vitest';
import { makeVerifier } from '../../src/crypto/secret-verifier.js';
import { ChatTestClient, secretFor } from '../support/chat-client.js';
import { describeEachServer, type TestServer } from '../support/start-server.js';

const clients: ChatTestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function connect(server: TestServer): Promise<ChatTestClient> {
  const client = await ChatTestClient.connect(server.listening.coordinatorPort);
  clients.push(client);
  return client;
}

describeEachServer('accounts', (start) => {
  it('signs up, logs out, logs back in with any letter case; names are unique regardless of case', async () => {
    const server = await start();
    const client = await connect(server);
    const { user } = await client.rpc.request({ t: 'signup', name: 'Olivia', secret: secretFor('olivia') });
    expect(user).toMatchObject({ name: 'Olivia', kind: 'modern', online: true });
    await expect(client.rpc.request({ t: 'signup', name: 'x_y', secret: secretFor('x') })).rejects.toMatchObject({
      code: 'already_logged_in',
    });
    await client.rpc.request({ t: 'logout' });
    await expect(client.rpc.request({ t: 'conversations' })).rejects.toMatchObject({ code: 'not_logged_in' });
    await expect(client.rpc.request({ t: 'signup', name: 'OLIVIA', secret: secretFor('olivia') })).rejects.toMatchObject({
      code: 'name_taken',
    });
    const again = await client.rpc.request({ t: 'login', name: 'oLiViA', secret: secretFor('olivia') });
    expect(again.user.id).toBe(user.id);
  });

  it('refuses a wrong secret and an unknown name alike, and throttles repeated failures with a retry time', async () => {
    const server = await start();
    const client = await connect(server);
    await client.signup('paul');
    await client.rpc.request({ t: 'logout' });
    const wrong = { t: 'login' as const, name: 'paul', secret: secretFor('paul', 'wrong') };
    const unknown = await client.rpc.request({ t: 'login', name: 'nobody', secret: secretFor('nobody') }).catch((e: unknown) => e);
    const bad = await client.rpc.request(wrong).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'bad_credentials', message: 'wrong name or password' });
    expect(bad).toMatchObject({ code: 'bad_credentials', message: 'wrong name or password' });
    for (let i = 0; i < 4; i++) await expect(client.rpc.request(wrong)).rejects.toMatchObject({ code: 'bad_credentials' });
    // The fifth failure locked the name: even the right secret must wait, and is told how long.
    const limited = await client.rpc.request({ t: 'login', name: 'paul', secret: secretFor('paul') }).catch((e: unknown) => e);
    expect(limited).toMatchObject({ code: 'rate_limited' });
    expect((limited as Error).message).toMatch(/try again in \d+ s/);
  });

  it('makes new verifiers with scrypt N=4096, and still logs in an account whose verifier was made with N=16384', async () => {
    const server = await start();
    const { store } = server.core.services;
    const client = await connect(server);
    await client.signup('nora');
    expect((await store.credentialsByName('nora'))?.kdf).toBe('scrypt:4096:8:1:32');
    await client.rpc.request({ t: 'logout' });
    // An account from before the change: its row keeps the parameters it was made with.
    const old = await makeVerifier(secretFor('oscar'), { N: 16384, r: 8, p: 1, keyLength: 32 });
    await store.createUser({ name: 'oscar', kind: 'modern', publicKey: null, ...old });
    await expect(client.rpc.request({ t: 'login', name: 'oscar', secret: secretFor('oscar', 'wrong') })).rejects.toMatchObject({
      code: 'bad_credentials',
    });
    const { user } = await client.rpc.request({ t: 'login', name: 'oscar', secret: secretFor('oscar') });
    expect(user.name).toBe('oscar');
    expect((await store.credentialsByName('oscar'))?.kdf).toBe('scrypt:16384:8:1:32');
  });

  it('asks for a login before any chat request, and validates every request', async () => {
    const server = await start();
    const client = await connect(server);
    for (const request of [
      { t: 'users' as const },
      { t: 'sync' as const },
      { t: 'send' as const, to: 1, cid: 'x', body: Buffer.from('x') },
      { t: 'group_create' as const, name: 'g', members: [] },
    ]) {
      await expect(client.rpc.request(request)).rejects.toMatchObject({ code: 'not_logged_in' });
    }
    await client.signup('quinn');
    await expect(client.rpc.request({ t: 'send', cid: 'x', body: Buffer.from('x') })).rejects.toMatchObject({
      code: 'bad_request',
      message: 'give exactly one of conversation and to',
    });
    await expect(client.rpc.request({ t: 'send', to: client.id, cid: 'x', body: Buffer.from('x') })).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(client.rpc.request({ t: 'send', to: 999_999, cid: 'x', body: Buffer.from('x') })).rejects.toMatchObject({
      code: 'not_found',
    });
    // Nothing was stored by any of that.
    expect((await client.rpc.request({ t: 'conversations' })).conversations).toEqual([]);
  });

  it('lists users a page at a time, with online state and last seen', async () => {
    const server = await start();
    const names = ['ruth', 'sam', 'tess', 'uma', 'vic'];
    const users: ChatTestClient[] = [];
    for (const name of names) users.push(await (await connect(server)).signup(name));
    await users[1]!.close();
    clients.splice(clients.indexOf(users[1]!), 1);
    const first = await users[0]!.rpc.request({ t: 'users', limit: 3 });
    expect(first.more).toBe(true);
    const second = await users[0]!.rpc.request({ t: 'users', limit: 3, after: first.users.at(-1)!.id });
    expect(second.more).toBe(false);
    const all = [...first.users, ...second.users];
    expect(all.map((u) => u.name)).toEqual(names);
    const sam = all.find((u) => u.name === 'sam')!;
    await expect.poll(async () => (await users[0]!.rpc.request({ t: 'users', prefix: 'SA' })).users[0]?.online).toBe(false);
    const samNow = (await users[0]!.rpc.request({ t: 'users', prefix: 'sa' })).users[0]!;
    expect(samNow.lastSeen).toBeGreaterThan(Date.now() - 60_000);
    expect(all.filter((u) => u.name !== 'sam').every((u) => u.online)).toBe(true);
    expect(sam.id).toBe(samNow.id);
  });
});
