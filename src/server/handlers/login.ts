import { issueResumeToken, verifyLogin } from '../accounts/accounts.js';
import { NODE_ONLY, type Handler } from './handler.js';
import { logIn } from '../session/session-lifecycle.js';
import { toUserView } from '../views.js';

/**
 * `login` (protocol.md § login): checked and throttled by accounts.ts, shared with the legacy adapter.
 * The reply carries a resume token for the client's next connection. The token is stored before the
 * session is registered, so no other node or session ever sees it logged in without one
 * (session-endings.ts), and only if the password is still the one checked.
 */
export const login: Handler<'login'> = {
  roles: NODE_ONLY,
  access: 'anyone',
  async handle(request, { session, services }) {
    const seen = services.endings.changes;
    const credentials = await verifyLogin(services, session, request.name, request.secret);
    const resume = await issueResumeToken(services, session, credentials.user, credentials.verifier);
    await logIn(services, session, credentials.user, { nameAsSent: request.name });
    await services.endings.settle(session, seen);
    return {
      user: toUserView(credentials.user, true),
      ...(credentials.keyBackup ? { keyBackup: credentials.keyBackup } : {}),
      ...(resume ? { resume } : {}),
    };
  },
};
