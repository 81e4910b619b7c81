import { createHash, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, fingerprintOf, isFingerprint, publicKeyDer } from '../../src/crypto/identity.js';
import { flipped, identityKeys } from './keys.js';

let alice: KeyObject;
let bob: KeyObject;
beforeAll(async () => {
  [alice, bob] = (await identityKeys(2)) as [KeyObject, KeyObject];
});

describe('fingerprint', () => {
  it('is 12 groups of 5 decimal digits', () => {
    const text = fingerprint(publicKeyDer(alice));
    expect(text).toMatch(/^\d{5}( \d{5}){11}$/);
    expect(isFingerprint(text)).toBe(true);
    expect(isFingerprint(text.replace(' ', ''))).toBe(false);
  });

  it('is the SHA-256 of the SPKI DER as a big-endian integer mod 10^60 (checked independently with node:crypto)', () => {
    const der = publicKeyDer(alice);
    const hash = BigInt(`0x${createHash('sha256').update(der).digest('hex')}`);
    const digits = (hash % 10n ** 60n).toString().padStart(60, '0');
    expect(fingerprint(der).replaceAll(' ', '')).toBe(digits);
  });

  it('is stable: the same for the same key, whichever half it is computed from', () => {
    const der = publicKeyDer(alice);
    expect(fingerprint(der)).toBe(fingerprint(Buffer.from(der)));
    expect(fingerprintOf(alice)).toBe(fingerprint(der));
    expect(fingerprint(new Uint8Array(der))).toBe(fingerprint(der));
  });

  it('differs between keys, and when any byte of the DER changes', () => {
    const der = publicKeyDer(alice);
    expect(fingerprintOf(bob)).not.toBe(fingerprintOf(alice));
    for (const at of [0, 100, der.length - 1]) expect(fingerprint(flipped(der, at, 1))).not.toBe(fingerprint(der));
  });

  it('has a fixed value for fixed input (the definition cannot drift)', () => {
    expect(fingerprint(Buffer.from('fastchat'))).toBe('49269 62121 30643 73656 63505 27422 20637 94039 67467 83755 55982 58403');
  });

  it('reads a subarray view, not the whole underlying buffer', () => {
    const der = publicKeyDer(alice);
    const padded = Buffer.concat([Buffer.from('xx'), der, Buffer.from('yy')]);
    expect(fingerprint(padded.subarray(2, 2 + der.length))).toBe(fingerprint(der));
  });
});
