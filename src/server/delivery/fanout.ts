import type { Push } from '../../protocol/index.js';
import type { ChatStore, ConversationId, MemberRecord, MessageRecord, UserId } from '../../store/chat-store.js';
import type { Logger } from '../../util/logger.js';
import type { ClientSession } from '../session/client-session.js';
import { ConversationFeed } from './conversation-feed.js';
import { canSee, type ConversationMembers, type Memberships } from './memberships.js';
import type { Presence } from './presence.js';

/**
 * Live delivery on this node: committed messages to the feeds of every session allowed to see them,
 * and pushes (presence, typing, receipts, conversation changes) to the sessions of given users.
 */
export class Fanout {
  constructor(
    private readonly store: ChatStore,
    private readonly presence: Presence,
    private readonly memberships: Memberships,
    private readonly logger: Logger,
  ) {}

  /** Offers committed messages (ascending seq per conversation) to every synced session that may see them. */
  async messages(records: readonly MessageRecord[]): Promise<void> {
    const ids = [...new Set(records.map((r) => r.conversationId))];
    const entries = new Map<ConversationId, ConversationMembers | undefined>();
    await Promise.all(ids.map(async (id) => entries.set(id, await this.memberships.get(id))));
    for (const record of records) {
      const entry = entries.get(record.conversationId);
      if (!entry) continue;
      for (const member of entry.members.values()) {
        if (!canSee(member, record.seq)) continue;
        for (const session of this.presence.sessionsOf(member.userId)) this.feedFor(session, member, record.conversationId)?.offer(record);
      }
    }
  }

  /**
   * The session's feed of a conversation, opened at the member's window when the session has none
   * yet (a conversation that started while it was connected). Undefined before `sync`.
   */
  feedFor(session: ClientSession, member: MemberRecord, conversationId: ConversationId): ConversationFeed | undefined {
    if (!session.synced) {
      session.missedBeforeSync(conversationId);
      return undefined;
    }
    let feed = session.feeds.get(conversationId);
    if (!feed) {
      const cursor = session.cursorAtSync(conversationId);
      feed = new ConversationFeed(conversationId, cursor, member, this.store, session, this.logger);
      session.feeds.set(conversationId, feed);
    } else {
      feed.setWindow(member.joinedSeq, member.leftSeq);
    }
    return feed;
  }

  /** Sends `push` to every session of each user, once per user. */
  toUsers(userIds: Iterable<UserId>, push: Push, except?: ClientSession): void {
    for (const userId of new Set(userIds)) {
      for (const session of this.presence.sessionsOf(userId)) if (session !== except) session.push(push);
    }
  }
}
