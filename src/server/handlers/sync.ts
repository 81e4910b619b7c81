import { ConversationFeed } from '../delivery/conversation-feed.js';
import { NODE_ONLY, type Handler } from './handler.js';
import { forViewer } from '../delivery/memberships.js';
import { toConversationView } from '../views.js';

/**
 * `sync` (protocol.md § sync): opens one feed per conversation at the client's cursor (or, for a
 * conversation it names no cursor for, after what the user has read), then streams
 * everything after each cursor as `msg` pushes, followed by live messages, exactly once and in order.
 */
export const sync: Handler<'sync'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const user = session.requireUser();
    const views = await services.store.conversationsOf(user.id);
    const given = new Map(request.cursors ?? []);
    // Feeds first, then synced: a message committed meanwhile reaches the feed live or by catch-up,
    // never both (the cursor decides), and never misses it.
    session.feeds.clear();
    for (const view of views) {
      // Not the delivered cursor: another device of the user having a row says nothing of this one,
      // and a new device should still get what is unread (protocol.md § sync).
      const cursor = given.get(view.conversation.id) ?? view.self.readSeq;
      session.feeds.set(
        view.conversation.id,
        new ConversationFeed(view.conversation.id, cursor, view.self, services.store, session, services.logger),
      );
    }
    session.markSynced(given);
    for (const feed of session.feeds.values()) feed.catchUp();
    // Conversations that began after they were read above, and whose first messages came meanwhile.
    for (const id of session.takeMissed()) {
      if (session.feeds.has(id)) continue;
      const member = (await services.memberships.get(id))?.members.get(user.id);
      if (member) services.fanout.feedFor(session, member, id)?.catchUp();
    }
    return { conversations: views.map((view) => toConversationView(forViewer(view))) };
  },
};
