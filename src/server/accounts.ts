import { checkVerifier, makeVerifier, newResumeToken, resumeTokenHash } from '../crypto/secret-verifier.js';
import { RESUME_TOKEN_TTL_MS, RESUME_TOKENS_PER_USER, USER_NAME_PATTERN } from '../protocol/index.js';
import type { Credentials, NewUser, UserRecord } from '../store/chat-store.js';
import { addressKey } from './address-limit.js';
import type { ClientSession } from './client-session.js';
import { RequestError } from './errors.js';
import type { ServerServices } from './services.js';
import { logIn } from './session-lifecycle.js';

/**
 * Accounts, for both protocols (modern `signup`/`login` and the legacy adapter): one place that
 * stores only a slow salted verifier of what the client sends, checks it, and throttles failures;
 * and the resume tokens that let a modern client's next connection skip that slow check.
 */

/**
 * The hash of the token each session logged in with or was given, for `logout` to revoke. Kept here,
 * beside the code that issues tokens, rather than on the session object: a session that closes takes
 * its entry with it (a WeakMap), and closing a connection must not revoke its token (that is what a
 * reconnecting client resumes with); only an explicit `logout` does.
 */
const sessionTokens = new WeakMap<ClientSession, Uint8Array>();

/** Creates the user with a verifier of `secret` and logs the session in as them. @throws NameTakenError */
export async function createAccount(
  services: ServerServices,
  session: ClientSession,
  secret: Uint8Array,
  user: Omit<NewUser, 'verifier' | 'salt' | 'kdf'>,
): Promise<UserRecord> {
  if (session.user) throw new RequestError('already_logged_in', `already logged in as ${session.user.name}; log out first`);
  // Only the slow salted verifier of the client's secret is stored, never the secret.
  const verifier = await makeVerifier(secret, services.verifierParams);
  const created = await services.store.createUser({ ...user, ...verifier });
  services.logger.info('signup', { user: created.id, kind: created.kind });
  // Where its owner signed up from is theirs: a guess spread over other hosts does not lock them out.
  services.throttle.succeeded(created.name, session.remoteAddress);
  await logIn(services, session, created, { fresh: true });
  return created;
}

/**
 * Waits for this address's turn to log in (DEFAULT_LOGIN_PACE_PER_S), for the legacy handlers: a
 * framed connection's logins wait in its request gate instead (framed-session.ts), and the 2022
 * protocol has no way to say "later", so a legacy login past the pace is answered late, not refused.
 */
export async function loginTurn(services: ServerServices, session: ClientSession): Promise<void> {
  if (session.remoteAddress === undefined) return;
  const key = addressKey(session.remoteAddress);
  for (let wait = services.loginPace.take(key); wait > 0; wait = services.loginPace.take(key)) {
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/**
 * Checks a login and logs the session in. An unknown name and a wrong secret get the same error after
 * the same work, so the reply does not reveal which names exist; failures are throttled per name and
 * address. `kind`, when given, must match the account's (a legacy client cannot log in as a modern user).
 */
export async function checkLogin(
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
  await logIn(services, session, credentials.user);
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
 * Gives the session a new resume token for its user (after `login` or `signup`), or undefined when it
 * could not be stored: the login itself has already succeeded and stands, and the client, given no
 * token, logs in with its secret next time, which is slower but correct.
 */
export async function issueResumeToken(services: ServerServices, session: ClientSession, user: UserRecord): Promise<Buffer | undefined> {
  const token = newResumeToken();
  const tokenHash = resumeTokenHash(token);
  try {
    await services.store.addResumeToken({ userId: user.id, tokenHash, ttlMs: RESUME_TOKEN_TTL_MS, keep: RESUME_TOKENS_PER_USER });
  } catch (error) {
    services.logger.warn('could not store a resume token', { user: user.id, error: String(error) });
    return undefined;
  }
  sessionTokens.set(session, tokenHash);
  return token;
}

/**
 * Logs the session in as the user a resume token belongs to, through the same session lifecycle as
 * `login`. An unknown, expired or revoked token is `bad_credentials`, counted against the client's
 * address like a failed login (it names no account, so no name is counted).
 */
export async function resumeSession(services: ServerServices, session: ClientSession, token: Uint8Array): Promise<UserRecord> {
  if (session.user) throw new RequestError('already_logged_in', `already logged in as ${session.user.name}; log out first`);
  const { throttle, store } = services;
  const wait = throttle.retryAfter(undefined, session.remoteAddress);
  if (wait > 0) {
    throw new RequestError('rate_limited', `too many failed logins; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterMs: wait });
  }
  const tokenHash = resumeTokenHash(token);
  const user = await store.useResumeToken(tokenHash);
  if (!user) {
    throttle.failed(undefined, session.remoteAddress);
    throw new RequestError('bad_credentials', 'unknown or expired resume token; log in with the password');
  }
  await logIn(services, session, user);
  sessionTokens.set(session, tokenHash);
  return user;
}

/** Revokes the token the session logged in with or was given (on `logout`), if it has one. */
export async function revokeResumeToken(services: ServerServices, session: ClientSession): Promise<void> {
  const tokenHash = sessionTokens.get(session);
  if (!tokenHash) return;
  await services.store.revokeResumeToken(tokenHash);
  sessionTokens.delete(session);
}
