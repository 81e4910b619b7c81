/**
 * The chat server's storage contract. One implementation (sql-chat-store.ts) runs the same SQL on
 * the embedded PGlite and on PostgreSQL; test/contract/chat-store.contract.ts is the suite every
 * backend passes. Authorization that must be atomic with a change (admin rights, membership at the
 * moment a message commits) is checked here, inside the transaction that makes the change.
 */

import type { Database } from './database.js';

export type UserId = number;
export type ConversationId = number;

/** `legacy`: a 2022 client's account (raw RSA key in `PublicKey(n, e)` form). */
export type UserKind = 'modern' | 'legacy';

/** A user's delivered cursor in one conversation, to be raised to `delivered`. */
export interface DeliveredMark {
  readonly userId: UserId;
  readonly conversationId: ConversationId;
  readonly delivered: number;
}

export interface UserRecord {
  readonly id: UserId;
  /** As chosen at signup; unique regardless of case. */
  readonly name: string;
  readonly kind: UserKind;
  /** Opaque public key material published by the client; null until it publishes one. */
  readonly publicKey: Uint8Array | null;
  /**
   * RSA public key (SPKI DER) for the 2022 legacy scheme, shown to legacy clients as `PublicKey(n, e)`:
   * a legacy user's own key (the same as publicKey), or a modern user's separate legacy pair. Null
   * when the user published none (legacy clients do not see such a user).
   */
  readonly legacyKey: Uint8Array | null;
  /** The previous key's signature over the change to `publicKey` (docs/crypto.md § Key changes); null for a first key. */
  readonly keyProof: Uint8Array | null;
  readonly createdAt: Date;
  /** When the user's last session closed; null if never. */
  readonly lastSeen: Date | null;
}

/** What login needs: never leaves the server. */
export interface Credentials {
  readonly user: UserRecord;
  /** scrypt output of the client's secret with `salt` under `kdf`. */
  readonly verifier: Uint8Array;
  readonly salt: Uint8Array;
  /** The verifier's parameters, e.g. `scrypt:4096:8:1:32`, so they can be changed later without breaking this row. */
  readonly kdf: string;
  /** The user's private-key backup, sealed on their machine; opaque here. */
  readonly keyBackup: Uint8Array | null;
}

export interface NewUser {
  readonly name: string;
  readonly kind: UserKind;
  readonly verifier: Uint8Array;
  readonly salt: Uint8Array;
  readonly kdf: string;
  readonly publicKey: Uint8Array | null;
  readonly keyBackup?: Uint8Array | null;
  readonly legacyKey?: Uint8Array | null;
}

/** A user's published keys; `legacyKey` and `keyProof` undefined keep the ones stored. */
export interface SetKeys {
  readonly publicKey: Uint8Array;
  readonly keyBackup: Uint8Array | null;
  readonly legacyKey?: Uint8Array | null;
  readonly keyProof?: Uint8Array | null;
}

export type ConversationKind = 'direct' | 'group';
export type MemberRole = 'admin' | 'member';

export interface ConversationRecord {
  readonly id: ConversationId;
  readonly kind: ConversationKind;
  /** Group name; null for direct conversations. */
  readonly name: string | null;
  /** Highest sequence number used in the conversation (0 when empty). */
  readonly lastSeq: number;
  readonly createdAt: Date;
}

/**
 * A user's membership. The user may see messages with `joinedSeq < seq` and, once they have left or
 * been removed, `seq <= leftSeq` (their own removal event included).
 */
export interface MemberRecord {
  readonly userId: UserId;
  readonly role: MemberRole;
  readonly joinedSeq: number;
  readonly leftSeq: number | null;
  /** Highest seq the user's clients confirmed receiving / reading (monotonic). */
  readonly deliveredSeq: number;
  readonly readSeq: number;
}

/** A conversation as one member sees it. */
export interface MembershipRecord {
  readonly conversation: ConversationRecord;
  readonly self: MemberRecord;
  /** Current members (leftSeq null), the viewer included while they are one. */
  readonly members: readonly MemberRecord[];
  /** Messages from the others after the viewer's read cursor, in their window (sql/unread.ts). */
  readonly unread: number;
}

/**
 * Kinds of rows in a conversation's sequence. `message` rows carry the sender's ciphertext in `body`;
 * the others are membership events written by the server: `subjectId` is the user concerned, and
 * `created` / `renamed` carry the group name as UTF-8 in `body`.
 */
export type MessageKind = 'message' | 'created' | 'member_added' | 'member_removed' | 'member_left' | 'renamed';

