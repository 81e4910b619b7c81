import { BLOCKS_PER_USER } from '../../protocol/index.js';
import { RequestError } from '../errors.js';
import { NODE_ONLY, type Handler } from './handler.js';

/**
 * `block` (protocol.md § block): the blocked user's direct messages to this user are refused from now
 * on (the check is part of every commit, so it holds on every node at once), and they can no longer
 * put this user into a group. Idempotent.
 */
export const block: Handler<'block'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const user = session.requireUser();
    if (request.user === user.id) throw new RequestError('bad_request', 'user: you cannot block yourself');
    await services.store.block(user.id, request.user, BLOCKS_PER_USER);
    return {};
  },
};

/** `unblock`: lifts a block; unblocking someone not blocked is not an error. */
export const unblock: Handler<'unblock'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    await services.store.unblock(session.requireUser().id, request.user);
    return {};
  },
};

/** `blocks`: whom this user blocked. */
export const blocks: Handler<'blocks'> = {
  roles: NODE_ONLY,
  async handle(_request, { session, services }) {
    return { users: await services.store.blockedBy(session.requireUser().id) };
  },
};
