/**
 * Rows as the database returns them, the column lists that select them, and their mapping to the
 * records of chat-store.ts. Both backends return bigint columns as numbers and timestamptz as Date
 * (database.ts), so mapping is renaming, plus one view type for bytes.
 */
import type {
  ConversationKind,
  ConversationRecord,
  MemberRecord,
  MemberRole,
  MessageKind,
  MessageRecord,
  UserKind,
  UserRecord,
} from '../chat-store.js';

export const USER_COLUMNS = 'u.id, u.name, u.kind, u.public_key, u.legacy_key, u.key_proof, u.created_at, u.last_seen';

export interface UserRow extends Record<string, unknown> {
  id: number;
  name: string;
  kind: UserKind;
  public_key: Uint8Array | null;
  legacy_key: Uint8Array | null;
  key_proof: Uint8Array | null;
  created_at: Date;
  last_seen: Date | null;
}

export function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    publicKey: row.public_key === null ? null : plainBytes(row.public_key),
    legacyKey: row.legacy_key === null ? null : plainBytes(row.legacy_key),
    keyProof: row.key_proof === null ? null : plainBytes(row.key_proof),
    createdAt: row.created_at,
    lastSeen: row.last_seen,
  };
}

export const CONVERSATION_COLUMNS = 'c.id, c.kind, c.name, c.last_seq, c.created_at';

export interface ConversationRow extends Record<string, unknown> {
  id: number;
  kind: ConversationKind;
  name: string | null;
  last_seq: number;
  created_at: Date;
}

export function toConversationRecord(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    lastSeq: row.last_seq,
    createdAt: row.created_at,
  };
}

export const MEMBER_COLUMNS = 'm.user_id, m.role, m.joined_seq, m.left_seq, m.delivered_seq, m.read_seq';

export interface MemberRow extends Record<string, unknown> {
  user_id: number;
  role: MemberRole;
  joined_seq: number;
  left_seq: number | null;
  delivered_seq: number;
  read_seq: number;
}

export function toMemberRecord(row: MemberRow): MemberRecord {
  return {
    userId: row.user_id,
    role: row.role,
    joinedSeq: row.joined_seq,
    leftSeq: row.left_seq,
    deliveredSeq: row.delivered_seq,
    readSeq: row.read_seq,
  };
}

export const MESSAGE_COLUMNS = 'g.mid, g.conversation_id, g.seq, g.sender_id, g.client_id, g.kind, g.body, g.subject_id, g.created_at';

export interface MessageRow extends Record<string, unknown> {
  mid: number;
  conversation_id: number;
  seq: number;
  sender_id: number;
  client_id: string;
  kind: MessageKind;
  body: Uint8Array;
  subject_id: number | null;
  created_at: Date;
}

export function toMessageRecord(row: MessageRow): MessageRecord {
  return {
    mid: row.mid,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    clientId: row.client_id,
    kind: row.kind,
    body: plainBytes(row.body),
    subjectId: row.subject_id,
    createdAt: row.created_at,
  };
}

/**
 * The same bytes as a plain Uint8Array, without copying: pg returns bytea as a Buffer, PGlite as a
 * Uint8Array, and callers (and deep equality in tests) should not see the difference.
 */
export function plainBytes(data: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(data) === Uint8Array.prototype ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** PostgreSQL error fields the store reacts to; both drivers put them on the thrown error. */
export function sqlState(error: unknown): { code?: string; constraint?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof constraint === 'string' ? { constraint } : {}),
  };
}

/** PostgreSQL's unique_violation. */
export const UNIQUE_VIOLATION = '23505';

/** The distinct values of `values`, in first-seen order. */
export function distinct<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
