import { createCipheriv, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ChatClient } from '../../src/client/chat-client.js';
import { GENERATED_KEYS, type AccountKeySource } from '../../src/client/account.js';
import { fingerprintOf, IDENTITY_KEY_BITS, publicKeyDer } from '../../src/crypto/identity.js';
import { openKeyBackup } from '../../src/crypto/key-backup.js';
import { legacyPublicKeyDer } from '../../src/crypto/legacy-rsa.js';
import { derivePasswordKeys } from '../../src/crypto/password-keys.js';
import { SqlChatStore } from '../../src/store/sql-chat-store.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer | undefined;
const homes: string[] = [];
afterEach(async () => {
  await server?.stop();
  await Promise.all(homes.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const rsa = (bits: number) =>
  new Promise<KeyObject>((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: bits }, (error, _pub, key) => (error ? reject(error) : resolve(key))),
  );

it('a signup publishes, backs up and keeps the key pairs its key source hands out, and asks it for one of each', async () => {
  server = await startTestServer();
  const given = { identity: await GENERATED_KEYS.identityKey(), legacy: await rsa(2048) };
  const asked: string[] = [];
  const keys: AccountKeySource = {
    identityKey: async () => (asked.push('identity'), given.identity),
    legacyKey: async () => (asked.push('legacy'), given.legacy),
  };
  const home = await mkdtemp(join(tmpdir(), 'fastchat-home-'));
  homes.push(home);
  const coordinator = { host: '127.0.0.1', port: server.listening.coordinatorPort };
  const alice = await ChatClient.open({ coordinator, home, name: 'alice', password: 'password of alice', mode: 'signup', keys });
  expect(asked.sort()).toEqual(['identity', 'legacy']);
  expect(alice.identity.fingerprint).toBe(fingerprintOf(given.identity));
  expect(Buffer.from(alice.user.publicKey!)).toEqual(publicKeyDer(given.identity));
  expect(Buffer.from(alice.user.legacyKey!)).toEqual(legacyPublicKeyDer(given.legacy));
  await alice.close();

  // Both come back on this machine.
  const again = await ChatClient.open({ coordinator, home, name: 'alice', password: 'password of alice', mode: 'login', keys });
  expect(again.identity.fingerprint).toBe(fingerprintOf(given.identity));
  expect(publicKeyDer(again.identity.legacyKey)).toEqual(publicKeyDer(given.legacy));
  await again.close();
  expect(asked).toHaveLength(2);

  // A new machine: both keys from the server's backup (docs/legacy.md), so what legacy users sent
  // stays readable there; no new pair is made.
  const device = await mkdtemp(join(tmpdir(), 'fastchat-home-'));
  homes.push(device);
  const elsewhere = await ChatClient.open({ coordinator, home: device, name: 'alice', password: 'password of alice', mode: 'login', keys });
  expect(elsewhere.identity.fingerprint).toBe(fingerprintOf(given.identity));
  expect(publicKeyDer(elsewhere.identity.legacyKey)).toEqual(publicKeyDer(given.legacy));
  expect(elsewhere.user.legacyKey && Buffer.from(elsewhere.user.legacyKey)).toEqual(legacyPublicKeyDer(given.legacy));
  expect(asked).toHaveLength(2);
  await elsewhere.close();
  expect(given.identity.asymmetricKeyDetails?.modulusLength).toBe(IDENTITY_KEY_BITS);
});

it('an account whose backup predates legacy keys gets its legacy key into the backup at its next login, and a new machine then finds it', async () => {
  server = await startTestServer();
  const given = { identity: await GENERATED_KEYS.identityKey(), legacy: await rsa(2048) };
  const keys: AccountKeySource = { identityKey: async () => given.identity, legacyKey: async () => given.legacy };
  const home = await mkdtemp(join(tmpdir(), 'fastchat-home-'));
  homes.push(home);
  const coordinator = { host: '127.0.0.1', port: server.listening.coordinatorPort };
  const password = 'password of bob';
  const bob = await ChatClient.open({ coordinator, home, name: 'bob', password, mode: 'signup', keys });
  const id = bob.user.id;
  await bob.close();
  // The backup as a client from before sealed it: version 2, the identity key alone.
  const { backupKey } = await derivePasswordKeys('bob', password);
  const der = given.identity.export({ format: 'der', type: 'pkcs8' });
  const length = Buffer.alloc(2);
  length.writeUInt16BE(der.length);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', backupKey, iv);
  cipher.setAAD(Buffer.concat([Buffer.from('fastchat/v1/key-backup'), Buffer.of(2)]));
  const body = Buffer.concat([cipher.update(Buffer.concat([length, der])), cipher.final()]);
  const store = new SqlChatStore(server.database);
  await store.setKeys(id, {
    publicKey: publicKeyDer(given.identity),
    keyBackup: Buffer.concat([Buffer.of(2), iv, body, cipher.getAuthTag()]),
    legacyKey: legacyPublicKeyDer(given.legacy),
  });
  const backupOf = async () => (await store.credentialsByName('bob'))!.keyBackup!;
  expect(openKeyBackup(await backupOf(), backupKey).legacy).toBeUndefined();

  // The next login on this machine seals the backup again, with the legacy key from its file.
  const again = await ChatClient.open({
    coordinator,
    home,
    name: 'bob',
    password,
    mode: 'login',
    keys: { ...keys, legacyKey: async () => expect.fail('no new legacy key') },
  });
  await again.close();
  const upgraded = openKeyBackup(await backupOf(), backupKey);
  expect(publicKeyDer(upgraded.current)).toEqual(publicKeyDer(given.identity));
  expect(publicKeyDer(upgraded.legacy!)).toEqual(publicKeyDer(given.legacy));

  // A new machine reads it from there.
  const device = await mkdtemp(join(tmpdir(), 'fastchat-home-'));
  homes.push(device);
  const elsewhere = await ChatClient.open({
    coordinator,
    home: device,
    name: 'bob',
    password,
    mode: 'login',
    keys: { ...keys, legacyKey: async () => expect.fail('no new legacy key') },
  });
  expect(publicKeyDer(elsewhere.identity.legacyKey)).toEqual(publicKeyDer(given.legacy));
  await elsewhere.close();
});
