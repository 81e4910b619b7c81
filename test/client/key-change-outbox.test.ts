import { afterEach, expect, it } from 'vitest';
import type { ChatClient } from '../../src/client/chat-client.js';
import { LocalStore } from '../../src/client/local-store.js';
import type { OutboxEntry } from '../../src/client/outbox.js';
import { generateIdentityKey } from '../../src/crypto/identity.js';
import { publishNextIdentityKey } from '../../src/client/key-change.js';
import { derivePasswordKeys } from '../../src/crypto/password-keys.js';
import { collect, testClients } from '../support/client-harness.js';
import { describeEachServer, type TestServer } from '../support/start-server.js';

/** The reason a message to bob fails with while his changed key is not trusted. */
const BOB_CHANGED =
  "bob's key changed, signed by the key you had pinned: compare fingerprints, trust the new key (/trust bob in the TUI, fastchat keys trust bob in a shell), then send it again (Ctrl-R in the TUI)";

let server: TestServer;
const clients = testClients(() => server.listening.coordinatorPort);
afterEach(async () => {
  await clients.cleanup();
});

/** bob gets a new key (say, `fastchat keys import`) and publishes it with its backup; his new device logs in with it. */
async function changeBobsKey(bob: ChatClient): Promise<ChatClient> {
  const newKey = await generateIdentityKey();
  const { backupKey } = await derivePasswordKeys('bob', 'password of bob');
  await publishNextIdentityKey(bob.connection(), bob.identity, newKey, backupKey);
  const newBob = await clients.open('bob', 'login');
  expect(newBob.identity.fingerprint).not.toBe(bob.identity.fingerprint);
  return newBob;
}

/** Collects a client's failures and waits for them. */
function failures(client: ChatClient): {
  list: Array<{ cid: string; code: string; message: string }>;
  until(count: number): Promise<void>;
} {
  const list: Array<{ cid: string; code: string; message: string }> = [];
  const waiters = new Set<() => void>();
  client.on('failed', (f) => {
    list.push(f);
    waiters.forEach((w) => w());
  });
  return {
    list,
    until: (count) =>
      new Promise((resolve) => {
        const check = () => {
          if (list.length < count) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}

describeEachServer('messages queued to a contact whose key changes', (start) => {
  it('each fails with the reason and leaves the queue; others go on; after trust a retry goes to the new key, verified', async () => {
    server = await start();
    const home = await clients.home();
    const firstAlice = await clients.open('alice', 'signup', { home });
    const bob = await clients.open('bob', 'signup');
    const carol = await clients.open('carol', 'signup');
    const carolInbox = collect(carol);
    // alice pins bob's first key.
    const { acked: first } = await firstAlice.send({ user: bob.user.id }, 'hi bob');
    const { conversation: direct } = await first;
    await firstAlice.close();

    // alice again, not yet connected: three messages to bob and one to carol wait in her outbox.
    const alice = await clients.open('alice', 'login', { home, start: false });
    const failed = failures(alice);
    const toBob = [];
    toBob.push(await alice.send({ conversation: direct }, 'bob 1'));
    toBob.push(await alice.send({ conversation: direct }, 'bob 2'));
    const toCarol = await alice.send({ user: carol.user.id }, 'carol, in between');
    toBob.push(await alice.send({ conversation: direct }, 'bob 3'));
    expect(alice.outbox.size).toBe(4);

    const newBob = await changeBobsKey(bob);
    const newBobInbox = collect(newBob);
    await alice.start();

    for (const { acked } of toBob) await expect(acked).rejects.toMatchObject({ code: 'key_changed', message: BOB_CHANGED });
    await failed.until(3);
    expect(failed.list).toEqual(toBob.map(({ cid }) => ({ cid, code: 'key_changed', message: BOB_CHANGED })));
    await toCarol.acked;
    await carolInbox.until((m) => m.some((x) => x.text === 'carol, in between'), 'the message to carol');
    expect(alice.outbox.size).toBe(0);
    expect(alice.keyring.get(bob.user.id)).toMatchObject({ changed: true, fingerprint: newBob.identity.fingerprint });

    // After comparing fingerprints alice trusts the new key and retries (what Ctrl-R does: the same texts again).
    await alice.trust(bob.user.id);
    for (const text of ['bob 1', 'bob 2', 'bob 3']) await (await alice.send({ conversation: direct }, text)).acked;
    await newBobInbox.until((m) => m.some((x) => x.text === 'bob 3'), 'the retried messages');
    const arrived = newBobInbox.messages.filter((m) => m.text?.startsWith('bob '));
    expect(arrived.map((m) => [m.text, m.trust])).toEqual([
      ['bob 1', 'verified'],
      ['bob 2', 'verified'],
      ['bob 3', 'verified'],
    ]);
    expect(failed.list).toHaveLength(3);
    expect(alice.outbox.size).toBe(0);
  }, 90_000);

  it('an entry held back by an older client (`blocked` in outbox.json) fails with its reason on load and is never sent', async () => {
    server = await start();
    const home = await clients.home();
    const firstAlice = await clients.open('alice', 'signup', { home, start: false });
    const bob = await clients.open('bob', 'signup');
    const bobInbox = collect(bob);
    const { cid: held } = await firstAlice.send({ user: bob.user.id }, 'held by the old client');
    await firstAlice.close();
    // What a client from before issue 15 wrote for a message it held for a changed key.
    const local = new LocalStore(home, 'alice');
    const entries = (await local.readJson<OutboxEntry[]>('outbox.json'))!;
    const reason = "bob's key has CHANGED (was aa, now bb). Check the new fingerprint with them, then run: fastchat keys trust bob";
    await local.writeJson(
      'outbox.json',
      entries.map((e) => ({ ...e, blocked: reason })),
    );

    const alice = await clients.open('alice', 'login', { home, start: false });
    const failed = failures(alice);
    const { acked: later } = await alice.send({ user: bob.user.id }, 'a later message');
    await alice.start();
    await failed.until(1);
    expect(failed.list).toEqual([{ cid: held, code: 'key_changed', message: reason }]);
    // Nothing waits behind it, and it never goes out.
    await later;
    await bobInbox.until((m) => m.some((x) => x.text === 'a later message'), 'the later message');
    expect(bobInbox.texts()).toEqual(['a later message']);
    expect(alice.outbox.size).toBe(0);
  }, 60_000);
});