export interface MessageRecord {
  /** Server id, unique across conversations. */
  readonly mid: number;
  readonly conversationId: ConversationId;
  /** 1, 2, 3, … within the conversation, without gaps. */
  readonly seq: number;
  readonly senderId: UserId;
  /** Sender-chosen id, unique per sender: a resend with the same id is the same message. */
  readonly clientId: string;
  readonly kind: MessageKind;
  readonly body: Uint8Array;
  readonly subjectId: UserId | null;
  readonly createdAt: Date;
}

export interface SendItem {
  readonly senderId: UserId;
  readonly conversationId: ConversationId;
  readonly clientId: string;
  readonly body: Uint8Array;
}

export type SendOutcomeRecord =
  /** Committed now. */
  | { readonly status: 'stored'; readonly message: MessageRecord }
  /** The sender already sent this client id: the message as first stored (whatever conversation or body this resend named). */
  | { readonly status: 'duplicate'; readonly message: MessageRecord }
  /**
   * The sender is not a current member of the conversation (or it does not exist), or — `blocked` —
   * the other user of this direct conversation blocked them: nothing stored.
   */
  | { readonly status: 'forbidden'; readonly blocked?: true };

/**
 * How big groups may grow, checked inside the transaction that would pass them (so they hold on every
 * node at once). The server passes protocol.md's limits; leaving them out checks nothing.
 */
export interface MembershipLimits {
  /** Current members of one group. */
  readonly membersPerGroup: number;
  /** Groups one user is currently a member of. */
  readonly groupsPerUser: number;
}

export const NO_MEMBERSHIP_LIMITS: MembershipLimits = { membersPerGroup: Number.MAX_SAFE_INTEGER, groupsPerUser: Number.MAX_SAFE_INTEGER };

export type MembershipChange =
  | { readonly type: 'add'; readonly userId: UserId }
  | { readonly type: 'remove'; readonly userId: UserId }
  | { readonly type: 'leave' }
  | { readonly type: 'rename'; readonly name: string };

export interface ListUsersOptions {
  /** Users with an id above this one (paging). @default 0 */
  readonly afterId?: number;
  readonly limit: number;
  /** Only names starting with this, case-insensitively. */
  readonly prefix?: string;
}

/**
 * How a node's LISTEN connection is named in `pg_stat_activity` (`application_name`): the prefix and
 * the node id. PostgreSQL ends a backend as soon as its client's socket closes, so a process that dies
 * (even by SIGKILL) drops out of `pg_stat_activity` at once, long before its heartbeat times out.
 */
export const NODE_APPLICATION_PREFIX = 'fastchat-node ';

export function nodeApplicationName(nodeId: string): string {
  return `${NODE_APPLICATION_PREFIX}${nodeId}`;
}

/** A server process sharing the database (scale-out): where clients can reach it and how busy it is. */
export interface NodeRecord {
  readonly id: string;
  /** Host clients should dial. */
  readonly host: string;
  readonly ports: readonly number[];
  /** Open client connections at the last heartbeat. */
  readonly connections: number;
  readonly heartbeatAt: Date;
}

/** A user whose last live node went away (reaped or left): online on no live node any more. */
export interface OfflineUser {
  readonly userId: UserId;
  /** Their last_seen as now stored. */
  readonly lastSeen: Date;
}

/** A resume token to store: only its SHA-256 ever reaches the database. */
export interface NewResumeToken {
  readonly userId: UserId;
  readonly tokenHash: Uint8Array;
  /** Lifetime from now (by the database's clock); using the token does not extend it. */
  readonly ttlMs: number;
  /** Tokens the user keeps at most, this one included: adding deletes the oldest beyond it. */
  readonly keep: number;
  /** Store it only if the user's password verifier is still this one (the one a login checked). */
  readonly expectedVerifier?: Uint8Array;
}

export interface ResumeTokenRecord {
  /** The token's number, which names it to its user (`sessions`, `end_session`) without revealing it. */
  readonly id: number;
  readonly tokenHash: Uint8Array;
  readonly userId: UserId;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  readonly expiresAt: Date;
}

/** A resume token that logged a connection in: whose it is, and which of theirs. */
export interface ResumedToken {
  readonly user: UserRecord;
  readonly tokenId: number;
}

/**
 * A password change (`change_password`): the new verifier and key backup replace the old ones only if
 * the verifier is still the one checked (`expectedVerifier`), so of two changes made at once with the
 * old password one wins. Every token of the user is revoked, and one new token, `token`, is stored for
 * the session that made the change.
 */
export interface PasswordChange {
  readonly userId: UserId;
  readonly expectedVerifier: Uint8Array;
  readonly verifier: Uint8Array;
  readonly salt: Uint8Array;
  readonly kdf: string;
  readonly keyBackup: Uint8Array | null;
  readonly token: { readonly tokenHash: Uint8Array; readonly ttlMs: number };
}

