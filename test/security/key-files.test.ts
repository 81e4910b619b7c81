import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { IDENTITY_FILE, LEGACY_KEY_FILE } from '../../src/client/account.js';
import { decryptPrivateKeyPem, encryptPrivateKeyPem, publicKeyDer } from '../../src/crypto/identity.js';
import { derivePasswordKeys } from '../../src/crypto/password-keys.js';
import { testClients } from '../support/client-harness.js';
import { startTestServer, type TestServer } from '../support/start-server.js';

let server: TestServer;
const clients = testClients(() => server.listening.coordinatorPort);
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await clients.cleanup();
  await server.stop();
});

const PASSWORD = 'password of alice';

it('finding 10: identity.pem and legacy.pem do not open with the password alone, only with its scrypt-derived local key', async () => {
  const home = await clients.home();
  const alice = await clients.open('alice', 'signup', { home, password: PASSWORD });
  const { localKey } = await derivePasswordKeys('alice', PASSWORD);
  for (const [file, key] of [
    [IDENTITY_FILE, alice.identity.privateKey],
    [LEGACY_KEY_FILE, alice.identity.legacyKey],
  ] as const) {
    const pem = await readFile(join(home, 'alice', file), 'utf8');
    expect(() => decryptPrivateKeyPem(pem, PASSWORD), file).toThrow(expect.objectContaining({ code: 'wrong_passphrase' }));
    expect(publicKeyDer(decryptPrivateKeyPem(pem, localKey.toString('hex'))), file).toEqual(publicKeyDer(key));
  }
});

it('finding 10: files an earlier client sealed under the password still open at login, and are sealed again under the local key', async () => {
  const home = await clients.home();
  const alice = await clients.open('alice', 'signup', { home, password: PASSWORD });
  const keys = { identity: alice.identity.privateKey, legacy: alice.identity.legacyKey };
  await alice.close();
  await writeFile(join(home, 'alice', IDENTITY_FILE), encryptPrivateKeyPem(keys.identity, PASSWORD));
  await writeFile(join(home, 'alice', LEGACY_KEY_FILE), encryptPrivateKeyPem(keys.legacy, PASSWORD));

  const again = await clients.open('alice', 'login', { home, password: PASSWORD, start: false });
  expect(publicKeyDer(again.identity.privateKey)).toEqual(publicKeyDer(keys.identity));
  expect(publicKeyDer(again.identity.legacyKey)).toEqual(publicKeyDer(keys.legacy));
  expect(Buffer.from(again.user.legacyKey!)).toEqual(publicKeyDer(keys.legacy)); // kept, not replaced by a new pair
  for (const file of [IDENTITY_FILE, LEGACY_KEY_FILE]) {
    const pem = await readFile(join(home, 'alice', file), 'utf8');
    expect(() => decryptPrivateKeyPem(pem, PASSWORD), file).toThrow(expect.objectContaining({ code: 'wrong_passphrase' }));
  }
});
