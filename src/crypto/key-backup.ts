import { createCipheriv, createDecipheriv, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { BadKeyError, WrongPassphraseError } from './errors.js';
import { requireRsaPrivate } from './private-key-pem.js';

/**
 * The identity-key backup the server keeps for a user, so that a new machine can read old messages.
 *
 * Layout (all fields fixed-size except the ciphertext):
 *
 *     version (1 byte, 0x01) | IV (12 bytes, random) | AES-256-GCM ciphertext of the PKCS#8 DER | tag (16 bytes)
 *
 * with the associated data `"fastchat/v1/key-backup" || version`, so a blob cannot be passed off as any
 * other AES-GCM object sealed under the same key, nor as another version. The key is the password's
 * `backupKey` (password-keys.ts), which the server cannot derive from what it sees.
 */
export const KEY_BACKUP_VERSION = 1;

const LABEL = Buffer.from('fastchat/v1/key-backup', 'utf8');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;

function associatedData(version: number): Buffer {
  return Buffer.concat([LABEL, Buffer.of(version)]);
}

function requireBackupKey(backupKey: Buffer): void {
  if (backupKey.length !== 32) throw new RangeError(`backup key must be 32 bytes, not ${backupKey.length}`);
}

/** Seals `privateKey` (RSA) under `backupKey` (32 bytes) with AES-256-GCM; a fresh IV each call. */
export function sealKeyBackup(privateKey: KeyObject, backupKey: Buffer): Buffer {
  requireRsaPrivate(privateKey);
  requireBackupKey(backupKey);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', backupKey, iv);
  cipher.setAAD(associatedData(KEY_BACKUP_VERSION));
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const body = Buffer.concat([cipher.update(der), cipher.final()]);
  der.fill(0);
  return Buffer.concat([Buffer.of(KEY_BACKUP_VERSION), iv, body, cipher.getAuthTag()]);
}

/**
 * Opens a backup made by `sealKeyBackup`.
 *
 * @throws WrongPassphraseError (`backup_key_mismatch`) when the GCM tag fails: a wrong password, or a
 *   backup sealed under an older one.
 * @throws BadKeyError when the bytes are not a backup (too short, unknown version), or when they
 *   authenticate but hold no RSA private key.
 */
export function openKeyBackup(blob: Uint8Array, backupKey: Buffer): KeyObject {
  requireBackupKey(backupKey);
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (bytes.length < HEADER_BYTES + TAG_BYTES + 1) throw new BadKeyError(`key backup of ${bytes.length} bytes is too short`);
  const version = bytes[0]!;
  if (version !== KEY_BACKUP_VERSION) throw new BadKeyError(`unknown key backup version ${version}`);
  const iv = bytes.subarray(1, HEADER_BYTES);
  const body = bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES);
  let der: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', backupKey, iv);
    decipher.setAAD(associatedData(version));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    der = Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (error) {
    throw new WrongPassphraseError('backup_key_mismatch', 'the key backup does not open with this password', { cause: error });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new BadKeyError('the key backup holds no PKCS#8 private key', { cause: error });
  } finally {
    der.fill(0);
  }
  requireRsaPrivate(key);
  return key;
}
