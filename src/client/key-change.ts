import type { KeyObject } from 'node:crypto';
import { sealKeyBackup } from '../crypto/key-backup.js';
import { signKeyChange } from '../crypto/key-change.js';
import { publicKeyDer } from '../crypto/identity.js';
import type { UserView } from '../protocol/index.js';
import type { Identity } from './account.js';
import type { RpcConnection } from './rpc-connection.js';

/**
 * Publishes `next` as the user's identity key in place of the one `identity` holds (`fastchat keys
 * import`): with the login secret, since a key change needs the password and not only a logged-in
 * session, and with the current key's signature over the change, which the server checks and
 * contacts can check too (docs/crypto.md § Key changes). The backup is sealed under `backupKey`,
 * derived from the password as at signup.
 */
export async function publishNextIdentityKey(rpc: RpcConnection, identity: Identity, next: KeyObject, backupKey: Buffer): Promise<UserView> {
  const spki = publicKeyDer(next);
  const { user } = await rpc.request({
    t: 'publish_keys',
    secret: identity.loginSecret,
    publicKey: spki,
    keyBackup: sealKeyBackup(next, backupKey),
    ...(spki.equals(identity.publicKeyDer) ? {} : { keyProof: signKeyChange(identity.privateKey, identity.user.id, spki) }),
  });
  return user;
}
