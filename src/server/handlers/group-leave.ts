import { NODE_ONLY, type Handler } from './handler.js';
import { changeMembership } from '../delivery/membership-change.js';

/** `group_leave` (protocol.md § group_leave). */
export const groupLeave: Handler<'group_leave'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const event = await changeMembership(services, session.requireUser().id, request.conversation, { type: 'leave' });
    return { seq: event.seq };
  },
};
