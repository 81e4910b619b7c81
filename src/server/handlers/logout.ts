import { revokeResumeToken } from '../accounts/accounts.js';
import { NODE_ONLY, type Handler } from './handler.js';
import { logOut } from '../session/session-lifecycle.js';

/**
 * `logout`: the connection stays open, logged out, and the session's resume token no longer works
 * (protocol.md § logout). A connection that merely closes keeps its token: that is what it resumes with.
 */
export const logout: Handler<'logout'> = {
  roles: NODE_ONLY,
  async handle(_request, { session, services }) {
    await revokeResumeToken(services, session);
    await logOut(services, session);
    return {};
  },
};
