import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkVerifier,
  DEFAULT_VERIFIER_PARAMS,
  makeVerifier,
  newResumeToken,
  parseKdf,
  resumeTokenHash,
} from '../../src/crypto/secret-verifier.js';
import { RESUME_TOKEN_BYTES } from '../../src/protocol/index.js';

const secret = Buffer.alloc(32, 1);

describe('secret verifier', () => {
  it('makes new verifiers with scrypt N=4096, r=8, p=1, and records them in the row', async () => {
    expect(DEFAULT_VERIFIER_PARAMS).toEqual({ N: 4096, r: 8, p: 1, keyLength: 32 });
    const made = await makeVerifier(secret);
    expect(made.kdf).toBe('scrypt:4096:8:1:32');
    expect(made.salt).toHaveLength(16);
    expect(await checkVerifier(secret, made)).toBe(true);
    expect(await checkVerifier(Buffer.alloc(32, 2), made)).toBe(false);
  });

  it('checks each verifier with the parameters it was made with, so older, costlier ones still verify', async () => {
    const old = await makeVerifier(secret, { N: 16384, r: 8, p: 1, keyLength: 32 });
    expect(parseKdf(old.kdf)).toEqual({ N: 16384, r: 8, p: 1, keyLength: 32 });
    expect(await checkVerifier(secret, old)).toBe(true);
    // The same salt under the new parameters gives a different value: the row's own kdf is what counts.
    expect(await checkVerifier(secret, { ...old, kdf: 'scrypt:4096:8:1:32' })).toBe(false);
  });
});

describe('resume tokens', () => {
  it('are 32 random bytes, the size the protocol accepts, and stored as their SHA-256', () => {
    const a = newResumeToken();
    const b = newResumeToken();
    expect(a).toHaveLength(RESUME_TOKEN_BYTES);
    expect(a.equals(b)).toBe(false);
    expect(resumeTokenHash(a)).toEqual(createHash('sha256').update(a).digest());
    expect(resumeTokenHash(a).equals(a)).toBe(false);
  });
});
