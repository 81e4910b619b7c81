import { makeVerifier } from '../../crypto/secret-verifier.js';
import { RequestError } from '../errors.js';
import { NODE_ONLY, type Handler } from '../handler.js';
import { logIn } from '../session-lifecycle.js';
import { userView } from '../views.js';

/** `signup`: creates an account (name unique in any case) and logs the session in (protocol.md § signup). */
export const signup: Handler<'signup'> = {
  roles: NODE_ONLY,
  access: 'anyone',
  async handle(request, { session, services }) {
    if (session.user) throw new RequestError('already_logged_in', `already logged in as ${session.user.name}; log out first`);
    // Only the slow salted verifier of the client's secret is stored, never the secret.
    const verifier = await makeVerifier(request.secret, services.verifierParams);
    const user = await services.store.createUser({
      name: request.name,
      kind: 'modern',
      ...verifier,
      publicKey: request.publicKey ?? null,
      keyBackup: request.keyBackup ?? null,
    });
    services.logger.info('signup', { user: user.id });
    await logIn(services, session, user);
    return { user: userView(user, true), ...(request.keyBackup ? { keyBackup: request.keyBackup } : {}) };
  },
};
