/** Membership changes in groups: add, remove, leave, rename, each written as an event. */
import type { ConversationId, MembershipChange, MembershipLimits, MessageKind, MessageRecord, UserId } from '../chat-store.js';
import type { Database, Queryable } from '../database.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { assertNotBlocked, assertRoomInGroups, eventClientId } from './conversations.js';
import { appendRows, lockConversations } from './sequence.js';

interface Membership extends Record<string, unknown> {
  role: 'admin' | 'member';
  left_seq: number | null;
}

export async function changeMembership(
  db: Database,
  actorId: UserId,
  conversationId: ConversationId,
  change: MembershipChange,
  limits: MembershipLimits,
): Promise<MessageRecord> {
  return db.transaction(async (tx) => {
    // The lock first: every check below then holds until the event commits.
    const conversation = (await lockConversations(tx, [conversationId])).get(conversationId);
    // The errors go to the actor, so they speak to them ("you") and name the group and the subject.
    if (conversation === undefined) {
      throw new NotFoundError('no such conversation');
    }
    const actor = await membershipOf(tx, conversationId, actorId);
    // Only a member, or a former one by the name it had when they left, learns the group's name.
    const name =
      actor === undefined ? null : actor.left_seq === null ? conversation.name : await nameAsOf(tx, conversationId, actor.left_seq);
    const group = name === null ? 'this conversation' : `#${name}`;
    if (actor === undefined || actor.left_seq !== null) {
      throw new ForbiddenError(`you are not a member of ${group}`);
    }
    if (conversation.kind === 'direct') {
      throw new ConflictError('the members of a direct conversation cannot change');
    }
    if (change.type !== 'leave' && actor.role !== 'admin') {
      throw new ForbiddenError(`you are not an admin of ${group}: only its admins can add, remove or rename`);
    }

    const append = async (kind: MessageKind, subjectId: UserId | null, body = new Uint8Array(0)) => {
      const [event] = await appendRows(tx, [{ conversationId, senderId: actorId, clientId: eventClientId(), kind, body, subjectId }]);
      return event!;
    };

    switch (change.type) {
      case 'add': {
        const subject = await subjectOf(tx, conversationId, change.userId);
        if (subject !== null && subject.left_seq === null) {
          throw new ConflictError(`${await userName(tx, change.userId)} is already a member of ${group}`);
        }
        await assertNotBlocked(tx, actorId, [change.userId]);
        // The conversation is locked: no other add can pass the count between here and the commit.
        const { rows: counted } = await tx.query<{ n: number | string }>(
          'SELECT count(*) AS n FROM members WHERE conversation_id = $1 AND left_seq IS NULL',
          [conversationId],
        );
        if (Number(counted[0]!.n) >= limits.membersPerGroup) {
          throw new ConflictError(`${group} has ${limits.membersPerGroup} members, the most a group can have`);
        }
        await assertRoomInGroups(tx, [change.userId], limits.groupsPerUser);
        const event = await append('member_added', change.userId);
        // The window opens just before the event, so the new member sees their own addition. A
        // former member gets a new window in their old row; their cursors are kept (monotonic).
        await tx.query(
          `INSERT INTO members (conversation_id, user_id, role, joined_seq) VALUES ($1, $2, 'member', $3)
           ON CONFLICT (conversation_id, user_id)
           DO UPDATE SET role = 'member', joined_seq = EXCLUDED.joined_seq, left_seq = NULL`,
          [conversationId, change.userId, event.seq - 1],
        );
        return event;
      }
      case 'remove': {
        const subject = await subjectOf(tx, conversationId, change.userId);
        if (subject === null || subject.left_seq !== null) {
          throw new ConflictError(`${await userName(tx, change.userId)} is not a member of ${group}`);
        }
        const event = await append('member_removed', change.userId);
        await endWindow(tx, conversationId, change.userId, event.seq);
        return event;
      }
      case 'leave': {
        const event = await append('member_left', actorId);
        await endWindow(tx, conversationId, actorId, event.seq);
        return event;
      }
      case 'rename': {
        const event = await append('renamed', null, new TextEncoder().encode(change.name));
        await tx.query('UPDATE conversations SET name = $2 WHERE id = $1', [conversationId, change.name]);
        return event;
      }
    }
  });
}

async function membershipOf(tx: Queryable, conversationId: ConversationId, userId: UserId): Promise<Membership | undefined> {
  const { rows } = await tx.query<Membership>('SELECT role, left_seq FROM members WHERE conversation_id = $1 AND user_id = $2', [
    conversationId,
    userId,
  ]);
  return rows[0];
}

/**
 * The membership of the user a change is about: null when they were never a member.
 * @throws NotFoundError when there is no such user
 */
async function subjectOf(tx: Queryable, conversationId: ConversationId, userId: UserId): Promise<Membership | null> {
  const { rows } = await tx.query<Membership & { member: boolean }>(
    `SELECT m.user_id IS NOT NULL AS member, m.role, m.left_seq
     FROM users AS u LEFT JOIN members AS m ON m.user_id = u.id AND m.conversation_id = $1
     WHERE u.id = $2`,
    [conversationId, userId],
  );
  const row = rows[0];
  if (row === undefined) throw new NotFoundError('no such user');
  return row.member ? row : null;
}

/** A group's name as it was at `seq` (the last `created` or `renamed` event by then). */
async function nameAsOf(tx: Queryable, conversationId: ConversationId, seq: number): Promise<string | null> {
  const { rows } = await tx.query<{ name: string }>(
    `SELECT convert_from(body, 'UTF8') AS name FROM messages
     WHERE conversation_id = $1 AND seq <= $2 AND kind IN ('created', 'renamed')
     ORDER BY seq DESC LIMIT 1`,
    [conversationId, seq],
  );
  return rows[0]?.name ?? null;
}

/** A user's name, for an error that names them (the user exists: subjectOf found them). */
async function userName(tx: Queryable, userId: UserId): Promise<string> {
  const { rows } = await tx.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [userId]);
  return rows[0]?.name ?? 'that user';
}

/** Ends a membership window at `seq`, the removal or leaving event (which the user still sees). */
async function endWindow(tx: Queryable, conversationId: ConversationId, userId: UserId, seq: number) {
  await tx.query('UPDATE members SET left_seq = $3 WHERE conversation_id = $1 AND user_id = $2', [conversationId, userId, seq]);
}
