import { LocalSealError, openLocal, sealLocal, derivePasswordKeys } from '../crypto/index.js';
import { IDENTITY_FILE, LEGACY_KEY_FILE, sealIdentityBackup, type Identity, type ResumeToken } from './account.js';
import type { ClientState } from './client-state.js';
import { RequestFailedError, WrongPasswordError } from './errors.js';
import { sealKeyFile } from './key-files.js';
import type { LocalStore } from './local-store.js';
import type { Outbox } from './outbox.js';
import type { RpcConnection } from './rpc-connection.js';

/** What a password change re-seals on this machine. */
export interface LocalSecrets {
  readonly local: LocalStore;
  readonly state: ClientState;
  readonly outbox: Outbox;
}

export interface PasswordChangeRequest {
  readonly newPassword: string;
  /** Checked by the server in place of the secret this process logged in with, when given. */
  readonly currentPassword?: string | undefined;
}

/**
 * Changes the password (protocol.md § change_password): the server checks the current one, stores
 * the new verifier and the key backup sealed under the new password, revokes every token and ends
 * every other session of the user; this client keeps its connection with the new token. Then
 * everything this machine sealed under the old password's local key is sealed under the new one —
 * the identity and legacy key files, the outbound sessions and the queued messages — and the
 * identity carries the new login secret and local key from then on.
 *
 * The server changes first: a crash between the two leaves files the new password cannot open, and
 * the next login recovers from them (the identity key from the server backup, new legacy keys and
 * sessions; account.ts, client-state.ts), where the other order could leave a machine whose files
 * need a password the server no longer takes.
 *
 * @throws WrongPasswordError when the server refuses the current password
 */
export async function changePassword(
  rpc: RpcConnection,
  identity: Identity,
  resume: ResumeToken,
  secrets: LocalSecrets,
  change: PasswordChangeRequest,
): Promise<void> {
  const keys = await derivePasswordKeys(identity.user.name, change.newPassword);
  // The current password typed again (the TUI asks: a terminal left unlocked is not enough), or the
  // one this process logged in with.
  const secret =
    change.currentPassword === undefined
      ? identity.loginSecret
      : (await derivePasswordKeys(identity.user.name, change.currentPassword)).loginSecret;
  let reply;
  try {
    reply = await rpc.request({
      t: 'change_password',
      secret,
      newSecret: keys.loginSecret,
      keyBackup: sealIdentityBackup(identity.privateKey, identity.retiredKeys, keys.backupKey, identity.legacyKey),
    });
  } catch (error) {
    if (error instanceof RequestFailedError && error.code === 'bad_credentials') throw new WrongPasswordError();
    throw error;
  }
  resume.token = reply.resume;
  const oldKey = identity.localKey;
  await secrets.local.write(IDENTITY_FILE, sealKeyFile(identity.privateKey, keys.localKey));
  await secrets.local.write(LEGACY_KEY_FILE, sealKeyFile(identity.legacyKey, keys.localKey));
  await secrets.outbox.reseal((sealed) => {
    try {
      return sealLocal(keys.localKey, openLocal(oldKey, Buffer.from(sealed, 'base64'))).toString('base64');
    } catch (error) {
      // Already unreadable (queued under an even older password): it fails when its turn comes.
      if (error instanceof LocalSealError) return sealed;
      throw error;
    }
  });
  identity.localKey = keys.localKey;
  identity.loginSecret = keys.loginSecret;
  await secrets.state.rekey(keys.localKey);
}
