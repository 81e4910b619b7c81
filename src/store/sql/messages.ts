/** The hot path: committing batches of messages; and reading them back. */
import type { ConversationId, DeliveredMark, MessageRecord, SendItem, SendOutcomeRecord, UserId } from '../chat-store.js';
import type { Database, Queryable } from '../database.js';
import { NotFoundError } from '../errors.js';
import { MESSAGE_COLUMNS, type MessageRow, sqlState, toMessageRecord, UNIQUE_VIOLATION } from './rows.js';

/**
 * How often a batch is tried. A retry is needed only when another process commits the same sender
 * and client id, in another conversation, between our duplicate check and our insert: rare, and
 * the next try finds it as a duplicate.
 */
const COMMIT_ATTEMPTS = 5;

/** The unique (sender_id, client_id) constraint in schema.sql. */
const RESEND_KEY = 'messages_sender_client_key';

export async function commitMessages(db: Database, items: readonly SendItem[]): Promise<SendOutcomeRecord[]> {
  if (items.length === 0) return [];
  for (let attempt = 1; ; attempt++) {
    try {
      return await commitBatch(db, items);
    } catch (error) {
      if (attempt >= COMMIT_ATTEMPTS || !isTransient(error)) throw error;
      // Rolled back, so no seq was used: trying again leaves no gap.
    }
  }
}

/** A failure that another try of the same batch can avoid. */
function isTransient(error: unknown): boolean {
  const { code, constraint } = sqlState(error);
  // 40P01 deadlock_detected and 40001 serialization_failure: not expected with ordered locks,
  // but PostgreSQL's advice for both is to retry.
  return (code === UNIQUE_VIOLATION && constraint === RESEND_KEY) || code === '40P01' || code === '40001';
}

interface CommitRow extends Partial<MessageRow> {
  ord: number;
  status: 'stored' | 'duplicate' | 'forbidden' | 'blocked';
}

// schema.sql § Version 7: lock, check and append in one call, one round trip, its own transaction.
const COMMIT_SQL = `SELECT ord, status, mid, conversation_id, seq, sender_id, client_id, kind, body, subject_id, created_at
  FROM fastchat_commit_messages($1::bigint[], $2::bigint[], $3::text[], $4::bytea[])`;

/**
 * One statement whatever the batch size (the function in schema.sql decides every item in order, as
 * if committed one by one: the same client id twice in a batch is stored once, the second being a
 * duplicate of the first).
 */
async function commitBatch(db: Database, items: readonly SendItem[]): Promise<SendOutcomeRecord[]> {
  const { rows } = await db.query<CommitRow>(COMMIT_SQL, [
    items.map((item) => item.conversationId),
    items.map((item) => item.senderId),
    items.map((item) => item.clientId),
    items.map((item) => item.body),
  ]);
  const outcomes = new Array<SendOutcomeRecord>(items.length);
  for (const row of rows) {
    outcomes[row.ord - 1] =
      row.status === 'forbidden'
        ? { status: 'forbidden' }
        : row.status === 'blocked'
          ? { status: 'forbidden', blocked: true }
          : { status: row.status, message: toMessageRecord(row as MessageRow) };
  }
  return outcomes;
}

export async function messagesAfter(
  db: Queryable,
  conversationId: ConversationId,
  afterSeq: number,
  throughSeq: number | null,
  limit: number,
): Promise<MessageRecord[]> {
  const { rows } = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages AS g
     WHERE g.conversation_id = $1 AND g.seq > $2 AND ($3::bigint IS NULL OR g.seq <= $3::bigint)
     ORDER BY g.seq
     LIMIT $4`,
    [conversationId, afterSeq, throughSeq, limit],
  );
  return rows.map(toMessageRecord);
}

export async function messagesBefore(
  db: Queryable,
  conversationId: ConversationId,
  beforeSeq: number,
  floorSeq: number,
  limit: number,
): Promise<MessageRecord[]> {
  const { rows } = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages AS g
     WHERE g.conversation_id = $1 AND g.seq < $2 AND g.seq > $3
     ORDER BY g.seq DESC
     LIMIT $4`,
    [conversationId, beforeSeq, floorSeq, limit],
  );
  return rows.map(toMessageRecord).reverse();
}

/** advanceCursors' delivered half for many users and conversations, in one statement. */
export async function advanceDelivered(db: Queryable, marks: readonly DeliveredMark[]): Promise<void> {
  if (marks.length === 0) return;
  await db.query(
    `UPDATE members AS m SET
       delivered_seq = GREATEST(m.delivered_seq, LEAST(v.seq, coalesce(m.left_seq, c.last_seq)))
     FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS v(user_id, conversation_id, seq), conversations AS c
     WHERE m.user_id = v.user_id AND m.conversation_id = v.conversation_id AND c.id = m.conversation_id`,
    [marks.map((m) => m.userId), marks.map((m) => m.conversationId), marks.map((m) => m.delivered)],
  );
}

export async function advanceCursors(
  db: Queryable,
  userId: UserId,
  conversationId: ConversationId,
  cursors: { delivered?: number; read?: number },
): Promise<{ deliveredSeq: number; readSeq: number }> {
  const read = cursors.read ?? 0;
  const delivered = Math.max(cursors.delivered ?? 0, read); // read implies delivered
  // GREATEST keeps them monotonic; LEAST caps them at the last seq the member may see. The
  // conversation row is only read, not locked: a cap a moment old is still a seq they may see.
  const { rows } = await db.query<{ delivered_seq: number; read_seq: number }>(
    `UPDATE members AS m SET
       delivered_seq = GREATEST(m.delivered_seq, LEAST($3::bigint, coalesce(m.left_seq, c.last_seq))),
       read_seq = GREATEST(m.read_seq, LEAST($4::bigint, coalesce(m.left_seq, c.last_seq)))
     FROM conversations AS c
     WHERE m.conversation_id = $1 AND m.user_id = $2 AND c.id = m.conversation_id
     RETURNING m.delivered_seq, m.read_seq`,
    [conversationId, userId, delivered, read],
  );
  const row = rows[0];
  if (row === undefined) {
    throw new NotFoundError('you were never a member of this conversation');
  }
  return { deliveredSeq: row.delivered_seq, readSeq: row.read_seq };
}
