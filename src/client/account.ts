import type { KeyObject } from 'node:crypto';
import {
  distinctKeys,
  openKeyBackup,
  sealKeyBackup,
  type KeyBackupContents,
  BadKeyError,
  WrongPassphraseError,
  fingerprint,
  generateIdentityKey,
  publicKeyDer,
  generateLegacyKey,
  legacyPublicKeyDer,
  derivePasswordKeys,
} from '../crypto/index.js';
import { KEY_BACKUP_MAX_BYTES, type UserView } from '../protocol/index.js';
import { LocalStateError, RequestFailedError, WrongPasswordError } from './errors.js';
import { openKeyFile, sealKeyFile } from './key-files.js';
import type { LocalStore } from './local-store.js';
import type { RpcConnection } from './rpc-connection.js';

/** The identity file under the user's folder: encrypted PKCS#8 PEM, mode 0600. */
export const IDENTITY_FILE = 'identity.pem';
/** The legacy key pair's file beside it (docs/legacy.md): encrypted PKCS#8 PEM, mode 0600. */
export const LEGACY_KEY_FILE = 'legacy.pem';

/** Who the client is: the account, its identity key, and the keys derived from the password. */
export interface Identity {
  readonly user: UserView;
  readonly privateKey: KeyObject;
  readonly publicKeyDer: Buffer;
  readonly fingerprint: string;
  /**
   * Identity keys this one replaced, newest first (from the server backup): messages and sessions
   * wrapped to an earlier key stay readable after a key change. Never used to sign or published.
   */
  readonly retiredKeys: readonly KeyObject[];
  /**
   * Sent to log in; all the server ever learns of the password. Not readonly, like `localKey`: a
   * password change replaces both in place, so every part holding the identity uses the new ones.
   */
  loginSecret: Buffer;
  /** Seals the client's own secrets at rest. */
  localKey: Buffer;
  /**
   * The separate RSA key pair for talking to legacy (2022) clients: they encrypt to its public half
   * (published as `legacyKey`). Never used for modern envelopes.
   */
  readonly legacyKey: KeyObject;
}

export type Progress = (message: string) => void;

/**
 * Where new key pairs come from: a signup's two, and the legacy pair a login makes on a machine
 * without one. The default makes them on this machine; the test
 * suite hands out real keys it made once for the whole run, since two RSA generations cost about a
 * second of CPU per signup.
 */
export interface AccountKeySource {
  /** A new RSA-3072 identity key (private half), never handed out twice. */
  identityKey(): Promise<KeyObject>;
  /** A new legacy RSA key pair (private half), never handed out twice. */
  legacyKey(): Promise<KeyObject>;
}

/**
 * The server backup of an identity key and the keys it replaced, sealed under the password's
 * `backupKey`: the oldest replaced keys are left out when all do not fit the protocol's limit.
 */
export function sealIdentityBackup(current: KeyObject, retired: readonly KeyObject[], backupKey: Buffer, legacy: KeyObject): Buffer {
  return sealKeyBackup(current, backupKey, { retired, legacy, maxBytes: KEY_BACKUP_MAX_BYTES });
}

/** Keys generated on this machine by node:crypto, off the main thread. */
export const GENERATED_KEYS: AccountKeySource = { identityKey: generateIdentityKey, legacyKey: generateLegacyKey };

/** What signing up or logging in gives: who the client is, and the server's token for the next connection. */
export interface Account {
  readonly identity: Identity;
  readonly resume: ResumeToken;
}

/**
 * The resume token a running client holds (protocol.md § resume): in memory only, never on disk, so
 * a new process always proves the password. Undefined when the server gave none or it stopped working.
 */
export interface ResumeToken {
  token: Uint8Array | undefined;
}

/**
 * Creates an account: derives the password keys, makes the RSA-3072 identity key on this machine,
 * backs it up to the server sealed under a key the server cannot derive, and stores it locally as an
 * encrypted PEM.
 */
