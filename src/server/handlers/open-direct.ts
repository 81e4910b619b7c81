import { RequestError } from '../errors.js';
import { NODE_ONLY, type Handler } from './handler.js';
import { viewFor } from '../delivery/membership-change.js';
import { blockedBy } from '../delivery/memberships.js';

/** `open_direct` (protocol.md § open_direct): the direct conversation with a user, made on first use. */
export const openDirect: Handler<'open_direct'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const user = session.requireUser();
    if (request.user === user.id) throw new RequestError('bad_request', 'user: cannot open a direct conversation with yourself');
    if (await services.store.isBlocked(request.user, user.id)) throw await blockedBy(services.store, request.user);
    const id = await services.memberships.directConversation(user.id, request.user);
    const entry = await services.memberships.get(id);
    const view = entry && viewFor(entry, user.id);
    if (!view) throw new RequestError('internal', 'the conversation could not be read back');
    return { conversation: view };
  },
};
