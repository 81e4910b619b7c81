import { NODE_ONLY, type Handler } from '../handler.js';
import { logOut } from '../session-lifecycle.js';

/** `logout`: the connection stays open, logged out (protocol.md § logout). */
export const logout: Handler<'logout'> = {
  roles: NODE_ONLY,
  async handle(_request, { session, services }) {
    await logOut(services, session);
    return {};
  },
};
