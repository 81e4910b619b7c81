import { hkdfSync, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD_KDF_PARAMS, derivePasswordKeys, type PasswordKeys } from '../../src/crypto/password-keys.js';

/** Cheap scrypt for tests; one test also runs the production default. */
const FAST = { N: 1024, r: 8, p: 1 };
const hex = (keys: PasswordKeys) => [keys.loginSecret, keys.backupKey, keys.localKey].map((k) => k.toString('hex'));

describe('derivePasswordKeys', () => {
  it('gives three 32-byte keys that differ from each other', async () => {
    const keys = await derivePasswordKeys('alice', 'hunter2', FAST);
    for (const key of hex(keys)) expect(key).toHaveLength(64);
    expect(new Set(hex(keys)).size).toBe(3);
  });

  it('is deterministic per (name, password), the name compared case-insensitively', async () => {
    const a = await derivePasswordKeys('Alice', 'hunter2', FAST);
    expect(hex(await derivePasswordKeys('Alice', 'hunter2', FAST))).toEqual(hex(a));
    expect(hex(await derivePasswordKeys('alice', 'hunter2', FAST))).toEqual(hex(a));
    expect(hex(await derivePasswordKeys('ALICE', 'hunter2', FAST))).toEqual(hex(a));
  });

  it('changes every key when the password changes, even only in case, or the name changes', async () => {
    const a = hex(await derivePasswordKeys('alice', 'hunter2', FAST));
    for (const [name, password] of [
      ['alice', 'hunter3'],
      ['alice', 'Hunter2'],
      ['bob', 'hunter2'],
      ['alice2', 'hunter2'],
    ] as const) {
      const b = hex(await derivePasswordKeys(name, password, FAST));
      for (let i = 0; i < 3; i++) expect(b[i], `${name}/${password} key ${i}`).not.toBe(a[i]);
    }
  });

  it('does not confuse name and password boundaries', async () => {
    const a = hex(await derivePasswordKeys('ab', 'c', FAST));
    const b = hex(await derivePasswordKeys('a', 'bc', FAST));
    expect(b[0]).not.toBe(a[0]);
  });

  it('depends on the scrypt parameters', async () => {
    const a = hex(await derivePasswordKeys('alice', 'hunter2', FAST));
    const b = hex(await derivePasswordKeys('alice', 'hunter2', { ...FAST, N: 2048 }));
    expect(b[0]).not.toBe(a[0]);
  });

  it('is scrypt(N = 2^15, r = 8, p = 1) then HKDF-SHA256 with three labels (recomputed independently)', async () => {
    expect(DEFAULT_PASSWORD_KDF_PARAMS).toEqual({ N: 32768, r: 8, p: 1 });
    const keys = await derivePasswordKeys('Alice', 'correct horse battery staple');
    const master = scryptSync('correct horse battery staple', 'fastchat/v1/password:alice', 32, {
      N: 32768,
      r: 8,
      p: 1,
      maxmem: 64 * 1024 * 1024,
    });
    const expand = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32)).toString('hex');
    expect(hex(keys)).toEqual([expand('fastchat/v1/login-secret'), expand('fastchat/v1/key-backup'), expand('fastchat/v1/local-key')]);
  });
});