export interface ChatStore {
  /** @throws NameTakenError when the name exists in any case */
  createUser(user: NewUser): Promise<UserRecord>;
  /** Case-insensitive lookup. */
  credentialsByName(name: string): Promise<Credentials | undefined>;
  usersById(ids: readonly UserId[]): Promise<UserRecord[]>;
  /** Ordered by id. */
  listUsers(options: ListUsersOptions): Promise<UserRecord[]>;
  setLastSeen(userId: UserId, at: Date): Promise<void>;
  /** Replaces the user's published public key and key backup (after a key import or rotation). */
  setKeys(userId: UserId, keys: SetKeys): Promise<UserRecord>;

  /**
   * Stores a resume token, deletes the user's oldest beyond `keep`, and sweeps some expired tokens of
   * anyone. Returns the token's id, or undefined (nothing stored) when `expectedVerifier` is not the
   * user's verifier any more. @throws NotFoundError when the user does not exist
   */
  addResumeToken(token: NewResumeToken): Promise<number | undefined>;
  /** The user and id of an unexpired token, its last use set to now; undefined for an unknown or expired one. */
  useResumeToken(tokenHash: Uint8Array): Promise<ResumedToken | undefined>;
  /** Deletes the token; false when there was none. */
  revokeResumeToken(tokenHash: Uint8Array): Promise<boolean>;
  /** Deletes the user's token with this id; false when the user has none by that id. */
  revokeResumeTokenOf(userId: UserId, tokenId: number): Promise<boolean>;
  /**
   * Replaces the password verifier and key backup, revokes every token of the user and stores the new
   * one, in one transaction. Undefined (and nothing changed) when the verifier is no longer the
   * expected one. @throws NotFoundError when the user does not exist
   */
  changePassword(change: PasswordChange): Promise<ResumedToken | undefined>;
  /** The user's stored tokens, newest first (expired ones not yet swept included). */
  resumeTokensOf(userId: UserId): Promise<ResumeTokenRecord[]>;

  /**
   * The direct conversation of two distinct users, created on first use with both as members.
   * @throws NotFoundError when either user does not exist
   * @throws ConflictError when `a` and `b` are the same user
   */
  directConversation(a: UserId, b: UserId): Promise<ConversationId>;
  /**
   * `blocker` takes no direct messages and no group adds from `blocked`; false when it already did.
   * @throws NotFoundError for a missing user, ConflictError for oneself or past `max` blocks
   */
  block(blocker: UserId, blocked: UserId, max: number): Promise<boolean>;
  /** Lifts a block; false when there was none. */
  unblock(blocker: UserId, blocked: UserId): Promise<boolean>;
  /** Whom `blocker` blocked, oldest block first. */
  blockedBy(blocker: UserId): Promise<UserId[]>;
  /** Whether `blocker` blocked `blocked`. */
  isBlocked(blocker: UserId, blocked: UserId): Promise<boolean>;
  /**
   * Creates a group with `creatorId` as admin and `memberIds` as members (the creator may be
   * listed or not), and writes its `created` and one `member_added` event per other member.
   * @throws NotFoundError when a member does not exist
   * @throws ConflictError when a member is already in `limits.groupsPerUser` groups, or the group would pass `limits.membersPerGroup`
   */
  createGroup(
    creatorId: UserId,
    name: string,
    memberIds: readonly UserId[],
    limits?: MembershipLimits,
  ): Promise<{ conversation: ConversationRecord; events: MessageRecord[] }>;
  /**
   * Applies one membership change by `actorId` and returns the event it wrote. add, remove and rename
   * need an admin; leave needs a member. Removing or leaving ends the membership window at the event.
   * `limits` bound an `add`, as in createGroup.
   * @throws ForbiddenError, NotFoundError, ConflictError (already a member / not a member / direct conversation / a limit)
   */
  changeMembership(
    actorId: UserId,
    conversationId: ConversationId,
    change: MembershipChange,
    limits?: MembershipLimits,
  ): Promise<MessageRecord>;
  /** The conversation and every membership it ever had, or undefined. */
  conversationMembers(conversationId: ConversationId): Promise<{ conversation: ConversationRecord; members: MemberRecord[] } | undefined>;
  /** The user's membership of the conversation as committed now (fresher than any cache), or undefined if never one. */
  memberOf(conversationId: ConversationId, userId: UserId): Promise<MemberRecord | undefined>;
  /** Every conversation the user is or was a member of, as they see it, ordered by id. */
  conversationsOf(userId: UserId): Promise<MembershipRecord[]>;

