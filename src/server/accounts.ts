import { checkVerifier, makeVerifier } from '../crypto/secret-verifier.js';
import type { Credentials, NewUser, UserRecord } from '../store/chat-store.js';
import type { ClientSession } from './client-session.js';
import { RequestError } from './errors.js';
import type { ServerServices } from './services.js';
import { logIn } from './session-lifecycle.js';

/**
 * Accounts, for both protocols (modern `signup`/`login` and the legacy adapter): one place that
 * stores only a slow salted verifier of what the client sends, checks it, and throttles failures.
 */

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
  await logIn(services, session, created, { fresh: true });
  return created;
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
  const wait = throttle.retryAfter(name, session.remoteAddress);
  if (wait > 0) {
    throw new RequestError('rate_limited', `too many failed logins; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterMs: wait });
  }
  const credentials = await store.credentialsByName(name);
  const valid = credentials ? await checkVerifier(secret, credentials) : (await makeVerifier(secret, services.verifierParams), false);
  if (!credentials || !valid || (kind !== undefined && credentials.user.kind !== kind)) {
    throttle.failed(name, session.remoteAddress);
    throw new RequestError('bad_credentials', 'wrong name or password');
  }
  throttle.succeeded(name);
  await logIn(services, session, credentials.user);
  return credentials;
}
