import { entityId, seqNumber, timestamp } from './ids.js';
import { KEY_PROOF_MAX_BYTES, USER_NAME_MAX } from './limits.js';
import { inert } from '../util/inert-text.js';
import { arrayOf, bool, bytes, object, oneOf, optional, str, type Infer, type Schema } from './schema.js';

/** Shapes shared by results and pushes (docs/protocol.md § Shapes). */

/**
 * A name people will read (a user's, a group's), as the server sends it: read into its inert form
 * (util/inert-text.ts). Only clients parse these shapes, so whatever a server sends — one that lies,
 * or a name stored before names were checked — reaches no screen as control codes, whichever part of
 * a client prints it.
 */
function shownName(limits: { min?: number; max: number }): Schema<string> {
  const text = str(limits);
  return { ...text, parse: (value, path) => inert(text.parse(value, path)) };
}

export const userViewSchema = object({
  id: entityId,
  name: shownName({ min: 1, max: 64 }),
  kind: oneOf(['modern', 'legacy'] as const),
  online: bool(),
  /** When the user's last session closed (ms since the epoch); absent while online or if never seen. */
  lastSeen: optional(timestamp),
  publicKey: optional(bytes({ max: 64 * 1024 })),
  /** RSA public key (SPKI DER) for the 2022 legacy scheme (docs/legacy.md); for a legacy user, their only key. */
  legacyKey: optional(bytes({ max: 64 * 1024 })),
  /**
   * The previous key's signature over the change to `publicKey` (docs/crypto.md § Key changes), for
   * contacts to check against the key they pinned; absent for a first key.
   */
  keyProof: optional(bytes({ max: KEY_PROOF_MAX_BYTES })),
});
export type UserView = Infer<typeof userViewSchema>;

export const MESSAGE_KINDS = ['message', 'created', 'member_added', 'member_removed', 'member_left', 'renamed'] as const;

export const messageViewSchema = object({
  conversation: entityId,
  seq: entityId,
  /** Server id of the message. */
  mid: entityId,
  from: entityId,
  cid: str({ min: 1, max: 128 }),
  kind: oneOf(MESSAGE_KINDS),
  /** The sender's ciphertext for `message`; the group name (UTF-8) for `created` and `renamed`; empty otherwise. */
  body: bytes({ max: 1024 * 1024 }),
  /** The user a membership event is about. */
  subject: optional(entityId),
  /** Commit time, ms since the epoch. */
  ts: timestamp,
});
export type MessageView = Infer<typeof messageViewSchema>;

/**
 * A current member, with how far their clients got (docs/protocol.md § Shapes): the sender's "✓✓
 * delivered" and "read" marks, restored after a restart or on a new device. A cursor at 0 is left out.
 */
export const memberViewSchema = object({
  user: entityId,
  role: oneOf(['admin', 'member'] as const),
  /**
   * The seq of the event that made them a member this time (left out while 0: founders, direct
   * conversations). A sender starts a new session key when it changes: a member added back cannot
   * read a key sent while they were away (docs/crypto.md).
   */
  joinedSeq: optional(seqNumber),
  deliveredSeq: optional(seqNumber),
  readSeq: optional(seqNumber),
});

export type MemberView = Infer<typeof memberViewSchema>;

export const conversationViewSchema = object({
  conversation: entityId,
  kind: oneOf(['direct', 'group'] as const),
  name: optional(shownName({ max: USER_NAME_MAX * 4 })),
  lastSeq: seqNumber,
  role: oneOf(['admin', 'member'] as const),
  /** The viewer sees seqs above joinedSeq and, if they left, up to leftSeq. */
  joinedSeq: seqNumber,
  leftSeq: optional(seqNumber),
  deliveredSeq: seqNumber,
  readSeq: seqNumber,
  /** Messages from the others after readSeq; in `sync` and `conversations` replies, not in pushes. */
  unread: optional(seqNumber),
  /** Current members. */
  members: arrayOf(memberViewSchema, { max: 100_000 }),
});
export type ConversationView = Infer<typeof conversationViewSchema>;

export const emptyResultSchema = object({});