export async function signUp(
  rpc: RpcConnection,
  local: LocalStore,
  name: string,
  password: string,
  progress: Progress,
  keySource: AccountKeySource = GENERATED_KEYS,
): Promise<Account> {
  progress('deriving keys from the password…');
  const keys = await derivePasswordKeys(name, password);
  progress('generating your RSA-3072 identity key…');
  const [privateKey, legacyKey] = await Promise.all([keySource.identityKey(), keySource.legacyKey()]);
  const spki = publicKeyDer(privateKey);
  const { user, resume } = await rpc.request({
    t: 'signup',
    name,
    secret: keys.loginSecret,
    publicKey: spki,
    keyBackup: sealIdentityBackup(privateKey, [], keys.backupKey, legacyKey),
    legacyKey: legacyPublicKeyDer(legacyKey),
  });
  await local.write(IDENTITY_FILE, sealKeyFile(privateKey, keys.localKey));
  await local.write(LEGACY_KEY_FILE, sealKeyFile(legacyKey, keys.localKey));
  const identity = {
    user,
    privateKey,
    publicKeyDer: spki,
    fingerprint: fingerprint(spki),
    retiredKeys: [],
    loginSecret: keys.loginSecret,
    localKey: keys.localKey,
    legacyKey,
  };
  return { identity, resume: { token: resume } };
}

/**
 * Logs in, and opens the identity key: from this machine's encrypted PEM, or — on a machine that has
 * none, or whose key is not the published one — from the server's backup, which is then saved here.
 */
export async function logIn(
  rpc: RpcConnection,
  local: LocalStore,
  name: string,
  password: string,
  progress: Progress,
  keySource: AccountKeySource = GENERATED_KEYS,
): Promise<Account> {
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
  const backup = openBackup(reply.keyBackup, keys.backupKey, progress);
  let privateKey: KeyObject | undefined;
  /** This machine's key when it is no longer the published one: replaced elsewhere, kept to read with. */
  let replacedHere: KeyObject | undefined;
  const pem = await local.read(IDENTITY_FILE);
  if (pem !== undefined) {
    try {
      privateKey = await openKeyFile(local, IDENTITY_FILE, pem, { localKey: keys.localKey, password });
    } catch (error) {
      if (!(error instanceof WrongPassphraseError || error instanceof BadKeyError)) throw error;
      // The server accepted the password, so this file was sealed with another (an old password) or is damaged: use the backup.
      progress(`${local.path(IDENTITY_FILE)} does not open with this password; using the server backup`);
    }
    if (privateKey && published && !publicKeyDer(privateKey).equals(published)) [replacedHere, privateKey] = [privateKey, undefined];
  }
  if (!privateKey) {
    if (!reply.keyBackup) throw new LocalStateError(`no identity key in ${local.dir} and no key backup on the server`);
    progress('recovering your key from the server backup…');
    // Opened again when it failed above, so that its error, not a vaguer one, reaches the user.
    privateKey = (backup ?? openKeyBackup(reply.keyBackup, keys.backupKey)).current;
    await local.write(IDENTITY_FILE, sealKeyFile(privateKey, keys.localKey));
  }
  // The key in use first, so that it drops out of what it replaced.
  const retiredKeys = distinctKeys([
    privateKey,
    ...(backup ? [backup.current, ...backup.retired] : []),
    ...(replacedHere ? [replacedHere] : []),
  ]).slice(1);
  const spki = publicKeyDer(privateKey);
  const { user, legacyKey } = await openLegacyKey(
    rpc,
    local,
    { localKey: keys.localKey, password, loginSecret: keys.loginSecret },
    reply.user,
    progress,
    keySource,
    {
      spki,
      backup,
      reseal: (legacy) => sealIdentityBackup(privateKey, retiredKeys, keys.backupKey, legacy),
    },
  );
  const identity = {
    user,
    privateKey,
    publicKeyDer: spki,
    fingerprint: fingerprint(spki),
    retiredKeys,
    loginSecret: keys.loginSecret,
    localKey: keys.localKey,
    legacyKey,
  };
  return { identity, resume: { token: reply.resume } };
}

/**
 * The server backup opened, or undefined when there is none. A backup that does not open is not
 * fatal while this machine has the key: the login goes on without the replaced keys, and says so.
 */
