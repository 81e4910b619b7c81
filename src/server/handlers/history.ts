import { HISTORY_REPLY_MAX_BYTES } from '../../protocol/index.js';
import type { MessageRecord } from '../../store/chat-store.js';
import { NODE_ONLY, type Handler } from './handler.js';
import { notAMember } from '../delivery/memberships.js';
import { toMessageView } from '../views.js';

const DEFAULT_PAGE = 50;

/**
 * `history` (protocol.md § history): a page of older messages, within the user's membership window,
 * read from the store: this node's membership cache may not have heard of a removal on another node yet.
 * The page keeps its newest rows up to HISTORY_REPLY_MAX_BYTES of bodies and says `more` when it left
 * older ones out, so that no reply outgrows what the server queues for one client.
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
    const kept = newestWithin(rows, HISTORY_REPLY_MAX_BYTES);
    return { messages: kept.map(toMessageView), ...(kept.length < rows.length ? { more: true } : {}) };
  },
};

/** The newest rows (ascending, as given) whose bodies fit in `maxBytes`; the newest one always. */
function newestWithin(rows: readonly MessageRecord[], maxBytes: number): readonly MessageRecord[] {
  let bytes = 0;
  for (let i = rows.length - 1; i >= 0; i--) {
    bytes += rows[i]!.body.length;
    if (bytes > maxBytes && i < rows.length - 1) return rows.slice(i + 1);
  }
  return rows;
}
