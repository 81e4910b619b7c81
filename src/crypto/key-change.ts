import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { importPublicKey } from './identity.js';
import { PSS } from './rsa-pss.js';

/**
 * A key change that proves itself (docs/crypto.md § Key changes): the user's published identity key
 * signs the one that replaces it. The statement binds the account (by id, so it cannot be replayed
 * for another user) and the new key (by SHA-256 of its SPKI DER); the label keeps it from ever being
 * taken for an envelope signature, whose transcript starts with another label.
 */
const LABEL = Buffer.from('fastchat key change v1\0', 'utf8');

/** The bytes the previous key signs: label, user id (uint64 big-endian), SHA-256 of the new SPKI. */
export function keyChangeStatement(userId: number, newPublicKeyDer: Uint8Array): Buffer {
  const id = Buffer.alloc(8);
  id.writeBigUInt64BE(BigInt(userId));
  return Buffer.concat([LABEL, id, createHash('sha256').update(newPublicKeyDer).digest()]);
}

/** The previous identity key's signature over keyChangeStatement: what `publish_keys` carries as `keyProof`. */
export function signKeyChange(previousKey: KeyObject, userId: number, newPublicKeyDer: Uint8Array): Buffer {
  return sign('sha256', keyChangeStatement(userId, newPublicKeyDer), { key: previousKey, ...PSS });
}

/**
 * True when `proof` is the key change to `newPublicKeyDer` signed by the key `previousPublicKeyDer`.
 * False for anything else, a previous key that is not a usable RSA key included: never throws.
 */
export function verifyKeyChange(previousPublicKeyDer: Uint8Array, userId: number, newPublicKeyDer: Uint8Array, proof: Uint8Array): boolean {
  try {
    return verify('sha256', keyChangeStatement(userId, newPublicKeyDer), { key: importPublicKey(previousPublicKeyDer), ...PSS }, proof);
  } catch {
    return false; // An unusable previous key vouches for nothing.
  }
}
