import type {
  SetKeys,
  ChatStore,
  ConversationId,
  ConversationRecord,
  MembershipRecord,
  Credentials,
  DeliveredMark,
  ListUsersOptions,
  MemberRecord,
  MembershipChange,
  MembershipLimits,
  MessageRecord,
  NewUser,
  SendItem,
  SendOutcomeRecord,
  UserId,
  NodeRecord,
  NewResumeToken,
  PasswordChange,
  ResumedToken,
  OfflineUser,
  ResumeTokenRecord,
  UserRecord,
} from './chat-store.js';
import { NO_MEMBERSHIP_LIMITS } from './chat-store.js';
import type { Database } from './database.js';
import * as blocks from './sql/blocks.js';
import * as conversations from './sql/conversations.js';
import { changeMembership } from './sql/membership.js';
import * as messages from './sql/messages.js';
import * as nodes from './sql/nodes.js';
import * as presence from './sql/presence.js';
import * as resumeTokens from './sql/resume-tokens.js';
import * as users from './sql/users.js';

/**
 * The ChatStore on PostgreSQL, through the Database seam: the same parameterised SQL on the
 * embedded PGlite and on a PostgreSQL server (schema.sql). The statements live in sql/, one file
 * per concern; this class only routes to them.
 */
export class SqlChatStore implements ChatStore {
  readonly listen: Database['listen'];

  constructor(private readonly db: Database) {
    this.listen = db.listen?.bind(db);
  }

  notify(channel: string, payload: string): Promise<void> {
    return nodes.notify(this.db, channel, payload);
  }

  createUser(user: NewUser): Promise<UserRecord> {
    return users.createUser(this.db, user);
  }

  credentialsByName(name: string): Promise<Credentials | undefined> {
    return users.credentialsByName(this.db, name);
  }

  usersById(ids: readonly UserId[]): Promise<UserRecord[]> {
    return users.usersById(this.db, ids);
  }

  listUsers(options: ListUsersOptions): Promise<UserRecord[]> {
    return users.listUsers(this.db, options);
  }

  setLastSeen(userId: UserId, at: Date): Promise<void> {
    return users.setLastSeen(this.db, userId, at);
  }

  setKeys(userId: UserId, keys: SetKeys): Promise<UserRecord> {
    return users.setKeys(this.db, userId, keys);
  }

  addResumeToken(token: NewResumeToken): Promise<number | undefined> {
    return resumeTokens.addResumeToken(this.db, token);
  }

  useResumeToken(tokenHash: Uint8Array): Promise<ResumedToken | undefined> {
    return resumeTokens.useResumeToken(this.db, tokenHash);
  }

  revokeResumeTokenOf(userId: UserId, tokenId: number): Promise<boolean> {
    return resumeTokens.revokeResumeTokenOf(this.db, userId, tokenId);
  }

  changePassword(change: PasswordChange): Promise<ResumedToken | undefined> {
    return resumeTokens.changePassword(this.db, change);
  }

  revokeResumeToken(tokenHash: Uint8Array): Promise<boolean> {
    return resumeTokens.revokeResumeToken(this.db, tokenHash);
  }

  resumeTokensOf(userId: UserId): Promise<ResumeTokenRecord[]> {
    return resumeTokens.resumeTokensOf(this.db, userId);
  }

  block(blocker: UserId, blocked: UserId, max: number): Promise<boolean> {
    return blocks.block(this.db, blocker, blocked, max);
  }

  unblock(blocker: UserId, blocked: UserId): Promise<boolean> {
    return blocks.unblock(this.db, blocker, blocked);
  }

  blockedBy(blocker: UserId): Promise<UserId[]> {
    return blocks.blockedBy(this.db, blocker);
  }

  isBlocked(blocker: UserId, blocked: UserId): Promise<boolean> {
    return blocks.isBlocked(this.db, blocker, blocked);
  }

