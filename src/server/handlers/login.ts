import { checkVerifier, makeVerifier } from '../../crypto/secret-verifier.js';
import { RequestError } from '../errors.js';
import { NODE_ONLY, type Handler } from '../handler.js';
import { logIn } from '../session-lifecycle.js';
import { userView } from '../views.js';

/**
 * `login` (protocol.md § login). An unknown name and a wrong secret get the same error after the same
 * work, so the reply does not reveal which names exist. Failures are throttled per name and address.
 */
export const login: Handler<'login'> = {
  roles: NODE_ONLY,
  access: 'anyone',
  async handle(request, { session, services }) {
    if (session.user) throw new RequestError('already_logged_in', `already logged in as ${session.user.name}; log out first`);
    const { throttle, store } = services;
    const wait = throttle.retryAfter(request.name, session.remoteAddress);
    if (wait > 0) {
      throw new RequestError('rate_limited', `too many failed logins; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterMs: wait });
    }
    const credentials = await store.credentialsByName(request.name);
    const valid = credentials
      ? await checkVerifier(request.secret, credentials)
      : (await makeVerifier(request.secret, services.verifierParams), false);
    if (!credentials || !valid) {
      throttle.failed(request.name, session.remoteAddress);
      throw new RequestError('bad_credentials', 'wrong name or password');
    }
    throttle.succeeded(request.name);
    await logIn(services, session, credentials.user);
    return { user: userView(credentials.user, true), ...(credentials.keyBackup ? { keyBackup: credentials.keyBackup } : {}) };
  },
};
