import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { BadKeyError, LegacyTextError } from './errors.js';
import { forge } from './forge.js';
import type { pki } from 'node-forge';

/**
 * The 2022 clients' message scheme (legacy-protocol.md § The legacy ciphertext): raw RSA PKCS#1 v1.5
 * (type 2) encryption of ASCII text under the recipient's key, one block, written as the ciphertext's
 * bytes in decimal separated by single spaces. node-forge does the RSA here: node:crypto refuses
 * PKCS#1 v1.5 decryption (CVE-2023-46809), and a legacy message costs one private operation.
 *
 * Never used with a modern identity key: a modern user has a separate legacy pair (generateLegacyKey).
 */

/** Modulus size of a modern user's legacy key pair. The original clients' `rsa` library takes any size. */
export const LEGACY_KEY_BITS = 2048;
/** Smallest and largest legacy keys accepted from a peer (the original clients made 1024-bit keys). */
export const LEGACY_MIN_BITS = 1024;
export const LEGACY_MAX_BITS = 4096;
/** PKCS#1 v1.5 type 2 padding takes 11 bytes of each block. */
const PADDING_BYTES = 11;

const KEY_TEXT = /^PublicKey\((\d{1,1300}), (\d{1,20})\)$/;

/** A new legacy RSA key pair (private half), made by node:crypto off the main thread. */
export function generateLegacyKey(): Promise<KeyObject> {
  return new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: LEGACY_KEY_BITS, publicExponent: 0x10001 }, (error, _pub, privateKey) =>
      error ? reject(error) : resolve(privateKey),
    ),
  );
}

/** The SPKI DER of a legacy key written as `PublicKey(<n>, <e>)`; BadKeyError unless it is an RSA key of an accepted size. */
export function legacyKeyFromText(text: string): Buffer {
  const match = KEY_TEXT.exec(text);
  if (!match) throw new BadKeyError('not a PublicKey(n, e) text');
  const n = new forge.jsbn.BigInteger(match[1]!, 10);
  const e = new forge.jsbn.BigInteger(match[2]!, 10);
  const bits = n.bitLength();
  if (bits < LEGACY_MIN_BITS || bits > LEGACY_MAX_BITS)
    throw new BadKeyError(`legacy key of ${bits} bits is outside ${LEGACY_MIN_BITS}..${LEGACY_MAX_BITS}`);
  if (e.compareTo(new forge.jsbn.BigInteger('3', 10)) < 0 || !e.testBit(0))
    throw new BadKeyError('legacy key has an invalid public exponent');
  const key = forge.pki.setRsaPublicKey(n, e);
  return Buffer.from(forge.asn1.toDer(forge.pki.publicKeyToAsn1(key)).getBytes(), 'binary');
}

/** A legacy public key (SPKI DER) as the 2022 clients write it: `PublicKey(<n>, <e>)`. */
export function legacyKeyText(spkiDer: Uint8Array): string {
  const key = forgePublicKey(spkiDer);
  return `PublicKey(${key.n.toString(10)}, ${key.e.toString(10)})`;
}

/** The SPKI DER of a legacy key pair's public half. */
export function legacyPublicKeyDer(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
}

/** How many bytes of text one legacy message to this key can hold (k − 11: 117 for a 1024-bit key). */
export function legacyMaxBytes(spkiDer: Uint8Array): number {
  return Math.ceil(forgePublicKey(spkiDer).n.bitLength() / 8) - PADDING_BYTES;
}

/**
 * `text` cut into pieces that each fit one legacy message to this key: at the last space within the
 * limit when there is one. LegacyTextError when the text is not printable ASCII (the original clients
 * read nothing else) or is empty.
 */
export function splitLegacyText(text: string, maxBytes: number): string[] {
  if (!isLegacyText(text)) {
    throw new LegacyTextError(
      'not_ascii',
      'a message to a legacy (2022) client must be plain ASCII text: no accents, emoji or other characters',
    );
  }
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > maxBytes) {
    const space = rest.lastIndexOf(' ', maxBytes);
    const cut = space > 0 ? space : maxBytes;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(space > 0 ? cut + 1 : cut);
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}

/** True for text the legacy scheme can carry: non-empty printable ASCII (tabs and newlines allowed). */
export function isLegacyText(text: string): boolean {
  return text.length > 0 && /^[\x20-\x7e\t\n\r]*$/.test(text);
}

/** Encrypts ASCII `text` (at most legacyMaxBytes) for the holder of this legacy key, in the decimal format. */
export function legacyEncrypt(spkiDer: Uint8Array, text: string): string {
  const key = forgePublicKey(spkiDer);
  if (!isLegacyText(text)) throw new LegacyTextError('not_ascii', 'legacy text must be printable ASCII');
  if (text.length > legacyMaxBytes(spkiDer))
    throw new LegacyTextError('too_long', `legacy text holds at most ${legacyMaxBytes(spkiDer)} bytes`);
  const cipher = key.encrypt(text, 'RSAES-PKCS1-V1_5');
  return [...Buffer.from(cipher, 'binary')].join(' ');
}

/**
 * Decrypts a legacy message with our legacy private key; undefined on any failure (not the decimal
 * format, wrong length, bad padding, not ASCII). Callers show every failure the same way.
 */
export function legacyDecrypt(privateKey: KeyObject, decimal: string): string | undefined {
  const k = Math.ceil((privateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (!/^\d{1,3}( \d{1,3})*$/.test(decimal)) return undefined;
  const bytes = decimal.split(' ').map(Number);
  if (bytes.length !== k || bytes.some((b) => b > 255)) return undefined;
  try {
    const pem = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    const key = forge.pki.privateKeyFromPem(pem);
    const text = key.decrypt(Buffer.from(bytes).toString('binary'), 'RSAES-PKCS1-V1_5');
    return isLegacyText(text) ? text : undefined;
  } catch {
    // Swallowed on purpose: every failure is reported as "undecryptable", never as a distinct error.
    return undefined;
  }
}

/** A legacy private key from a PKCS#1 or PKCS#8 PEM (as the original client keeps it in ./pems). */
export function legacyPrivateKeyFromPem(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new BadKeyError('not a PEM private key', { cause: error });
  }
}

function forgePublicKey(spkiDer: Uint8Array): pki.rsa.PublicKey {
  try {
    const asn1 = forge.asn1.fromDer(Buffer.from(spkiDer).toString('binary'));
    const key = forge.pki.publicKeyFromAsn1(asn1);
    if (!key.n || !key.e) throw new BadKeyError('not an RSA public key');
    return key;
  } catch (error) {
    if (error instanceof BadKeyError) throw error;
    throw new BadKeyError('not an SPKI DER RSA public key', { cause: error });
  }
}