  /**
   * Commits a batch in one transaction, in order: per item, the membership check, the sequence
   * number, the insert. Outcomes are in the same order as `items`. Throws only when the whole batch
   * failed (then nothing was stored).
   */
  commitMessages(items: readonly SendItem[]): Promise<SendOutcomeRecord[]>;
  /** Rows with `afterSeq < seq <= throughSeq` (no upper bound when null), ascending, at most `limit`. */
  messagesAfter(conversationId: ConversationId, afterSeq: number, throughSeq: number | null, limit: number): Promise<MessageRecord[]>;
  /** The `limit` rows just before `beforeSeq` and above `floorSeq`, ascending. */
  messagesBefore(conversationId: ConversationId, beforeSeq: number, floorSeq: number, limit: number): Promise<MessageRecord[]>;
  /**
   * Raises the user's delivered / read cursors (never lowers them; read implies delivered), capped at
   * what the user may see. Returns the cursors after the change.
   * @throws NotFoundError when the user was never a member
   */
  advanceCursors(
    userId: UserId,
    conversationId: ConversationId,
    cursors: { delivered?: number; read?: number },
  ): Promise<{ deliveredSeq: number; readSeq: number }>;
  /**
   * Raises many delivered cursors in one statement, each as advanceCursors would (never lowered, capped
   * at what the user may see); a mark for a user who is no member is passed over. At most one mark per
   * user and conversation.
   */
  advanceDelivered(marks: readonly DeliveredMark[]): Promise<void>;

  /**
   * Sends `payload` to every connection listening on `channel` (PostgreSQL NOTIFY, at most 8000 bytes;
   * docs/deploy.md): how nodes sharing a database tell each other what happened. On the embedded
   * database nobody listens, and the payload goes nowhere.
   */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * PostgreSQL server only (absent on the embedded database): receives every NOTIFY on `channel` over a
   * dedicated connection, as `Database.listen` says (reconnects with backoff, then `onReconnect`: what
   * was sent meanwhile is lost, and the caller catches up from the tables).
   */
  readonly listen: Database['listen'];

  /** Registers (or re-registers) a server process, with a fresh heartbeat. */
  registerNode(node: { id: string; host: string; ports: readonly number[] }): Promise<void>;
  /**
   * Records that the node is alive, with its connection count. False when it is not registered (any
   * more): another node reaped it as dead, and it must register again.
   */
  heartbeatNode(id: string, connections: number): Promise<boolean>;
  /**
   * Ids of the nodes whose LISTEN connection (named by sql/nodes.ts nodeApplicationName) is open now:
   * a node that died drops out at once, whatever its heartbeat says. PostgreSQL server only.
   */
  listeningNodes(): Promise<Set<string>>;
  /** Nodes whose last heartbeat is at most `maxAgeMs` old (by the database's clock), ordered by id. */
  liveNodes(maxAgeMs: number): Promise<NodeRecord[]>;
  /**
   * Unregisters the node and clears its presence; returns the users then online on no node live
   * within `nodeTimeoutMs` (any registered node when omitted), their last_seen set to now.
   */
  removeNode(id: string, nodeTimeoutMs?: number): Promise<OfflineUser[]>;

  /*
   * Cluster-wide presence (server databases only: the embedded one keeps presence in memory). A user
   * is online while they have a session on a live node: one whose heartbeat is at most
   * `nodeTimeoutMs` old. Concurrent changes of one user are serialised, so that of several nodes
   * changing a user at once, one sees the user come online / go offline everywhere.
   */

  /**
   * Records that `userId` has a session on node `nodeId`; returns whether they already had one on
   * another live node (then nobody needs to be told they came online).
   * @throws NodeNotRegisteredError when the node is not registered (it was reaped or has left)
   */
  markOnline(nodeId: string, userId: UserId, nodeTimeoutMs: number): Promise<boolean>;
  /**
   * Records that `userId` has no session left on node `nodeId`; returns whether they are still online
   * on a live node (else they just went offline everywhere).
   */
  markOffline(nodeId: string, userId: UserId, nodeTimeoutMs: number): Promise<boolean>;
  /** Those of `userIds` online on a live node. */
  onlineAmong(userIds: readonly UserId[], nodeTimeoutMs: number): Promise<Set<UserId>>;
  /**
   * Unregisters every node whose heartbeat is older than `nodeTimeoutMs`, with its presence, and
   * returns the users then online nowhere, their last_seen raised to their node's last heartbeat.
   * Each dead node is reaped by one caller only, however many reap at once, so its users are
   * reported once.
   */
  reapDeadNodes(nodeTimeoutMs: number): Promise<OfflineUser[]>;

  close(): Promise<void>;
}
