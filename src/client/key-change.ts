import type { KeyObject } from 'node:crypto';
import { signKeyChange, publicKeyDer, derivePasswordKeys } from '../crypto/index.js';
import type { UserView } from '../protocol/index.js';
import { IDENTITY_FILE, sealIdentityBackup, type Identity } from './account.js';
import { sealKeyFile } from './key-files.js';
import type { LocalStore } from './local-store.js';
import type { RpcConnection } from './rpc-connection.js';

/**
 * Publishes `next` as the user's identity key in place of the one `identity` holds (`fastchat keys
 * import`): with the login secret, since a key change needs the password and not only a logged-in
 * session, and with the current key's signature over the change, which the server checks and
 * contacts can check too (docs/crypto.md § Key changes). The backup, sealed under `backupKey` (derived
 * from the password as at signup), keeps the replaced key beside the new one: what was sent to it stays
 * readable, here and on any new machine.
 */
export async function publishNextIdentityKey(
  rpc: RpcConnection,
  identity: Identity,
  next: KeyObject,
  backupKey: Buffer,
): Promise<UserView> {
  const spki = publicKeyDer(next);
  const { user } = await rpc.request({
    t: 'publish_keys',
    secret: identity.loginSecret,
    publicKey: spki,
    keyBackup: sealIdentityBackup(next, [identity.privateKey, ...identity.retiredKeys], backupKey, identity.legacyKey),
    ...(spki.equals(identity.publicKeyDer) ? {} : { keyProof: signKeyChange(identity.privateKey, identity.user.id, spki) }),
  });
  return user;
}

/**
 * Makes `next` this user's identity key: published with both proofs (publishNextIdentityKey), then
 * saved on this machine sealed under the local key. `password` is the account's, for the backup key;
 * the key in use and those it replaced go into the backup with the new one.
 */
export async function replaceIdentityKey(
  rpc: RpcConnection,
  local: LocalStore,
  identity: Identity,
  next: KeyObject,
  password: string,
): Promise<UserView> {
  const { backupKey } = await derivePasswordKeys(identity.user.name, password);
  const user = await publishNextIdentityKey(rpc, identity, next, backupKey);
  await local.write(IDENTITY_FILE, sealKeyFile(next, identity.localKey));
  return user;
}
