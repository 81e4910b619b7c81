/**
 * What counts as unread for a member: `message` rows from the others after their read cursor,
 * inside their window. A group with a legacy member stores one row per recipient (docs/legacy.md §
 * Messages); the copies addressed to someone else are never shown to this member, so they are not
 * counted either. Those copies are recognised by the start of their body, a MessagePack map
 * `{legacy: 1, to: <user id>, …}` (docs/protocol.md § Shapes), compared as bytes in SQL.
 */
import type { UserId } from '../chat-store.js';

/** `0x83` (map of 3), `"legacy"`, `1`, `"to"`: the bytes every legacy body starts with. */
const LEGACY_HEAD = Uint8Array.from([0x83, 0xa6, ...Buffer.from('legacy'), 0x01, 0xa2, ...Buffer.from('to')]);

/** MessagePack's shortest encoding of a user id (what msgpackr writes for a positive integer). */
function packedId(id: UserId): Uint8Array {
  if (id < 0x80) return Uint8Array.of(id);
  if (id < 0x100) return Uint8Array.of(0xcc, id);
  if (id < 0x10000) return Uint8Array.of(0xcd, id >> 8, id & 0xff);
  return Uint8Array.of(0xce, (id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff);
}

/** The parameters of UNREAD_SQL for one viewer: the legacy head, and the head of a copy for them. */
export function unreadParams(userId: UserId): [Uint8Array, Uint8Array] {
  return [LEGACY_HEAD, Uint8Array.from([...LEGACY_HEAD, ...packedId(userId)])];
}

/**
 * A lateral subquery giving `unread` for the membership row `self` of conversation `c`; $1 is the
 * viewer's id, $2 and $3 the parameters of unreadParams.
 */
export const UNREAD_SQL = `LEFT JOIN LATERAL (
       SELECT count(*) AS unread FROM messages AS u
       WHERE u.conversation_id = self.conversation_id AND u.kind = 'message' AND u.sender_id <> $1
         AND u.seq > GREATEST(self.read_seq, self.joined_seq) AND u.seq <= coalesce(self.left_seq, c.last_seq)
         AND (substring(u.body from 1 for length($2::bytea)) <> $2::bytea
              OR substring(u.body from 1 for length($3::bytea)) = $3::bytea)
     ) AS unread_ ON true`;
