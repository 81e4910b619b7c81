import type { KeyObject } from 'node:crypto';
import { openKeyBackup, sealKeyBackup } from '../crypto/key-backup.js';
import { decryptPrivateKeyPem, encryptPrivateKeyPem, fingerprint, generateIdentityKey, publicKeyDer } from '../crypto/identity.js';
import { derivePasswordKeys } from '../crypto/password-keys.js';
import type { UserView } from '../protocol/index.js';
import { LocalStateError, RequestFailedError, WrongPasswordError } from './errors.js';
import type { LocalStore } from './local-store.js';
import type { RpcConnection } from './rpc-connection.js';

/** The identity file under the user's folder: encrypted PKCS#8 PEM, mode 0600. */
export const IDENTITY_FILE = 'identity.pem';

/** Who the client is: the account, its identity key, and the keys derived from the password. */
export interface Identity {
  readonly user: UserView;
  readonly privateKey: KeyObject;
  readonly publicKeyDer: Buffer;
  readonly fingerprint: string;
  /** Sent to log in; all the server ever learns of the password. */
  readonly loginSecret: Buffer;
  /** Seals the client's own secrets at rest. */
  readonly localKey: Buffer;
}

export type Progress = (message: string) => void;

/**
 * Creates an account: derives the password keys, makes the RSA-3072 identity key on this machine,
 * backs it up to the server sealed under a key the server cannot derive, and stores it locally as an
 * encrypted PEM.
 */
export async function signUp(rpc: RpcConnection, local: LocalStore, name: string, password: string, progress: Progress): Promise<Identity> {
  progress('deriving keys from the password…');
  const keys = await derivePasswordKeys(name, password);
  progress('generating your RSA-3072 identity key…');
  const privateKey = await generateIdentityKey();
  const spki = publicKeyDer(privateKey);
  const { user } = await rpc.request({
    t: 'signup',
    name,
    secret: keys.loginSecret,
    publicKey: spki,
    keyBackup: sealKeyBackup(privateKey, keys.backupKey),
  });
  await local.write(IDENTITY_FILE, encryptPrivateKeyPem(privateKey, password));
  return { user, privateKey, publicKeyDer: spki, fingerprint: fingerprint(spki), loginSecret: keys.loginSecret, localKey: keys.localKey };
}

/**
 * Logs in, and opens the identity key: from this machine's encrypted PEM, or — on a machine that has
 * none, or whose key is not the published one — from the server's backup, which is then saved here.
 */
export async function logIn(rpc: RpcConnection, local: LocalStore, name: string, password: string, progress: Progress): Promise<Identity> {
  progress('deriving keys from the password…');
  const keys = await derivePasswordKeys(name, password);
  let reply;
  try {
    reply = await rpc.request({ t: 'login', name, secret: keys.loginSecret });
  } catch (error) {
    if (error instanceof RequestFailedError && error.code === 'bad_credentials') throw new WrongPasswordError();
    throw error;
  }
  const published = reply.user.publicKey ? Buffer.from(reply.user.publicKey) : undefined;
  let privateKey: KeyObject | undefined;
  const pem = await local.read(IDENTITY_FILE);
  if (pem !== undefined) {
    try {
      privateKey = decryptPrivateKeyPem(pem, password);
    } catch {
      // The server accepted the password, so this file was sealed with another (an old password): use the backup.
      progress(`${local.path(IDENTITY_FILE)} does not open with this password; using the server backup`);
    }
    if (privateKey && published && !publicKeyDer(privateKey).equals(published)) privateKey = undefined;
  }
  if (!privateKey) {
    if (!reply.keyBackup) throw new LocalStateError(`no identity key in ${local.dir} and no key backup on the server`);
    progress('recovering your key from the server backup…');
    privateKey = openKeyBackup(reply.keyBackup, keys.backupKey);
    await local.write(IDENTITY_FILE, encryptPrivateKeyPem(privateKey, password));
  }
  const spki = publicKeyDer(privateKey);
  return { user: reply.user, privateKey, publicKeyDer: spki, fingerprint: fingerprint(spki), loginSecret: keys.loginSecret, localKey: keys.localKey };
}
