import { NODE_ONLY, type Handler } from './handler.js';
import { changeMembership } from '../delivery/membership-change.js';

/** `group_rename` (protocol.md § group_rename): admins only. */
export const groupRename: Handler<'group_rename'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const event = await changeMembership(services, session.requireUser().id, request.conversation, { type: 'rename', name: request.name });
    return { seq: event.seq };
  },
};
