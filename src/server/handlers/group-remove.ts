import { NODE_ONLY, type Handler } from './handler.js';
import { changeMembership } from '../delivery/membership-change.js';

/** `group_remove` (protocol.md § group_remove): admins only; the removed member gets nothing sent after the removal. */
export const groupRemove: Handler<'group_remove'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const event = await changeMembership(services, session.requireUser().id, request.conversation, {
      type: 'remove',
      userId: request.user,
    });
    return { seq: event.seq };
  },
};
