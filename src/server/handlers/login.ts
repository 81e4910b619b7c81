import { checkLogin } from '../accounts.js';
import { NODE_ONLY, type Handler } from '../handler.js';
import { userView } from '../views.js';

/** `login` (protocol.md § login): checked and throttled by accounts.ts, shared with the legacy adapter. */
export const login: Handler<'login'> = {
  roles: NODE_ONLY,
  access: 'anyone',
  async handle(request, { session, services }) {
    const credentials = await checkLogin(services, session, request.name, request.secret);
    return { user: userView(credentials.user, true), ...(credentials.keyBackup ? { keyBackup: credentials.keyBackup } : {}) };
  },
};
