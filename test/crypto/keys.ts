import type { KeyObject } from 'node:crypto';
import { generateIdentityKey } from '../../src/crypto/identity.js';

/** Real RSA-3072 identity keys (0.3–1 s each, generated concurrently): call once per file, in beforeAll. */
export function identityKeys(count: number): Promise<KeyObject[]> {
  return Promise.all(Array.from({ length: count }, () => generateIdentityKey()));
}

/** Flips the bits of one byte of a copy of `bytes`. */
export function flipped(bytes: Uint8Array, at: number, mask = 0xff): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ mask;
  return copy;
}
