import { expect, it } from 'vitest';
import { generateIdentityKey } from '../../src/crypto/identity.js';
import { publishNextIdentityKey } from '../../src/client/key-change.js';
import { derivePasswordKeys } from '../../src/crypto/password-keys.js';
import { collect, useServerWithClients } from '../support/client-harness.js';

const { clients } = useServerWithClients();

it('a contact whose key changes is flagged, never silently trusted, until accepted', async () => {
  const alice = await clients.open('alice', 'signup');
  const bob = await clients.open('bob', 'signup');
  const aliceInbox = collect(alice);
  await (
    await alice.send({ user: bob.user.id }, 'hi bob')
  ).acked;
  expect(alice.keyring.get(bob.user.id)?.changed).toBe(false);

  // bob gets a new key (say, `fastchat keys import`) and publishes it with a backup of it.
  const newKey = await generateIdentityKey();
  const { backupKey } = await derivePasswordKeys('bob', 'password of bob');
  await publishNextIdentityKey(bob.connection(), bob.identity, newKey, backupKey);
  const newBob = await clients.open('bob', 'login');
  expect(newBob.identity.fingerprint).not.toBe(bob.identity.fingerprint);

  await (
    await newBob.send({ user: alice.user.id }, 'it is me, new key')
  ).acked;
  await aliceInbox.until((m) => m.some((x) => x.text === 'it is me, new key'), 'the message under the new key');
  expect(aliceInbox.messages.find((x) => x.text === 'it is me, new key')).toMatchObject({ trust: 'unverified', reason: 'key_changed' });
  const contact = alice.keyring.get(newBob.user.id)!;
  expect(contact).toMatchObject({ changed: true, fingerprint: newBob.identity.fingerprint, pinnedFingerprint: bob.identity.fingerprint });

  // alice's client will not wrap a session key for the changed key until she accepts it: the message
  // fails with a reason that says what to do, and leaves the queue (it is not sent later by surprise).
  const { acked, cid } = await alice.send({ user: bob.user.id }, 'are you really bob?');
  await expect(acked).rejects.toMatchObject({
    code: 'key_changed',
    message:
      "bob's key changed, signed by the key you had pinned: compare fingerprints, trust the new key (/trust bob in the TUI, fastchat keys trust bob in a shell), then send it again (Ctrl-R in the TUI)",
  });
  expect(alice.outbox.entries().map((e) => e.cid)).not.toContain(cid);

  const bobInbox = collect(newBob);
  await alice.trust(newBob.user.id);
  expect(alice.keyring.get(newBob.user.id)).toMatchObject({ changed: false, fingerprint: newBob.identity.fingerprint });
  // Trusting sends nothing by itself; sending again goes to the accepted key.
  await (
    await alice.send({ user: bob.user.id }, 'are you really bob? (again)')
  ).acked;
  await bobInbox.until((m) => m.some((x) => x.text === 'are you really bob? (again)'), 'the message sent again, after trust');
  expect(bobInbox.messages.find((x) => x.text === 'are you really bob? (again)')?.trust).toBe('verified');
  expect(bobInbox.texts()).not.toContain('are you really bob?');
  expect(alice.outbox.size).toBe(0);
});

it('after a key change the owner still reads what was sent to the old key: history, and sessions a contact began before seeing the change', async () => {
  const alice = await clients.open('alice', 'signup');
  const bob = await clients.open('bob', 'signup');
  const bobInbox = collect(bob);
  await (
    await alice.send({ user: bob.user.id }, 'before the change')
  ).acked;
  await bobInbox.until((m) => m.some((x) => x.text === 'before the change'), 'the first message');
  const conversation = bobInbox.messages.find((x) => x.text === 'before the change')!.conversation;

  const { backupKey } = await derivePasswordKeys('bob', 'password of bob');
  await publishNextIdentityKey(bob.connection(), bob.identity, await generateIdentityKey(), backupKey);
  // alice's client has not looked bob up since: its session still wraps for the key it had.
  await (
    await alice.send({ user: bob.user.id }, 'after the change, old session')
  ).acked;

  // bob on a new machine, which knows only what the server backup holds.
  const newBob = await clients.open('bob', 'login');
  expect(newBob.identity.fingerprint).not.toBe(bob.identity.fingerprint);
  const expected = [
    ['before the change', 'verified'],
    ['after the change, old session', 'verified'],
  ];
  const texts = async (client: typeof bob) =>
    (await client.history(conversation)).filter((m) => m.kind === 'message').map((m) => [m.text, m.trust]);
  expect(await texts(newBob)).toEqual(expected);

  // A password change seals the replaced key into the new backup as well.
  await newBob.changePassword('bob changed to a long phrase');
  const thirdBob = await clients.open('bob', 'login', { password: 'bob changed to a long phrase' });
  expect(thirdBob.identity.retiredKeys).toHaveLength(1);
  expect(await texts(thirdBob)).toEqual(expected);
});
