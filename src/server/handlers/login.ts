import { checkLogin, issueResumeToken } from '../accounts.js';
import { NODE_ONLY, type Handler } from '../handler.js';
import { userView } from '../views.js';

/**
 * `login` (protocol.md § login): checked and throttled by accounts.ts, shared with the legacy adapter.
 * The reply carries a resume token for the client's next connection.
 */
export const login: Handler<'login'> = {
  roles: NODE_ONLY,
  access: 'anyone',
  async handle(request, { session, services }) {
    const credentials = await checkLogin(services, session, request.name, request.secret);
    const resume = await issueResumeToken(services, session, credentials.user);
    return {
      user: userView(credentials.user, true),
      ...(credentials.keyBackup ? { keyBackup: credentials.keyBackup } : {}),
      ...(resume ? { resume } : {}),
    };
  },
};
