import type { KeyObject } from 'node:crypto';
import { WrongPassphraseError, decryptPrivateKeyPem, encryptPrivateKeyPem } from '../crypto/index.js';
import type { LocalStore } from './local-store.js';

/**
 * The private keys at rest on this machine (`identity.pem`, `legacy.pem`): encrypted PKCS#8 PEMs whose
 * passphrase is the password's local key (password-keys.ts), not the password. A guess at the password
 * against a stolen file so costs the password's scrypt and then the file's PBKDF2, never the PBKDF2
 * alone. A file to carry to another machine is sealed under the password instead (exportKeyFile), so
 * OpenSSL and `fastchat keys import` open it with what the user knows.
 */

/** The PEM passphrase a local key gives: its 64 hex digits. */
function passphraseOf(localKey: Buffer): string {
  return localKey.toString('hex');
}

/** The key as this machine keeps it: sealed under the local key. */
export function sealKeyFile(privateKey: KeyObject, localKey: Buffer): string {
  return encryptPrivateKeyPem(privateKey, passphraseOf(localKey));
}

/**
 * Opens one of this machine's key files. A file written before files were sealed under the local key
 * opens with the password, and is then written again, sealed under the local key.
 *
 * @throws WrongPassphraseError when neither opens it (it was sealed under another password).
 */
export async function openKeyFile(
  local: LocalStore,
  file: string,
  pem: string,
  keys: { localKey: Buffer; password: string },
): Promise<KeyObject> {
  try {
    return decryptPrivateKeyPem(pem, passphraseOf(keys.localKey));
  } catch (error) {
    if (!(error instanceof WrongPassphraseError)) throw error;
  }
  const key = decryptPrivateKeyPem(pem, keys.password);
  await local.write(file, sealKeyFile(key, keys.localKey));
  return key;
}

/** A key file of this machine's, sealed again under the password alone: what a user carries elsewhere. */
export async function exportKeyFile(
  local: LocalStore,
  file: string,
  keys: { localKey: Buffer; password: string },
): Promise<string | undefined> {
  const pem = await local.read(file);
  if (pem === undefined) return undefined;
  return encryptPrivateKeyPem(await openKeyFile(local, file, pem, keys), keys.password);
}
