import { createCipheriv, createDecipheriv, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { BadKeyError, WrongPassphraseError } from './errors.js';
import { publicKeyDer } from './identity.js';
import { requireRsaPrivate } from './private-key-pem.js';

/**
 * The identity-key backup the server keeps for a user, so that a new machine can read old messages.
 * It holds the key in use and the keys it replaced (newest first): messages and sender sessions
 * wrapped to an earlier key stay readable after a key change, on any machine.
 *
 * Layout (all fields fixed-size except the ciphertext):
 *
 *     version (1 byte, 0x02) | IV (12 bytes, random) | AES-256-GCM ciphertext of the keys | tag (16 bytes)
 *
 * where the keys are one or more `length (uint16 big-endian) | PKCS#8 DER`, the key in use first. The
 * associated data is `"fastchat/v1/key-backup" || version`, so a blob cannot be passed off as any other
 * AES-GCM object sealed under the same key, nor as another version. The key is the password's
 * `backupKey` (password-keys.ts), which the server cannot derive from what it sees. Version 1 (one bare
 * DER, no length) is still opened.
 */
export const KEY_BACKUP_VERSION = 2;
const SINGLE_KEY_VERSION = 1;

const LABEL = Buffer.from('fastchat/v1/key-backup', 'utf8');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;
const LENGTH_BYTES = 2;

/** What a backup holds: the identity key in use, and the keys it replaced, newest first. */
export interface KeyBackupContents {
  readonly current: KeyObject;
  readonly retired: readonly KeyObject[];
}

/** Options of `sealKeyBackup`. */
export interface SealKeyBackupOptions {
  /** Keys the current one replaced, newest first; the same key twice, or the current one, is kept once. */
  readonly retired?: readonly KeyObject[];
  /** The backup's size limit: the oldest retired keys are left out until it fits. @default unbounded */
  readonly maxBytes?: number;
}

/** `keys` (RSA private keys) in order, each key pair once: the first of two halves with one public key. */
export function distinctKeys(keys: readonly KeyObject[]): KeyObject[] {
  const seen = new Set<string>();
  return keys.filter((key) => {
    requireRsaPrivate(key);
    const id = publicKeyDer(key).toString('base64');
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function associatedData(version: number): Buffer {
  return Buffer.concat([LABEL, Buffer.of(version)]);
}

function requireBackupKey(backupKey: Buffer): void {
  if (backupKey.length !== 32) throw new RangeError(`backup key must be 32 bytes, not ${backupKey.length}`);
}

/**
 * Seals `current` and the `retired` keys (RSA) under `backupKey` (32 bytes) with AES-256-GCM; a fresh
 * IV each call.
 *
 * @throws RangeError when `current` alone does not fit in `maxBytes`
 */
export function sealKeyBackup(current: KeyObject, backupKey: Buffer, options: SealKeyBackupOptions = {}): Buffer {
  requireBackupKey(backupKey);
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const ders: Buffer[] = [];
  let size = HEADER_BYTES + TAG_BYTES;
  for (const key of distinctKeys([current, ...(options.retired ?? [])])) {
    const der = key.export({ format: 'der', type: 'pkcs8' });
    if (size + LENGTH_BYTES + der.length > maxBytes) {
      der.fill(0);
      if (ders.length === 0) throw new RangeError(`a key backup of the key in use alone is over ${maxBytes} bytes`);
      break;
    }
    size += LENGTH_BYTES + der.length;
    const length = Buffer.alloc(LENGTH_BYTES);
    length.writeUInt16BE(der.length);
    ders.push(length, der);
  }
  const plain = Buffer.concat(ders);
  for (const part of ders) part.fill(0);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', backupKey, iv);
  cipher.setAAD(associatedData(KEY_BACKUP_VERSION));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  plain.fill(0);
  return Buffer.concat([Buffer.of(KEY_BACKUP_VERSION), iv, body, cipher.getAuthTag()]);
}

/**
 * Opens a backup made by `sealKeyBackup` (or a version-1 backup of one key).
 *
 * @throws WrongPassphraseError (`backup_key_mismatch`) when the GCM tag fails: a wrong password, or a
 *   backup sealed under an older one.
 * @throws BadKeyError when the bytes are not a backup (too short, unknown version), or when they
 *   authenticate but do not hold RSA private keys.
 */
export function openKeyBackup(blob: Uint8Array, backupKey: Buffer): KeyBackupContents {
  requireBackupKey(backupKey);
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (bytes.length < HEADER_BYTES + TAG_BYTES + 1) throw new BadKeyError(`key backup of ${bytes.length} bytes is too short`);
  const version = bytes[0]!;
  if (version !== KEY_BACKUP_VERSION && version !== SINGLE_KEY_VERSION) throw new BadKeyError(`unknown key backup version ${version}`);
  const iv = bytes.subarray(1, HEADER_BYTES);
  const body = bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', backupKey, iv);
    decipher.setAAD(associatedData(version));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    plain = Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (error) {
    throw new WrongPassphraseError('backup_key_mismatch', 'the key backup does not open with this password', { cause: error });
  }
  try {
    const keys = (version === SINGLE_KEY_VERSION ? [plain] : splitKeys(plain)).map(privateKeyOf);
    return { current: keys[0]!, retired: keys.slice(1) };
  } finally {
    plain.fill(0);
  }
}

/** The DERs of a version-2 plaintext. */
function splitKeys(plain: Buffer): Buffer[] {
  const ders: Buffer[] = [];
  let at = 0;
  while (at < plain.length) {
    if (at + LENGTH_BYTES > plain.length) throw new BadKeyError('the key backup ends inside a key length');
    const length = plain.readUInt16BE(at);
    at += LENGTH_BYTES;
    if (length === 0 || at + length > plain.length) throw new BadKeyError('the key backup ends inside a key');
    ders.push(plain.subarray(at, at + length));
    at += length;
  }
  if (ders.length === 0) throw new BadKeyError('the key backup holds no key');
  return ders;
}

function privateKeyOf(der: Buffer): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new BadKeyError('the key backup holds something that is not a PKCS#8 private key', { cause: error });
  }
  requireRsaPrivate(key);
  return key;
}
