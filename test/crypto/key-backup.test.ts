import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { BadKeyError, WrongPassphraseError } from '../../src/crypto/errors.js';
import { KEY_BACKUP_VERSION, openKeyBackup, sealKeyBackup } from '../../src/crypto/key-backup.js';
import { derivePasswordKeys } from '../../src/crypto/password-keys.js';
import { flipped, identityKeys } from './keys.js';

let key: KeyObject;
beforeAll(async () => {
  [key] = (await identityKeys(1)) as [KeyObject];
});

const pkcs8 = (k: KeyObject) => k.export({ format: 'der', type: 'pkcs8' });
const FAST = { N: 1024, r: 8, p: 1 };

describe('key backup', () => {
  it('round-trips the identity key under the password-derived backup key', async () => {
    const { backupKey } = await derivePasswordKeys('alice', 'hunter2', FAST);
    const blob = sealKeyBackup(key, backupKey);
    expect(blob[0]).toBe(KEY_BACKUP_VERSION);
    expect(pkcs8(openKeyBackup(blob, backupKey)).equals(pkcs8(key))).toBe(true);
  });

  it('does not contain the key in the clear, and differs each time (fresh IV)', () => {
    const backupKey = randomBytes(32);
    const blob = sealKeyBackup(key, backupKey);
    expect(blob.includes(pkcs8(key).subarray(30, 62))).toBe(false);
    expect(sealKeyBackup(key, backupKey).equals(blob)).toBe(false);
  });

  it('answers WrongPassphraseError (backup_key_mismatch) under another password or the login secret', async () => {
    const right = await derivePasswordKeys('alice', 'hunter2', FAST);
    const wrong = await derivePasswordKeys('alice', 'hunter3', FAST);
    const blob = sealKeyBackup(key, right.backupKey);
    for (const attempt of [wrong.backupKey, right.loginSecret, right.localKey]) {
      expect(() => openKeyBackup(blob, attempt)).toThrow(WrongPassphraseError);
    }
    expect(() => openKeyBackup(blob, wrong.backupKey)).toThrow(expect.objectContaining({ code: 'backup_key_mismatch' }));
  });

  it('answers WrongPassphraseError when any byte of the IV, ciphertext or tag is changed', () => {
    const backupKey = randomBytes(32);
    const blob = sealKeyBackup(key, backupKey);
    for (const at of [1, 12, 13, 500, blob.length - 17, blob.length - 1]) {
      expect(() => openKeyBackup(flipped(blob, at, 0x01), backupKey), `byte ${at}`).toThrow(WrongPassphraseError);
    }
  });

  it('answers BadKeyError for bytes that are not a backup', () => {
    const backupKey = randomBytes(32);
    const blob = sealKeyBackup(key, backupKey);
    expect(() => openKeyBackup(new Uint8Array(0), backupKey)).toThrow(BadKeyError);
    expect(() => openKeyBackup(blob.subarray(0, 20), backupKey)).toThrow(BadKeyError);
    expect(() => openKeyBackup(flipped(blob, 0, 0x02), backupKey)).toThrow(/version/);
  });

  it('refuses a backup key that is not 32 bytes, and a key that is not an RSA private key', () => {
    expect(() => sealKeyBackup(key, randomBytes(16))).toThrow(RangeError);
    expect(() => openKeyBackup(sealKeyBackup(key, randomBytes(32)), randomBytes(31))).toThrow(RangeError);
    expect(() => sealKeyBackup(createSecretKey(randomBytes(32)), randomBytes(32))).toThrow(BadKeyError);
  });
});

