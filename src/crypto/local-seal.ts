import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for a client's own secrets at rest (outbound session keys, unsent messages), under the
 * `localKey` derived from the password. Layout: version byte 1, 12-byte IV, ciphertext, 16-byte tag.
 */
const VERSION = 1;
const LABEL = Buffer.from('fastchat/v1/local-state');

export class LocalSealError extends Error {
  override readonly name = 'LocalSealError';
  readonly code = 'local_seal';
}

export function sealLocal(key: Uint8Array, plaintext: Uint8Array): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(LABEL);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]);
}

export function openLocal(key: Uint8Array, sealed: Uint8Array): Buffer {
  if (sealed.length < 1 + 12 + 16 || sealed[0] !== VERSION) throw new LocalSealError('sealed local data is malformed');
  const iv = sealed.subarray(1, 13);
  const tag = sealed.subarray(sealed.length - 16);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(LABEL);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(13, sealed.length - 16)), decipher.final()]);
  } catch (error) {
    throw new LocalSealError('sealed local data does not open with this password', { cause: error });
  }
}
