import type { KeyObject } from 'node:crypto';
import { decryptPrivateKeyPem, derivePasswordKeys, generateIdentityKey } from '../crypto/index.js';
import { IDENTITY_FILE } from './account.js';
import { exportKeyFile } from './key-files.js';
import { LocalStore } from './local-store.js';

/**
 * Carrying an identity key between machines, and making a new one (`fastchat keys export|import|new`,
 * usable by any front end). A key file on this machine is sealed under a key derived from the
 * password and the name; one that travels is sealed under the password alone (encrypted PKCS#8 PEM),
 * so that any machine where the user types it can open it. Publishing the key in place of the one in
 * use is ChatClient.replaceIdentityKey.
 */

/** The user's identity key of this home, sealed under the password alone; undefined when the home holds none. */
export async function exportIdentityKey(home: string, user: string, password: string): Promise<string | undefined> {
  const { localKey } = await derivePasswordKeys(user, password);
  return exportKeyFile(new LocalStore(home, user), IDENTITY_FILE, { localKey, password });
}

/** The private key in an exported file; throws the crypto layer's typed error when the password does not open it. */
export function openExportedKey(pem: string, password: string): KeyObject {
  return decryptPrivateKeyPem(pem, password);
}

/** A fresh identity key (RSA-3072): seconds of work. */
export function newIdentityKey(): Promise<KeyObject> {
  return generateIdentityKey();
}
