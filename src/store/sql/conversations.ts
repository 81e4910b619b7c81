/** Conversations: direct pairs, new groups, and who is in what. */
import { randomUUID } from 'node:crypto';
import type {
  ConversationId,
  ConversationRecord,
  MembershipRecord,
  MemberRecord,
  MembershipLimits,
  MessageRecord,
  UserId,
} from '../chat-store.js';
import type { Database, Queryable } from '../database.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { blockersAmong } from './blocks.js';
import {
  CONVERSATION_COLUMNS,
  type ConversationRow,
  distinct,
  MEMBER_COLUMNS,
  type MemberRow,
  toConversationRecord,
  toMemberRecord,
} from './rows.js';
import { UNREAD_SQL, unreadParams } from './unread.js';
import { appendRows, type NewRow } from './sequence.js';

export async function directConversation(db: Database, a: UserId, b: UserId): Promise<ConversationId> {
  if (a === b) throw new ConflictError('a direct conversation is between two different users');
  const key = `${Math.min(a, b)}:${Math.max(a, b)}`;
  // Usually it exists: one indexed read, no transaction.
  const existing = await conversationByKey(db, key);
  if (existing !== undefined) return existing;

  return db.transaction(async (tx) => {
    await assertUsersExist(tx, [a, b]);
    // A concurrent creator makes this wait for its commit, then do nothing; the SELECT after it
    // (a new statement, so a new snapshot) then sees that conversation.
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO conversations (kind, direct_key) VALUES ('direct', $1)
       ON CONFLICT (direct_key) DO NOTHING
       RETURNING id`,
      [key],
    );
    const created = rows[0]?.id;
    if (created === undefined) return (await conversationByKey(tx, key))!;
    await tx.query(
      `INSERT INTO members (conversation_id, user_id, role, joined_seq)
       SELECT $1, u.id, 'member', 0 FROM unnest($2::bigint[]) AS u(id)`,
      [created, [a, b]],
    );
    return created;
  });
}

async function conversationByKey(db: Queryable, key: string): Promise<ConversationId | undefined> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM conversations WHERE direct_key = $1', [key]);
  return rows[0]?.id;
}

export async function createGroup(
  db: Database,
  creatorId: UserId,
  name: string,
  memberIds: readonly UserId[],
  limits: MembershipLimits,
): Promise<{ conversation: ConversationRecord; events: MessageRecord[] }> {
  const others = distinct(memberIds).filter((id) => id !== creatorId);
  const everyone = [creatorId, ...others];
  // Counted before any query: a group too big is refused without touching the database.
  if (everyone.length > limits.membersPerGroup) {
    throw new ConflictError(`a group can have at most ${limits.membersPerGroup} members (${everyone.length} given, you included)`);
  }
  return db.transaction(async (tx) => {
    await assertUsersExist(tx, everyone);
    await assertNotBlocked(tx, creatorId, others);
    await assertRoomInGroups(tx, everyone, limits.groupsPerUser);
    const { rows } = await tx.query<ConversationRow>(
      `INSERT INTO conversations AS c (kind, name) VALUES ('group', $1)
       RETURNING ${CONVERSATION_COLUMNS}`,
      [name],
    );
    const row = rows[0]!;
    await tx.query(
      `INSERT INTO members (conversation_id, user_id, role, joined_seq)
       SELECT $1, u.id, CASE WHEN u.id = $2 THEN 'admin' ELSE 'member' END, 0
       FROM unnest($3::bigint[]) AS u(id)`,
      [row.id, creatorId, everyone],
    );
    const event = (kind: NewRow['kind'], body: Uint8Array, subjectId: UserId | null): NewRow => ({
      conversationId: row.id,
      senderId: creatorId,
      clientId: eventClientId(),
      kind,
      body,
      subjectId,
    });
    const events = await appendRows(tx, [
      event('created', new TextEncoder().encode(name), null),
      ...others.map((id) => event('member_added', new Uint8Array(0), id)),
    ]);
    return { conversation: { ...toConversationRecord(row), lastSeq: events.at(-1)!.seq }, events };
  });
}

/** @throws ForbiddenError naming those of `candidates` who blocked `actor`: they cannot be put into a group by them */
export async function assertNotBlocked(tx: Queryable, actor: UserId, candidates: readonly UserId[]): Promise<void> {
  const blockers = await blockersAmong(tx, actor, candidates);
  if (blockers.length === 0) return;
  const { rows } = await tx.query<{ name: string }>('SELECT name FROM users WHERE id = ANY($1::bigint[]) ORDER BY lower(name)', [blockers]);
  const names = rows.map((row) => row.name).join(', ');
  throw new ForbiddenError(`${names} ${blockers.length === 1 ? 'does' : 'do'} not accept group adds from you`);
}

/**
 * @throws ConflictError naming those of `newcomers` already in `max` groups: one more would pass it.
 * Their user rows are locked first (in id order, so two transactions never wait on each other), so
 * adds of one user to two groups at once, on any node, are counted one after the other. The lock is
 * NO KEY UPDATE: rows that merely reference the user (their messages, their memberships) still go in.
 */
export async function assertRoomInGroups(tx: Queryable, newcomers: readonly UserId[], max: number): Promise<void> {
  await tx.query('SELECT id FROM users WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE', [newcomers]);
  const { rows } = await tx.query<{ name: string }>(
    `SELECT u.name FROM users AS u
     WHERE u.id = ANY($1::bigint[])
       AND (SELECT count(*) FROM members AS m JOIN conversations AS c ON c.id = m.conversation_id
            WHERE m.user_id = u.id AND m.left_seq IS NULL AND c.kind = 'group') >= $2
     ORDER BY lower(u.name)`,
    [newcomers, max],
  );
  if (rows.length === 0) return;
  const names = rows.map((row) => row.name).join(', ');
  throw new ConflictError(
    `${names} ${rows.length === 1 ? 'is' : 'are'} already in ${max} groups, the most one user can be in: ${rows.length === 1 ? 'they' : 'each'} must leave one first`,
  );
}

/** A client id for an event the server writes: unique, and unlike anything a client may choose. */
export function eventClientId(): string {
  return `event:${randomUUID()}`;
}

/** @throws NotFoundError naming the ids among `ids` that are no user's */
export async function assertUsersExist(tx: Queryable, ids: readonly UserId[]): Promise<void> {
  const { rows } = await tx.query<{ id: number }>('SELECT id FROM users WHERE id = ANY($1::bigint[])', [ids]);
  const found = new Set(rows.map((row) => row.id));
  const missing = distinct(ids).filter((id) => !found.has(id));
  if (missing.length > 0) throw new NotFoundError(`no user with id ${missing.join(', ')}`);
}

interface ConversationMemberRow extends ConversationRow, Partial<MemberRow> {}

export async function conversationMembers(
  db: Queryable,
  conversationId: ConversationId,
): Promise<{ conversation: ConversationRecord; members: MemberRecord[] } | undefined> {
  // One statement, so the conversation and its members come from one snapshot.
  const { rows } = await db.query<ConversationMemberRow>(
    `SELECT ${CONVERSATION_COLUMNS}, ${MEMBER_COLUMNS}
     FROM conversations AS c LEFT JOIN members AS m ON m.conversation_id = c.id
     WHERE c.id = $1
     ORDER BY m.user_id`,
    [conversationId],
  );
  const first = rows[0];
  if (first === undefined) return undefined;
  const members = rows.filter((row) => row.user_id != null).map((row) => toMemberRecord(row as MemberRow));
  return { conversation: toConversationRecord(first), members };
}

export async function memberOf(db: Queryable, conversationId: ConversationId, userId: UserId): Promise<MemberRecord | undefined> {
  const { rows } = await db.query<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM members AS m WHERE m.conversation_id = $1 AND m.user_id = $2`, [
    conversationId,
    userId,
  ]);
  return rows[0] === undefined ? undefined : toMemberRecord(rows[0]);
}

interface ViewRow extends ConversationRow, MemberRow {
  /** For a group the user has left: its name as of their leaving (the last `created`/`renamed` by then). */
  name_then: string | null | undefined;
  unread: number;
}

export async function conversationsOf(db: Queryable, userId: UserId): Promise<MembershipRecord[]> {
  // Per conversation of the user: their own membership row, and every current member's. A group
  // the user left shows the name it had then: later renames are none of their business.
  const { rows } = await db.query<ViewRow>(
    `SELECT ${CONVERSATION_COLUMNS}, ${MEMBER_COLUMNS}, then_.name_then, unread_.unread
     FROM members AS self
     JOIN conversations AS c ON c.id = self.conversation_id
     LEFT JOIN LATERAL (
       SELECT convert_from(e.body, 'UTF8') AS name_then FROM messages AS e
       WHERE self.left_seq IS NOT NULL AND e.conversation_id = self.conversation_id
         AND e.seq <= self.left_seq AND e.kind IN ('created', 'renamed')
       ORDER BY e.seq DESC LIMIT 1
     ) AS then_ ON true
     ${UNREAD_SQL}
     JOIN members AS m ON m.conversation_id = c.id AND (m.left_seq IS NULL OR m.user_id = $1)
     WHERE self.user_id = $1
     ORDER BY c.id, m.user_id`,
    [userId, ...unreadParams(userId)],
  );
  const views: MembershipRecord[] = [];
  for (let start = 0; start < rows.length;) {
    let end = start;
    while (end < rows.length && rows[end]!.id === rows[start]!.id) end++;
    const group = rows.slice(start, end);
    const conversation = toConversationRecord(group[0]!);
    const nameThen = group[0]!.name_then;
    views.push({
      conversation: nameThen == null ? conversation : { ...conversation, name: nameThen },
      self: toMemberRecord(group.find((row) => row.user_id === userId)!),
      members: group.filter((row) => row.left_seq === null).map(toMemberRecord),
      unread: group[0]!.unread,
    });
    start = end;
  }
  return views;
}
