import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { publishNextIdentityKey } from '../../src/client/key-change.js';
import { RequestFailedError } from '../../src/client/errors.js';
import { signKeyChange } from '../../src/crypto/key-change.js';
import { fingerprint, publicKeyDer } from '../../src/crypto/identity.js';
import { derivePasswordKeys } from '../../src/crypto/password-keys.js';
import { ChatTestClient } from '../support/chat-client.js';
import { useServerWithClients } from '../support/client-harness.js';
import { testAccountKeys } from '../support/key-pool.js';
import { capturedLogin as capturedLoginAt } from '../support/captured-login.js';

const world = useServerWithClients();
const { clients } = world;

/**
 * Finding 2 of the second security review (issue 17): a captured login secret or resume token replaced
 * the victim's identity key with `publish_keys`; new contacts then encrypted to the attacker, and the
 * attacker's messages "as the victim" showed ✓. A key change now needs the password proof (a resume
 * token is not enough) and, in place of a published key, the published key's signature over the change.
 */

async function codeOf(request: Promise<unknown>): Promise<string> {
  return request.then(
    () => 'ok',
    (error: unknown) => (error instanceof RequestFailedError ? error.code : String(error)),
  );
}

async function publishedKeyOf(asker: { request: ChatTestClient['rpc']['request'] }, userId: number): Promise<Buffer> {
  const { users } = await asker.request({ t: 'users', ids: [userId] });
  return Buffer.from(users[0]!.publicKey!);
}

const capturedLogin = (name: string, secret: Buffer) => capturedLoginAt(world.server.listening.coordinatorPort, name, secret);

it('finding 2: a session resumed with a captured token cannot replace the identity key, whatever secret it guesses', async () => {
  const alice = await clients.open('alice', 'signup');
  const { raw: victimsOwn, token } = await capturedLogin('alice', alice.identity.loginSecret);
  const attacker = await ChatTestClient.connect(world.server.listening.coordinatorPort);
  try {
    await attacker.rpc.request({ t: 'resume', token });
    const malloryKey = publicKeyDer(await testAccountKeys.identityKey());
    expect(await codeOf(attacker.rpc.request({ t: 'publish_keys', secret: randomBytes(32), publicKey: malloryKey }))).toBe(
      'bad_credentials',
    );
    expect((await publishedKeyOf(alice, alice.user.id)).equals(alice.identity.publicKeyDer)).toBe(true);
  } finally {
    await attacker.close();
    await victimsOwn.close();
  }
});

it('finding 2: a captured login secret without the published key cannot replace it: no proof, a proof by another key, or a proof for another account are refused', async () => {
  const alice = await clients.open('alice', 'signup');
  const bob = await clients.open('bob', 'signup');
  const { raw: attacker } = await capturedLogin('alice', alice.identity.loginSecret);
  try {
    const mallory = await testAccountKeys.identityKey();
    const malloryKey = publicKeyDer(mallory);
    const attempt = (keyProof?: Buffer) =>
      codeOf(
        attacker.rpc.request({
          t: 'publish_keys',
          secret: alice.identity.loginSecret,
          publicKey: malloryKey,
          ...(keyProof ? { keyProof } : {}),
        }),
      );
    expect(await attempt()).toBe('bad_key_proof');
    expect(await attempt(signKeyChange(mallory, alice.user.id, malloryKey))).toBe('bad_key_proof');
    // alice's key once signed a change of bob's account to this key: it vouches for bob's, not hers.
    expect(await attempt(signKeyChange(alice.identity.privateKey, bob.user.id, malloryKey))).toBe('bad_key_proof');
    // Every contact still sees alice's own key.
    expect((await publishedKeyOf(bob, alice.user.id)).equals(alice.identity.publicKeyDer)).toBe(true);
  } finally {
    await attacker.close();
  }
});

it('finding 2: wrong passwords on publish_keys are throttled like logins, so it is no way around the login throttle', async () => {
  const alice = await clients.open('alice', 'signup');
  const { raw: attacker } = await capturedLogin('alice', alice.identity.loginSecret);
  try {
    const codes: string[] = [];
    for (let guess = 0; guess < 10 && !codes.includes('rate_limited'); guess++) {
      codes.push(
        await codeOf(attacker.rpc.request({ t: 'publish_keys', secret: randomBytes(32), publicKey: alice.identity.publicKeyDer })),
      );
    }
    expect(codes[0]).toBe('bad_credentials');
    expect(codes).toContain('rate_limited');
  } finally {
    await attacker.close();
  }
});

it('finding 2: the owner, with the password and the key in use, replaces it', async () => {
  const alice = await clients.open('alice', 'signup');
  const next = await testAccountKeys.identityKey();
  const { backupKey } = await derivePasswordKeys('alice', 'password of alice');
  const user = await publishNextIdentityKey(alice.connection(), alice.identity, next, backupKey);
  expect(Buffer.from(user.publicKey!).equals(publicKeyDer(next))).toBe(true);
  expect((await publishedKeyOf(alice, alice.user.id)).equals(publicKeyDer(next))).toBe(true);
});

it("finding 2: a contact is told whether a new key was signed by the one it pinned: the owner's change is, an operator's swap is not", async () => {
  const alice = await clients.open('alice', 'signup');
  const bob = await clients.open('bob', 'signup');
  const carol = await clients.open('carol', 'signup');
  await alice.keyring.keysOf([bob.user.id, carol.user.id]); // pinned

  const next = await testAccountKeys.identityKey();
  const { backupKey } = await derivePasswordKeys('bob', 'password of bob');
  await publishNextIdentityKey(bob.connection(), bob.identity, next, backupKey);
  // The operator puts mallory's key on carol's account by hand, with a "proof" mallory's key made.
  const mallory = await testAccountKeys.identityKey();
  const malloryKey = publicKeyDer(mallory);
  await world.server.database.query('UPDATE users SET public_key = $2, key_proof = $3 WHERE id = $1', [
    carol.user.id,
    malloryKey,
    signKeyChange(mallory, carol.user.id, malloryKey),
  ]);

  await alice.keyring.refresh([bob.user.id, carol.user.id]);
  expect(alice.keyring.get(bob.user.id)).toMatchObject({ changed: true, signedByPinned: true });
  expect(alice.keyring.get(carol.user.id)).toMatchObject({ changed: true, signedByPinned: false });
  // Neither is trusted until alice accepts it, and the refusal says which case it is.
  await expect((await alice.send({ user: bob.user.id }, 'to bob')).acked).rejects.toMatchObject({
    code: 'key_changed',
    message: expect.stringContaining('signed by the key you had pinned'),
  });
  await expect((await alice.send({ user: carol.user.id }, 'to carol')).acked).rejects.toMatchObject({
    code: 'key_changed',
    message: expect.stringContaining('did NOT sign the change'),
  });
});

it("finding 2: the owner's other sessions are told at once when the key is replaced", async () => {
  const laptop = await clients.open('alice', 'signup');
  const phone = await clients.open('alice', 'login', { home: await clients.home() });
  const told: string[] = [];
  const seen = new Promise<void>((resolve) => laptop.on('ownKeyChanged', ({ fingerprint }) => (told.push(fingerprint), resolve())));
  const next = await testAccountKeys.identityKey();
  const { backupKey } = await derivePasswordKeys('alice', 'password of alice');
  await publishNextIdentityKey(phone.connection(), phone.identity, next, backupKey);
  await seen;
  expect(told).toEqual([fingerprint(publicKeyDer(next))]);
});
