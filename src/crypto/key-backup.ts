import { createCipheriv, createDecipheriv, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { BadKeyError, WrongPassphraseError } from './errors.js';
import { publicKeyDer } from './identity.js';
import { requireRsaPrivate } from './private-key-pem.js';

/**
 * The key backup the server keeps for a user, so that a new machine can read old messages. It holds
 * the identity key in use, the identity keys it replaced (newest first): messages and sender sessions
 * wrapped to an earlier key stay readable after a key change, on any machine; and the legacy key
 * (docs/legacy.md), so that what 2022 clients sent stays readable too.
 *
 * Layout (all fields fixed-size except the ciphertext):
 *
 *     version (1 byte, 0x03) | IV (12 bytes, random) | AES-256-GCM ciphertext of the keys | tag (16 bytes)
 *
 * where the keys are one or more `kind (1 byte: 1 identity, 2 legacy) | length (uint16 big-endian) |
 * PKCS#8 DER`: the identity key in use first, then the legacy key if any, then the replaced identity
 * keys. The associated data is `"fastchat/v1/key-backup" || version`, so a blob cannot be passed off
 * as any other AES-GCM object sealed under the same key, nor as another version. The key is the
 * password's `backupKey` (password-keys.ts), which the server cannot derive from what it sees.
 * Version 2 (identity keys only, `length | DER` each) and version 1 (one bare DER) are still opened.
 */
export const KEY_BACKUP_VERSION = 3;
const IDENTITY_KEYS_VERSION = 2;
const SINGLE_KEY_VERSION = 1;
const IDENTITY_KIND = 1;
const LEGACY_KIND = 2;

const LABEL = Buffer.from('fastchat/v1/key-backup', 'utf8');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;
const LENGTH_BYTES = 2;
/** A version-3 entry's kind and length. */
const ENTRY_HEADER_BYTES = 1 + LENGTH_BYTES;

/** What a backup holds: the identity key in use, the keys it replaced (newest first), the legacy key. */
export interface KeyBackupContents {
  readonly current: KeyObject;
  readonly retired: readonly KeyObject[];
  /** Absent in backups from before version 3, or of an account without one. */
  readonly legacy?: KeyObject;
}

/** Options of `sealKeyBackup`. */
export interface SealKeyBackupOptions {
  /** Keys the current one replaced, newest first; the same key twice, or the current one, is kept once. */
  readonly retired?: readonly KeyObject[];
  /** The backup's size limit: the oldest retired keys are left out until it fits. @default unbounded */
  readonly maxBytes?: number;
  /** The legacy key, kept after the key in use and before the retired ones. */
  readonly legacy?: KeyObject;
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
  const [first, ...retired] = distinctKeys([current, ...(options.retired ?? [])]);
  if (options.legacy) requireRsaPrivate(options.legacy);
  const entries: Array<[number, KeyObject]> = [
    [IDENTITY_KIND, first!],
    ...(options.legacy ? [[LEGACY_KIND, options.legacy] as [number, KeyObject]] : []),
    ...retired.map((key) => [IDENTITY_KIND, key] as [number, KeyObject]),
  ];
  for (const [kind, key] of entries) {
    const der = key.export({ format: 'der', type: 'pkcs8' });
    if (size + ENTRY_HEADER_BYTES + der.length > maxBytes) {
      der.fill(0);
      if (ders.length === 0) throw new RangeError(`a key backup of the key in use alone is over ${maxBytes} bytes`);
      break;
    }
    size += ENTRY_HEADER_BYTES + der.length;
    const header = Buffer.alloc(ENTRY_HEADER_BYTES);
    header.writeUInt8(kind, 0);
    header.writeUInt16BE(der.length, 1);
    ders.push(header, der);
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
  if (version !== KEY_BACKUP_VERSION && version !== IDENTITY_KEYS_VERSION && version !== SINGLE_KEY_VERSION)
    throw new BadKeyError(`unknown key backup version ${version}`);
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
    if (version === KEY_BACKUP_VERSION) {
      const entries = splitEntries(plain);
      const identity = entries.filter((e) => e.kind === IDENTITY_KIND).map((e) => privateKeyOf(e.der));
      const legacy = entries.filter((e) => e.kind === LEGACY_KIND).map((e) => privateKeyOf(e.der));
      if (identity.length === 0) throw new BadKeyError('the key backup holds no identity key');
      if (legacy.length > 1) throw new BadKeyError('the key backup holds more than one legacy key');
      return { current: identity[0]!, retired: identity.slice(1), ...(legacy[0] ? { legacy: legacy[0] } : {}) };
    }
    const keys = (version === SINGLE_KEY_VERSION ? [plain] : splitKeys(plain)).map(privateKeyOf);
    return { current: keys[0]!, retired: keys.slice(1) };
  } finally {
    plain.fill(0);
  }
}

/** The entries of a version-3 plaintext. */
function splitEntries(plain: Buffer): Array<{ kind: number; der: Buffer }> {
  const entries: Array<{ kind: number; der: Buffer }> = [];
  let at = 0;
  while (at < plain.length) {
    if (at + ENTRY_HEADER_BYTES > plain.length) throw new BadKeyError('the key backup ends inside an entry header');
    const kind = plain.readUInt8(at);
    const length = plain.readUInt16BE(at + 1);
    at += ENTRY_HEADER_BYTES;
    if (kind !== IDENTITY_KIND && kind !== LEGACY_KIND) throw new BadKeyError(`the key backup holds an entry of unknown kind ${kind}`);
    if (length === 0 || at + length > plain.length) throw new BadKeyError('the key backup ends inside a key');
    entries.push({ kind, der: plain.subarray(at, at + length) });
    at += length;
  }
  return entries;
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
