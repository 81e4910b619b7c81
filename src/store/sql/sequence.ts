/**
 * Conversation sequences: locking conversations, and appending rows (messages and membership
 * events alike) with gapless seqs. Everything that must be atomic with a new seq (a membership
 * check, an admin check) runs after lockConversations, in the same transaction.
 */
import type { ConversationId, MessageKind, MessageRecord, UserId } from '../chat-store.js';
import type { Queryable } from '../database.js';
import { plainBytes, CONVERSATION_COLUMNS, type ConversationRow } from './rows.js';

/** A row to append to a conversation's sequence. */
export interface NewRow {
  readonly conversationId: ConversationId;
  readonly senderId: UserId;
  readonly clientId: string;
  readonly kind: MessageKind;
  readonly body: Uint8Array;
  readonly subjectId: UserId | null;
}

// FOR NO KEY UPDATE is the lock the seq UPDATE takes anyway; taking it first, in id order, means
// concurrent batches naming the same conversations queue instead of deadlocking, and that what is
// checked after it (membership, roles) cannot change before the rows commit: every change to
// membership takes the same lock. (FOR UPDATE would also block foreign-key checks on members.)
const LOCK_SQL = `
  SELECT ${CONVERSATION_COLUMNS} FROM conversations AS c
  WHERE c.id = ANY($1::bigint[])
  ORDER BY c.id
  FOR NO KEY UPDATE`;

/**
 * Locks the conversations that exist among `ids` until the transaction ends, and returns them as
 * they are now (statements after this one see every change committed before the lock was granted).
 */
export async function lockConversations(tx: Queryable, ids: readonly ConversationId[]): Promise<Map<ConversationId, ConversationRow>> {
  const { rows } = await tx.query<ConversationRow>(LOCK_SQL, [ids]);
  return new Map(rows.map((row) => [row.id, row]));
}

// One statement for any number of rows: the UPDATE raises each conversation's last_seq by its
// number of rows (n) and returns the seq before them (base); the row that is the k-th of its
// conversation in this batch gets base + k. Inserted in batch order, so mids follow seqs.
const APPEND_SQL = `
  WITH allocated AS (
    UPDATE conversations AS c SET last_seq = c.last_seq + a.n
    FROM unnest($1::bigint[], $2::bigint[]) AS a(id, n)
    WHERE c.id = a.id
    RETURNING c.id, c.last_seq - a.n AS base
  )
  INSERT INTO messages (conversation_id, seq, sender_id, client_id, kind, body, subject_id)
  SELECT r.conversation_id, allocated.base + r.k, r.sender_id, r.client_id, r.kind, r.body, r.subject_id
  FROM unnest($3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::bytea[], $9::bigint[])
    WITH ORDINALITY AS r(conversation_id, k, sender_id, client_id, kind, body, subject_id, ord)
  JOIN allocated ON allocated.id = r.conversation_id
  ORDER BY r.ord
  RETURNING mid, conversation_id, seq, created_at`;

interface AppendedRow extends Record<string, unknown> {
  mid: number;
  conversation_id: number;
  seq: number;
  created_at: Date;
}

/**
 * Appends `rows` to their conversations in order: within a conversation, seqs follow on from its
 * last_seq without gaps, in the order of `rows`. Every conversation must exist (the caller has
 * locked it). Returns the records in the order of `rows`.
 */
export async function appendRows(tx: Queryable, rows: readonly NewRow[]): Promise<MessageRecord[]> {
  if (rows.length === 0) return [];
  const counts = new Map<ConversationId, number>();
  const positions = rows.map((row) => {
    const k = (counts.get(row.conversationId) ?? 0) + 1;
    counts.set(row.conversationId, k);
    return k;
  });
  const { rows: appended } = await tx.query<AppendedRow>(APPEND_SQL, [
    [...counts.keys()],
    [...counts.values()],
    rows.map((row) => row.conversationId),
    positions,
    rows.map((row) => row.senderId),
    rows.map((row) => row.clientId),
    rows.map((row) => row.kind),
    rows.map((row) => row.body),
    rows.map((row) => row.subjectId),
  ]);
  if (appended.length !== rows.length) {
    throw new Error(`appended ${appended.length} of ${rows.length} rows: a conversation is missing`);
  }
  // RETURNING has no input order: find each row again by its (conversation, seq), which is
  // (that conversation's base) + k, and its base is the lowest seq returned for it.
  const bases = new Map<ConversationId, number>();
  for (const row of appended) {
    const base = bases.get(row.conversation_id);
    if (base === undefined || row.seq - 1 < base) bases.set(row.conversation_id, row.seq - 1);
  }
  const byPosition = new Map<string, AppendedRow>();
  for (const row of appended) {
    byPosition.set(`${row.conversation_id}:${row.seq - bases.get(row.conversation_id)!}`, row);
  }
  return rows.map((row, index) => {
    const stored = byPosition.get(`${row.conversationId}:${positions[index]!}`)!;
    return {
      mid: stored.mid,
      conversationId: row.conversationId,
      seq: stored.seq,
      senderId: row.senderId,
      clientId: row.clientId,
      kind: row.kind,
      body: plainBytes(row.body),
      subjectId: row.subjectId,
      createdAt: stored.created_at,
    };
  });
}
