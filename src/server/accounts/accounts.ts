import { checkVerifier, makeVerifier, newResumeToken, resumeTokenHash } from '../../crypto/index.js';
import { RESUME_TOKEN_TTL_MS, RESUME_TOKENS_PER_USER, USER_NAME_PATTERN } from '../../protocol/index.js';
import type { Credentials, NewUser, UserRecord } from '../../store/chat-store.js';
import { addressKey } from '../limits/address-limit.js';
import type { ClientSession } from '../session/client-session.js';
import { RequestError } from '../errors.js';
import type { ServerServices } from '../services.js';
import { logIn } from '../session/session-lifecycle.js';

/**
 * Accounts, for both protocols (modern `signup`/`login` and the legacy adapter): one place that
 * stores only a slow salted verifier of what the client sends, checks it, and throttles failures;
 * and the resume tokens that let a modern client's next connection skip that slow check.
 */

/**
 * Creates the user with a verifier of `secret` and logs the session in as them; with `withToken`
 * (a modern signup), a resume token is issued before the session is registered, as at `login`.
 * @throws NameTakenError
 */
export async function createAccount(
  services: ServerServices,
  session: ClientSession,
  secret: Uint8Array,
  user: Omit<NewUser, 'verifier' | 'salt' | 'kdf'>,
  options: { withToken?: boolean; nameAsSent?: string } = {},
): Promise<{ user: UserRecord; resume: Buffer | undefined }> {
  if (session.user) throw new RequestError('already_logged_in', `already logged in as ${session.user.name}; log out first`);
  // Only the slow salted verifier of the client's secret is stored, never the secret.
  const verifier = await makeVerifier(secret, services.verifierParams);
  const created = await services.store.createUser({ ...user, ...verifier });
  services.logger.info('signup', { user: created.id, kind: created.kind });
  // Where its owner signed up from is theirs: a guess spread over other hosts does not lock them out.
  services.throttle.succeeded(created.name, session.remoteAddress);
  const resume = options.withToken ? await issueResumeToken(services, session, created) : undefined;
  await logIn(services, session, created, { fresh: true, nameAsSent: options.nameAsSent ?? user.name });
  return { user: created, resume };
}

/**
 * Waits for this address's turn to log in (DEFAULT_LOGIN_PACE_PER_S), for the legacy handlers: a
 * framed connection's logins wait in its request gate instead (framed-session.ts), and the 2022
 * protocol has no way to say "later", so a legacy login past the pace is answered late, not refused.
 */
export async function loginTurn(services: ServerServices, session: ClientSession): Promise<void> {
  if (session.remoteAddress === undefined) return;
  const wait = services.loginPace.reserve(addressKey(session.remoteAddress));
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** Checks a login (verifyLogin) and logs the session in: the legacy adapter's login, which has no tokens. */
export async function checkLogin(
  services: ServerServices,
  session: ClientSession,
  name: string,
  secret: Uint8Array,
  kind?: UserRecord['kind'],
): Promise<Credentials> {
  const credentials = await verifyLogin(services, session, name, secret, kind);
  await logIn(services, session, credentials.user, { nameAsSent: name });
  return credentials;
}

/**
 * Checks a login without logging the session in. An unknown name and a wrong secret get the same
 * error after the same work, so the reply does not reveal which names exist; failures are throttled
 * per name and address. `kind`, when given, must match the account's (a legacy client cannot log in
 * as a modern user).
 */
export async function verifyLogin(
  services: ServerServices,
  session: ClientSession,
  name: string,
  secret: Uint8Array,
  kind?: UserRecord['kind'],
): Promise<Credentials> {
  if (session.user) throw new RequestError('already_logged_in', `already logged in as ${session.user.name}; log out first`);
  const { throttle, store } = services;
  // A name no account can have is not looked up: the database folds letter case by its locale (with
  // a UTF-8 ctype, `alİce` is `alice`), so such a name could reach an account by a way the throttle,
  // which keys on the name, does not see (issue 17, finding 10). It is counted against the address only.
  const account = USER_NAME_PATTERN.test(name) ? name : undefined;
  const wait = throttle.retryAfter(account, session.remoteAddress);
  if (wait > 0) {
    throw new RequestError('rate_limited', `too many failed logins; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterMs: wait });
  }
  const credentials = account === undefined ? undefined : await store.credentialsByName(account);
  const valid = credentials ? await checkVerifier(secret, credentials) : (await makeVerifier(secret, services.verifierParams), false);
  if (!credentials || !valid || (kind !== undefined && credentials.user.kind !== kind)) {
    throttle.failed(account, session.remoteAddress);
    throw new RequestError('bad_credentials', 'wrong name or password');
  }
  throttle.succeeded(credentials.user.name, session.remoteAddress);
  return credentials;
}

/**
 * Checks the logged-in user's password again, for a request that must not be made on a resume token
 * alone (`publish_keys`): throttled and counted like a login, so it is no way around the login
 * throttle. Returns the account as stored now.
 */
export async function checkPassword(services: ServerServices, session: ClientSession, secret: Uint8Array): Promise<Credentials> {
  const user = session.requireUser();
  const { throttle, store } = services;
  const wait = throttle.retryAfter(user.name, session.remoteAddress);
  if (wait > 0) {
    throw new RequestError('rate_limited', `too many wrong passwords; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterMs: wait });
  }
  const credentials = await store.credentialsByName(user.name);
  if (!credentials || credentials.user.id !== user.id || !(await checkVerifier(secret, credentials))) {
    throttle.failed(user.name, session.remoteAddress);
    throw new RequestError('bad_credentials', 'wrong password');
  }
  return credentials;
}

