import { generateKeyPair, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ChatClient } from '../../src/client/chat-client.js';
import { GENERATED_KEYS, type AccountKeySource } from '../../src/client/account.js';
import { fingerprintOf, IDENTITY_KEY_BITS, publicKeyDer } from '../../src/crypto/identity.js';
import { legacyPublicKeyDer } from '../../src/crypto/legacy-rsa.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer | undefined;
const homes: string[] = [];
afterEach(async () => {
  await server?.stop();
  await Promise.all(homes.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const rsa = (bits: number) => new Promise<KeyObject>((resolve, reject) =>
  generateKeyPair('rsa', { modulusLength: bits }, (error, _pub, key) => (error ? reject(error) : resolve(key))));

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

  // A new machine: the identity key from the server's backup; the legacy pair has no backup
  // (docs/legacy.md), so the key source gives a new one, which is published.
  const newLegacy = await rsa(2048);
  const device = await mkdtemp(join(tmpdir(), 'fastchat-home-'));
  homes.push(device);
  const elsewhere = await ChatClient.open({ coordinator, home: device, name: 'alice', password: 'password of alice', mode: 'login', keys: { ...keys, legacyKey: async () => (asked.push('legacy'), newLegacy) } });
  expect(elsewhere.identity.fingerprint).toBe(fingerprintOf(given.identity));
  expect(elsewhere.user.legacyKey && Buffer.from(elsewhere.user.legacyKey)).toEqual(legacyPublicKeyDer(newLegacy));
  expect(asked).toHaveLength(3);
  await elsewhere.close();
  expect(given.identity.asymmetricKeyDetails?.modulusLength).toBe(IDENTITY_KEY_BITS);
});
