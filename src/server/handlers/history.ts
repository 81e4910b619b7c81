import { NODE_ONLY, type Handler } from '../handler.js';
import { notAMember } from '../memberships.js';
import { messageView } from '../views.js';

const DEFAULT_PAGE = 50;

/**
 * `history` (protocol.md § history): a page of older messages, within the user's membership window,
 * read from the store: this node's membership cache may not have heard of a removal on another node yet.
 */
export const history: Handler<'history'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const user = session.requireUser();
    const member = await services.store.memberOf(request.conversation, user.id);
    if (!member) throw await notAMember(services.store, await services.memberships.get(request.conversation), user.id);
    const ceiling = member.leftSeq === null ? Number.MAX_SAFE_INTEGER : member.leftSeq + 1;
    const before = Math.min(request.before ?? Number.MAX_SAFE_INTEGER, ceiling);
    const rows = await services.store.messagesBefore(request.conversation, before, member.joinedSeq, request.limit ?? DEFAULT_PAGE);
    return { messages: rows.map(messageView) };
  },
};