/**
 * Gives the session a new resume token for its user (at `login` or `signup`), before or after it is
 * logged in, or undefined when it could not be stored: the login stands, and the client, given no
 * token, logs in with its secret next time, which is slower but correct. With `checkedVerifier`, the
 * token is stored only if the password is still the one checked: a login whose password was changed
 * while it was being checked is refused (`bad_credentials`), not handed a token that outlives the change.
 */
export async function issueResumeToken(
  services: ServerServices,
  session: ClientSession,
  user: UserRecord,
  checkedVerifier?: Uint8Array,
): Promise<Buffer | undefined> {
  const token = newResumeToken();
  const tokenHash = resumeTokenHash(token);
  let id: number | undefined;
  try {
    id = await services.store.addResumeToken({
      userId: user.id,
      tokenHash,
      ttlMs: RESUME_TOKEN_TTL_MS,
      keep: RESUME_TOKENS_PER_USER,
      ...(checkedVerifier ? { expectedVerifier: checkedVerifier } : {}),
    });
  } catch (error) {
    services.logger.warn('could not store a resume token', { user: user.id, error: String(error) });
    return undefined;
  }
  if (id === undefined) throw new RequestError('bad_credentials', 'the password was changed during this login; log in with the new one');
  session.holdToken({ id, hash: tokenHash });
  return token;
}

/**
 * Logs the session in as the user a resume token belongs to, through the same session lifecycle as
 * `login`. An unknown, expired or revoked token is `bad_credentials`, counted against the client's
 * address like a failed login (it names no account, so no name is counted).
 */
export async function resumeSession(services: ServerServices, session: ClientSession, token: Uint8Array): Promise<UserRecord> {
  if (session.user) throw new RequestError('already_logged_in', `already logged in as ${session.user.name}; log out first`);
  const { throttle, store, endings } = services;
  const wait = throttle.retryAfter(undefined, session.remoteAddress);
  if (wait > 0) {
    throw new RequestError('rate_limited', `too many failed logins; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterMs: wait });
  }
  const seen = endings.changes;
  const tokenHash = resumeTokenHash(token);
  const resumed = await store.useResumeToken(tokenHash);
  if (!resumed) {
    throttle.failed(undefined, session.remoteAddress);
    throw new RequestError('bad_credentials', 'unknown or expired resume token; log in with the password');
  }
  // Held before the session is registered: a session seen without a token is one to end.
  session.holdToken({ id: resumed.tokenId, hash: tokenHash });
  await logIn(services, session, resumed.user);
  await endings.settle(session, seen);
  return resumed.user;
}

/** Revokes the token the session logged in with or was given (on `logout`), if it has one. */
export async function revokeResumeToken(services: ServerServices, session: ClientSession): Promise<void> {
  const token = session.token;
  if (!token) return;
  await services.store.revokeResumeToken(token.hash);
  session.holdToken(undefined);
}
