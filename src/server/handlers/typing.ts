import { NODE_ONLY, type Handler } from './handler.js';
import { isCurrent, notAMember } from '../delivery/memberships.js';

/** `typing` (protocol.md § typing): ephemeral, never stored, pushed only to the other current members. */
export const typing: Handler<'typing'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const user = session.requireUser();
    const entry = await services.memberships.get(request.conversation);
    if (!isCurrent(entry?.members.get(user.id))) {
      throw await notAMember(services.store, entry, user.id);
    }
    const others = [...entry.members.values()].filter((m) => m.leftSeq === null && m.userId !== user.id).map((m) => m.userId);
    services.fanout.toUsers(others, { t: 'typing', conversation: request.conversation, user: user.id });
    services.cluster?.announce({ t: 'typing', c: request.conversation, u: user.id });
    return {};
  },
};
