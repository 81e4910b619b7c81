import { forge } from './forge.js';

/** Decimal digits in a fingerprint: 12 groups of 5. */
const DIGITS = 60;
const GROUP = 5;
const MODULUS = 10n ** BigInt(DIGITS);

/**
 * The fingerprint of a public key, for two people to read aloud and compare: 60 decimal digits in 12
 * groups of 5, such as "03952 81766 …".
 *
 * Definition (stable; a change of it must change the format visibly): the SHA-256 (node-forge's `md`)
 * of the key's SPKI DER, read as a 256-bit big-endian unsigned integer, reduced modulo 10^60, written
 * in decimal zero-padded to 60 digits, split into groups of 5 from the left. The digits carry
 * log2(10^60) ≈ 199 bits of the hash (far above the 60+ needed against a second-preimage search), and
 * the reduction is unbiased to within 10^60 / 2^256 < 2^-56.
 */
export function fingerprint(spkiDer: Uint8Array): string {
  const digest = forge.md.sha256.create();
  digest.update(Buffer.from(spkiDer.buffer, spkiDer.byteOffset, spkiDer.byteLength).toString('binary'));
  const digits = (BigInt(`0x${digest.digest().toHex()}`) % MODULUS).toString().padStart(DIGITS, '0');
  const groups: string[] = [];
  for (let at = 0; at < DIGITS; at += GROUP) groups.push(digits.slice(at, at + GROUP));
  return groups.join(' ');
}

/** True when `text` has the shape `fingerprint` produces (12 space-separated groups of 5 digits). */
export function isFingerprint(text: string): boolean {
  return /^\d{5}( \d{5}){11}$/.test(text);
}
