import { RequestError } from '../errors.js';
import { NODE_ONLY, type Handler } from './handler.js';

/**
 * `receipt` (protocol.md § receipt): raises the user's delivered / read cursors and tells the other
 * members (the senders see "delivered" and "read") and the user's other sessions (unread counts).
 */
export const receipt: Handler<'receipt'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const user = session.requireUser();
    if (request.delivered === undefined && request.read === undefined) {
      throw new RequestError('bad_request', 'give delivered, read or both');
    }
    const cursors = await services.store.advanceCursors(user.id, request.conversation, {
      ...(request.delivered === undefined ? {} : { delivered: request.delivered }),
      ...(request.read === undefined ? {} : { read: request.read }),
    });
    const entry = await services.memberships.get(request.conversation);
    const audience = [...(entry?.members.values() ?? [])].filter((m) => m.leftSeq === null).map((m) => m.userId);
    services.fanout.toUsers(audience, { t: 'receipt', conversation: request.conversation, user: user.id, ...cursors }, session);
    services.cluster?.announce({ t: 'receipt', c: request.conversation, u: user.id, d: cursors.deliveredSeq, r: cursors.readSeq });
    return cursors;
  },
};