  directConversation(a: UserId, b: UserId): Promise<ConversationId> {
    return conversations.directConversation(this.db, a, b);
  }

  createGroup(
    creatorId: UserId,
    name: string,
    memberIds: readonly UserId[],
    limits: MembershipLimits = NO_MEMBERSHIP_LIMITS,
  ): Promise<{ conversation: ConversationRecord; events: MessageRecord[] }> {
    return conversations.createGroup(this.db, creatorId, name, memberIds, limits);
  }

  changeMembership(
    actorId: UserId,
    conversationId: ConversationId,
    change: MembershipChange,
    limits: MembershipLimits = NO_MEMBERSHIP_LIMITS,
  ): Promise<MessageRecord> {
    return changeMembership(this.db, actorId, conversationId, change, limits);
  }

  conversationMembers(conversationId: ConversationId): Promise<{ conversation: ConversationRecord; members: MemberRecord[] } | undefined> {
    return conversations.conversationMembers(this.db, conversationId);
  }

  memberOf(conversationId: ConversationId, userId: UserId): Promise<MemberRecord | undefined> {
    return conversations.memberOf(this.db, conversationId, userId);
  }

  conversationsOf(userId: UserId): Promise<MembershipRecord[]> {
    return conversations.conversationsOf(this.db, userId);
  }

  commitMessages(items: readonly SendItem[]): Promise<SendOutcomeRecord[]> {
    return messages.commitMessages(this.db, items);
  }

  messagesAfter(conversationId: ConversationId, afterSeq: number, throughSeq: number | null, limit: number): Promise<MessageRecord[]> {
    return messages.messagesAfter(this.db, conversationId, afterSeq, throughSeq, limit);
  }

  messagesBefore(conversationId: ConversationId, beforeSeq: number, floorSeq: number, limit: number): Promise<MessageRecord[]> {
    return messages.messagesBefore(this.db, conversationId, beforeSeq, floorSeq, limit);
  }

  advanceCursors(
    userId: UserId,
    conversationId: ConversationId,
    cursors: { delivered?: number; read?: number },
  ): Promise<{ deliveredSeq: number; readSeq: number }> {
    return messages.advanceCursors(this.db, userId, conversationId, cursors);
  }

  advanceDelivered(marks: readonly DeliveredMark[]): Promise<void> {
    return messages.advanceDelivered(this.db, marks);
  }

  registerNode(node: { id: string; host: string; ports: readonly number[] }): Promise<void> {
    return nodes.registerNode(this.db, node);
  }

  heartbeatNode(id: string, connections: number): Promise<boolean> {
    return nodes.heartbeatNode(this.db, id, connections);
  }

  listeningNodes(): Promise<Set<string>> {
    return nodes.listeningNodes(this.db);
  }

  liveNodes(maxAgeMs: number): Promise<NodeRecord[]> {
    return nodes.liveNodes(this.db, maxAgeMs);
  }

  removeNode(id: string, nodeTimeoutMs?: number): Promise<OfflineUser[]> {
    return presence.removeNode(this.db, id, nodeTimeoutMs ?? null);
  }

  markOnline(nodeId: string, userId: UserId, nodeTimeoutMs: number): Promise<boolean> {
    return presence.markOnline(this.db, nodeId, userId, nodeTimeoutMs);
  }

  markOffline(nodeId: string, userId: UserId, nodeTimeoutMs: number): Promise<boolean> {
    return presence.markOffline(this.db, nodeId, userId, nodeTimeoutMs);
  }

  onlineAmong(userIds: readonly UserId[], nodeTimeoutMs: number): Promise<Set<UserId>> {
    return presence.onlineAmong(this.db, userIds, nodeTimeoutMs);
  }

  reapDeadNodes(nodeTimeoutMs: number): Promise<OfflineUser[]> {
    return presence.reapDeadNodes(this.db, nodeTimeoutMs);
  }

  /** Closes the database it was given. */
  close(): Promise<void> {
    return this.db.close();
  }
}
