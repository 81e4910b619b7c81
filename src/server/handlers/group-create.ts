import { NODE_ONLY, type Handler } from './handler.js';
import { createGroup, viewFor } from '../delivery/membership-change.js';

/** `group_create` (protocol.md § group_create): the creator is admin; every member is told. */
export const groupCreate: Handler<'group_create'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const user = session.requireUser();
    const entry = await createGroup(services, user.id, request.name, request.members);
    return { conversation: viewFor(entry, user.id)! };
  },
};
