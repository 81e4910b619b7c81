import { resumeSession } from '../accounts/accounts.js';
import { NODE_ONLY, type Handler } from './handler.js';
import { toUserView } from '../views.js';

/**
 * `resume` (protocol.md § resume): logs in with a token from an earlier `login` or `signup` instead of
 * the secret, so a reconnect costs one indexed lookup instead of a scrypt. The reply hands back the
 * same token: it stays valid until it expires or the session logs out, and a reply lost with the
 * connection leaves the client holding a token that still works.
 */
export const resume: Handler<'resume'> = {
  roles: NODE_ONLY,
  access: 'anyone',
  async handle(request, { session, services }) {
    const user = await resumeSession(services, session, request.token);
    return { user: toUserView(user, true), resume: request.token };
  },
};