function openBackup(blob: Uint8Array | undefined, backupKey: Buffer, progress: Progress): KeyBackupContents | undefined {
  if (!blob) return undefined;
  try {
    return openKeyBackup(blob, backupKey);
  } catch (error) {
    if (!(error instanceof WrongPassphraseError || error instanceof BadKeyError)) throw error;
    progress(`the server's key backup does not open (${error.message}); messages sent to your earlier keys may not open here`);
    return undefined;
  }
}

/**
 * Logs a new connection of a running client in: with its resume token when it holds one (one indexed
 * lookup on the server), else with the login secret (a scrypt there). A token the server refuses is
 * dropped and the secret used at once, so a revoked or expired token costs one round trip, not a
 * failed reconnect. Keeps whatever token the server hands back for next time.
 */
export async function logInAgain(rpc: RpcConnection, identity: Identity, resume: ResumeToken): Promise<void> {
  const token = resume.token;
  if (token) {
    try {
      resume.token = (await rpc.request({ t: 'resume', token })).resume ?? token;
      return;
    } catch (error) {
      if (!(error instanceof RequestFailedError && STALE_TOKEN_CODES.has(error.code))) throw error;
      resume.token = undefined;
    }
  }
  resume.token = (await rpc.request({ t: 'login', name: identity.user.name, secret: identity.loginSecret })).resume;
}

/**
 * Refusals of `resume` that the secret can get past: the token is unknown, expired or revoked
 * (`bad_credentials`), or the node predates resume tokens (`unknown_type`). Anything else, such as
 * `rate_limited`, would refuse a login too, and goes to the reconnect loop's backoff.
 */
const STALE_TOKEN_CODES = new Set(['bad_credentials', 'unknown_type']);

/**
 * The published legacy key pair: from this machine's file, else from the server's key backup (a new
 * machine: saved here then), else (an account from before legacy keys, or whose backup predates them
 * and whose file is gone) a new pair, published. The backup is sealed again with the legacy key when
 * it does not hold the one in use, so the next new machine finds it there.
 */
async function openLegacyKey(
  rpc: RpcConnection,
  local: LocalStore,
  sealing: { localKey: Buffer; password: string; loginSecret: Buffer },
  user: UserView,
  progress: Progress,
  keySource: AccountKeySource,
  backup: { spki: Buffer; backup: KeyBackupContents | undefined; reseal: (legacy: KeyObject) => Buffer },
): Promise<{ user: UserView; legacyKey: KeyObject }> {
  const published = user.legacyKey ? Buffer.from(user.legacyKey) : undefined;
  const isPublished = (key: KeyObject | undefined): key is KeyObject =>
    key !== undefined && published !== undefined && legacyPublicKeyDer(key).equals(published);
  let legacyKey: KeyObject | undefined;
  const pem = await local.read(LEGACY_KEY_FILE);
  if (pem !== undefined && published) {
    try {
      const fromFile = await openKeyFile(local, LEGACY_KEY_FILE, pem, sealing);
      if (isPublished(fromFile)) legacyKey = fromFile;
    } catch (error) {
      if (!(error instanceof WrongPassphraseError || error instanceof BadKeyError)) throw error;
      // Sealed under an older password, or damaged: the backup's, or a new pair, replaces it below.
    }
  }
  if (!legacyKey && isPublished(backup.backup?.legacy)) {
    progress('recovering your key for legacy (2022) clients from the server backup…');
    legacyKey = backup.backup.legacy;
    await local.write(LEGACY_KEY_FILE, sealKeyFile(legacyKey, sealing.localKey));
  }
  if (legacyKey && (!backup.backup || isPublished(backup.backup.legacy))) return { user, legacyKey };
  if (!legacyKey) {
    progress('generating a key for talking to legacy (2022) clients…');
    legacyKey = await keySource.legacyKey();
  }
  // Published with the backup that holds it: the same identity key, so no proof of a change is asked.
  const reply = await rpc.request({
    t: 'publish_keys',
    secret: sealing.loginSecret,
    publicKey: backup.spki,
    keyBackup: backup.reseal(legacyKey),
    legacyKey: legacyPublicKeyDer(legacyKey),
  });
  await local.write(LEGACY_KEY_FILE, sealKeyFile(legacyKey, sealing.localKey));
  return { user: reply.user, legacyKey };
}
