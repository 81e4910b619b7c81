import { createCipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { BadKeyError, WrongPassphraseError } from '../../src/crypto/errors.js';
import { KEY_BACKUP_VERSION, openKeyBackup, sealKeyBackup } from '../../src/crypto/key-backup.js';
import { derivePasswordKeys } from '../../src/crypto/password-keys.js';
import { flipped, identityKeys } from './keys.js';

let key: KeyObject;
let older: KeyObject;
let oldest: KeyObject;
beforeAll(async () => {
  [key, older, oldest] = (await identityKeys(3)) as [KeyObject, KeyObject, KeyObject];
});

/** A backup as an earlier or a broken client would seal it: `plain` under `version`, with the real layout around it. */
function sealRaw(version: number, plain: Buffer, backupKey: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', backupKey, iv);
  cipher.setAAD(Buffer.concat([Buffer.from('fastchat/v1/key-backup'), Buffer.of(version)]));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.of(version), iv, body, cipher.getAuthTag()]);
}

const pkcs8 = (k: KeyObject) => k.export({ format: 'der', type: 'pkcs8' });
const FAST = { N: 1024, r: 8, p: 1 };

describe('key backup', () => {
  it('round-trips the identity key under the password-derived backup key', async () => {
    const { backupKey } = await derivePasswordKeys('alice', 'hunter2', FAST);
    const blob = sealKeyBackup(key, backupKey);
    expect(blob[0]).toBe(KEY_BACKUP_VERSION);
    expect(pkcs8(openKeyBackup(blob, backupKey).current).equals(pkcs8(key))).toBe(true);
    expect(openKeyBackup(blob, backupKey).retired).toEqual([]);
  });

  it('keeps the keys the current one replaced, newest first and each once, so what was sent to them stays readable', () => {
    const backupKey = randomBytes(32);
    const blob = sealKeyBackup(key, backupKey, { retired: [older, key, oldest, older] });
    const opened = openKeyBackup(blob, backupKey);
    expect(pkcs8(opened.current).equals(pkcs8(key))).toBe(true);
    expect(opened.retired.map(pkcs8)).toEqual([pkcs8(older), pkcs8(oldest)]);
  });

  it('leaves the oldest replaced keys out to fit a size limit, never the key in use', () => {
    const backupKey = randomBytes(32);
    const all = sealKeyBackup(key, backupKey, { retired: [older, oldest] });
    const trimmed = sealKeyBackup(key, backupKey, { retired: [older, oldest], maxBytes: all.length - 1 });
    expect(trimmed.length).toBeLessThan(all.length);
    expect(openKeyBackup(trimmed, backupKey).retired.map(pkcs8)).toEqual([pkcs8(older)]);
    expect(() => sealKeyBackup(key, backupKey, { maxBytes: 100 })).toThrow(RangeError);
  });

  it('opens a version-1 backup (one key, as clients before replaced keys sealed it)', () => {
    const backupKey = randomBytes(32);
    const opened = openKeyBackup(sealRaw(1, pkcs8(key), backupKey), backupKey);
    expect(pkcs8(opened.current).equals(pkcs8(key))).toBe(true);
    expect(opened.retired).toEqual([]);
  });

  it('opens a version-2 backup (identity keys only, as clients before the legacy key sealed it)', () => {
    const backupKey = randomBytes(32);
    const entry = (k: KeyObject) => {
      const der = pkcs8(k);
      const length = Buffer.alloc(2);
      length.writeUInt16BE(der.length);
      return Buffer.concat([length, der]);
    };
    const opened = openKeyBackup(sealRaw(2, Buffer.concat([entry(key), entry(older)]), backupKey), backupKey);
    expect(pkcs8(opened.current).equals(pkcs8(key))).toBe(true);
    expect(opened.retired.map((k) => pkcs8(k).equals(pkcs8(older)))).toEqual([true]);
    expect(opened.legacy).toBeUndefined();
  });

  it('keeps the legacy key beside the identity keys, ahead of the replaced ones when a limit leaves some out', () => {
    const backupKey = randomBytes(32);
    const opened = openKeyBackup(sealKeyBackup(key, backupKey, { retired: [older], legacy: oldest }), backupKey);
    expect(pkcs8(opened.current).equals(pkcs8(key))).toBe(true);
    expect(opened.retired.map((k) => pkcs8(k).equals(pkcs8(older)))).toEqual([true]);
    expect(pkcs8(opened.legacy!).equals(pkcs8(oldest))).toBe(true);
    // Room for two keys: the key in use and the legacy key, not the replaced one.
    const roomForTwo = 13 + 16 + 2 * (3 + pkcs8(key).length) + 8;
    const trimmed = openKeyBackup(sealKeyBackup(key, backupKey, { retired: [older], legacy: oldest, maxBytes: roomForTwo }), backupKey);
    expect(trimmed.retired).toEqual([]);
    expect(pkcs8(trimmed.legacy!).equals(pkcs8(oldest))).toBe(true);
  });

  it('answers BadKeyError for a version-3 entry of unknown kind, two legacy keys or no identity key', () => {
    const backupKey = randomBytes(32);
    const entry = (kind: number, k: KeyObject) => {
      const der = pkcs8(k);
      const header = Buffer.alloc(3);
      header.writeUInt8(kind, 0);
      header.writeUInt16BE(der.length, 1);
      return Buffer.concat([header, der]);
    };
    for (const plain of [
      Buffer.concat([entry(1, key), entry(9, older)]),
      Buffer.concat([entry(1, key), entry(2, older), entry(2, oldest)]),
      entry(2, older),
      Buffer.of(1, 0),
    ]) {
      expect(() => openKeyBackup(sealRaw(3, plain, backupKey), backupKey)).toThrow(BadKeyError);
    }
  });

  it('answers BadKeyError for a sealed list that is cut short, empty or holds no key', () => {
    const backupKey = randomBytes(32);
    const der = pkcs8(key);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(der.length);
    for (const plain of [
      Buffer.concat([length, der.subarray(0, 100)]),
      Buffer.concat([length, der, Buffer.of(0)]),
      Buffer.of(0, 0),
      Buffer.concat([Buffer.of(0, 4), Buffer.from('junk')]),
    ]) {
      expect(() => openKeyBackup(sealRaw(2, plain, backupKey), backupKey)).toThrow(BadKeyError);
    }
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
    expect(() => openKeyBackup(flipped(blob, 0, 0x04), backupKey)).toThrow(/version/);
  });

  it('refuses a backup key that is not 32 bytes, and a key that is not an RSA private key', () => {
    expect(() => sealKeyBackup(key, randomBytes(16))).toThrow(RangeError);
    expect(() => openKeyBackup(sealKeyBackup(key, randomBytes(32)), randomBytes(31))).toThrow(RangeError);
    expect(() => sealKeyBackup(createSecretKey(randomBytes(32)), randomBytes(32))).toThrow(BadKeyError);
  });
});
