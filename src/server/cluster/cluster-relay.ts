import type { ConversationId } from '../../store/chat-store.js';
import type { ClusterEvent } from './cluster-events.js';
import { pushViews } from '../delivery/membership-change.js';
import type { ServerServices } from '../services.js';
import { pushPresence } from '../session/session-lifecycle.js';
import { toUserView } from '../views.js';

/**
 * Applies another node's event to this node's sessions (docs/deploy.md). Messages are not in the
 * event: the feeds of the conversation catch up from the database, which also keeps them exactly
 * once and in order whatever arrives first, a NOTIFY or a local commit.
 */
export async function applyClusterEvent(services: ServerServices, event: ClusterEvent): Promise<void> {
  switch (event.t) {
    case 'msg':
      for (const conversation of event.cs) await catchUp(services, conversation, false);
      return;
    case 'members': {
      await catchUp(services, event.c, true);
      const entry = await services.memberships.get(event.c);
      if (entry) pushViews(services, entry, event.s === undefined ? [] : [event.s]);
      return;
    }
    case 'typing': {
      const entry = await services.memberships.get(event.c);
      const others = [...(entry?.members.values() ?? [])].filter((m) => m.leftSeq === null && m.userId !== event.u).map((m) => m.userId);
      return services.fanout.toUsers(others, { t: 'typing', conversation: event.c, user: event.u });
    }
    case 'receipt': {
      const entry = await services.memberships.get(event.c);
      const audience = [...(entry?.members.values() ?? [])].filter((m) => m.leftSeq === null).map((m) => m.userId);
      return services.fanout.toUsers(audience, {
        t: 'receipt',
        conversation: event.c,
        user: event.u,
        deliveredSeq: event.d,
        readSeq: event.r,
      });
    }
    case 'presence':
      return pushPresence(services, event.u, event.on, event.ls);
    case 'keys': {
      const [user] = await services.store.usersById([event.u]);
      if (user) services.fanout.toUsers([user.id], { t: 'keys', user: toUserView(user, true) });
      return;
    }
    case 'sessions':
      await services.endings.endRevoked(event.u, { tokenless: event.pw === true });
      return;
    case 'joined': {
      const [user] = await services.store.usersById([event.u]);
      if (user) services.legacy.announce(user, event.fresh === true, undefined, event.nm);
      return;
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/**
 * After events may have been missed (the listener reconnected; this node just joined, before the
 * others knew it): reload memberships and catch up every conversation of every user logged in here,
 * including conversations that began meanwhile and so have no feed yet.
 */
export async function resyncAll(services: ServerServices): Promise<void> {
  services.memberships.clear();
  const conversations = new Set<ConversationId>();
  for (const session of services.presence.allSessions()) for (const id of session.feeds.keys()) conversations.add(id);
  for (const userId of services.presence.users()) {
    for (const view of await services.store.conversationsOf(userId)) conversations.add(view.conversation.id);
  }
  for (const id of conversations) await catchUp(services, id, true);
  // A missed `sessions` event would leave a revoked session running here.
  for (const userId of [...services.presence.users()]) await services.endings.endRevoked(userId);
}

/** Catches up the feeds of `conversation` on this node's sessions, reloading its membership first if asked. */
async function catchUp(services: ServerServices, conversation: ConversationId, reload: boolean): Promise<void> {
  const entry = reload ? await services.memberships.refresh(conversation) : await services.memberships.get(conversation);
  if (!entry) return;
  for (const member of entry.members.values()) {
    for (const session of services.presence.sessionsOf(member.userId)) services.fanout.feedFor(session, member, conversation)?.catchUp();
  }
}
