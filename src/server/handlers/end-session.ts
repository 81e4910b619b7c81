import { RequestError } from '../errors.js';
import { NODE_ONLY, type Handler } from './handler.js';

/**
 * `end_session` (protocol.md § end_session): revokes one of the user's other tokens and ends the
 * connections that hold it, here at once and on the other nodes by the cluster event `sessions`.
 * Ending this very session is `logout`'s job.
 */
export const endSession: Handler<'end_session'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const user = session.requireUser();
    if (request.session === session.token?.id) throw new RequestError('conflict', 'that is this session; use logout to end it');
    if (!(await services.store.revokeResumeTokenOf(user.id, request.session))) {
      throw new RequestError('not_found', `you have no session ${request.session}`);
    }
    services.cluster?.announce({ t: 'sessions', u: user.id });
    await services.endings.endRevoked(user.id, { except: session });
    return {};
  },
};
