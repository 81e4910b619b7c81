import { NODE_ONLY, type Handler } from './handler.js';
import { changeMembership } from '../delivery/membership-change.js';

/** `group_add` (protocol.md § group_add): admins only; the new member sees messages from their addition on. */
export const groupAdd: Handler<'group_add'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const event = await changeMembership(services, session.requireUser().id, request.conversation, { type: 'add', userId: request.user });
    return { seq: event.seq };
  },
};
