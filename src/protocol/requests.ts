import { entityId, requestId, seqNumber } from './ids.js';
import {
  CLIENT_ID_MAX,
  GROUP_MEMBERS_MAX,
  GROUP_NAME_MAX,
  UNSAFE_TEXT,
  HISTORY_PAGE_MAX,
  KEY_BACKUP_MAX_BYTES,
  MESSAGE_BODY_MAX_BYTES,
  PUBLIC_KEY_MAX_BYTES,
  KEY_PROOF_MAX_BYTES,
  RESUME_TOKEN_BYTES,
  ROUTE_AVOID_MAX,
  SECRET_MAX_BYTES,
  SECRET_MIN_BYTES,
  SYNC_CURSORS_MAX,
  USER_NAME_MAX,
  USER_IDS_MAX,
  USER_NAME_PATTERN,
  USERS_PAGE_MAX,
} from './limits.js';
import { arrayOf, bytes, int, literal, object, optional, str, tuple } from './schema.js';

/** Request schemas, one per type (docs/protocol.md § Messages). Types are inferred in messages.ts. */

const secret = bytes({ min: SECRET_MIN_BYTES, max: SECRET_MAX_BYTES });
/** Shown to every member: no control, bidirectional or invisible characters, not blank. */
const groupName = str({ min: 1, max: GROUP_NAME_MAX, pattern: /\S/, hint: 'must not be blank', forbid: UNSAFE_TEXT });

export const helloRequestSchema = object({
  t: literal('hello'),
  id: requestId,
  /** Versions the client speaks; the server picks the highest it shares. */
  versions: arrayOf(int({ min: 1, max: 0xffff }), { min: 1, max: 16 }),
  /** Free-form client name and version, for logs (`fastchat/0.1.0`). */
  client: optional(str({ max: 64 })),
});

export const pingRequestSchema = object({ t: literal('ping'), id: requestId });

export const routeRequestSchema = object({
  t: literal('route'),
  id: requestId,
  /** Node ports the client just failed to reach: the coordinator names another node when it has one. */
  avoid: optional(arrayOf(object({ host: str({ min: 1, max: 255 }), port: int({ min: 1, max: 65535 }) }), { max: ROUTE_AVOID_MAX })),
});

export const signupRequestSchema = object({
  t: literal('signup'),
  id: requestId,
  name: str({
    min: 3,
    max: USER_NAME_MAX,
    pattern: USER_NAME_PATTERN,
    hint: 'must start with a letter and use only letters, digits, "_", "." and "-"',
  }),
  secret,
  publicKey: optional(bytes({ max: PUBLIC_KEY_MAX_BYTES })),
  /** The private key sealed under a key derived from the password: the server cannot open it. */
  keyBackup: optional(bytes({ max: KEY_BACKUP_MAX_BYTES })),
  /** A separate RSA public key (SPKI DER) for legacy (2022) clients to encrypt to (docs/legacy.md). */
  legacyKey: optional(bytes({ min: 1, max: PUBLIC_KEY_MAX_BYTES })),
});

export const loginRequestSchema = object({
  t: literal('login'),
  id: requestId,
  name: str({ min: 1, max: 64 }),
  secret,
});

/** Logs in as the user a token from `login`, `signup` or `resume` belongs to, without the secret. */
export const resumeRequestSchema = object({
  t: literal('resume'),
  id: requestId,
  token: bytes({ min: RESUME_TOKEN_BYTES, max: RESUME_TOKEN_BYTES }),
});

export const logoutRequestSchema = object({ t: literal('logout'), id: requestId });

export const usersRequestSchema = object({
  t: literal('users'),
  id: requestId,
  after: optional(seqNumber),
  limit: optional(int({ min: 1, max: USERS_PAGE_MAX })),
  prefix: optional(str({ max: USER_NAME_MAX })),
  /** Look these users up instead of listing (paging fields are then ignored). */
  ids: optional(arrayOf(entityId, { min: 1, max: USER_IDS_MAX })),
});

export const publishKeysRequestSchema = object({
  t: literal('publish_keys'),
  id: requestId,
  /** The login secret again: a key change needs the password, not only a logged-in session (a resume token). */
  secret,
  publicKey: bytes({ min: 1, max: PUBLIC_KEY_MAX_BYTES }),
  /**
   * When it replaces a published key with another: the published key's RSA-PSS signature over the
   * change (crypto/key-change.ts; an 8,192-bit key signs 1,024 bytes).
   */
  keyProof: optional(bytes({ min: 1, max: KEY_PROOF_MAX_BYTES })),
  keyBackup: optional(bytes({ max: KEY_BACKUP_MAX_BYTES })),
  /** Replaces the legacy key (docs/legacy.md); absent keeps the one published. */
  legacyKey: optional(bytes({ min: 1, max: PUBLIC_KEY_MAX_BYTES })),
});

/** The user's sessions (protocol.md § sessions): every resume token that can still log a connection in. */
export const sessionsRequestSchema = object({ t: literal('sessions'), id: requestId });

/**
 * Ends one of the user's other sessions: its token stops working and its connection, on any node, is
 * closed with `session_ended`.
 */
export const endSessionRequestSchema = object({ t: literal('end_session'), id: requestId, session: entityId });

/**
 * Changes the password: `secret` is the login secret of the current password, `newSecret` the one of
 * the new. Every other session of the user ends and every token is revoked; this one gets a new token.
 */
export const changePasswordRequestSchema = object({
  t: literal('change_password'),
  id: requestId,
  secret,
  newSecret: secret,
  /** The private key sealed under the new password's backup key; absent removes the old backup. */
  keyBackup: optional(bytes({ max: KEY_BACKUP_MAX_BYTES })),
});

/** `user` takes no direct messages and no group adds from this user until `unblock` (protocol.md § block). */
export const blockRequestSchema = object({ t: literal('block'), id: requestId, user: entityId });
export const unblockRequestSchema = object({ t: literal('unblock'), id: requestId, user: entityId });
/** Whom this user blocked. */
export const blocksRequestSchema = object({ t: literal('blocks'), id: requestId });

export const conversationsRequestSchema = object({ t: literal('conversations'), id: requestId });

/** The direct conversation with `user`, made on first use (so a client knows its id before sending). */
export const openDirectRequestSchema = object({ t: literal('open_direct'), id: requestId, user: entityId });

export const syncRequestSchema = object({
  t: literal('sync'),
  id: requestId,
  /** [conversation, last seq the client has], for conversations it has seen before. */
  cursors: optional(arrayOf(tuple(entityId, seqNumber), { max: SYNC_CURSORS_MAX })),
});

export const sendRequestSchema = object({
  t: literal('send'),
  id: requestId,
  /** The conversation to send to; or `to`, a user, for their direct conversation. Exactly one. */
  conversation: optional(entityId),
  to: optional(entityId),
  /** Client-chosen; the `event:` prefix is the server's own, for membership events. */
  cid: str({ min: 1, max: CLIENT_ID_MAX, pattern: /^(?!event:)/, hint: 'must not start with "event:"' }),
  body: bytes({ min: 1, max: MESSAGE_BODY_MAX_BYTES }),
});

export const receiptRequestSchema = object({
  t: literal('receipt'),
  id: requestId,
  conversation: entityId,
  delivered: optional(seqNumber),
  read: optional(seqNumber),
});

export const historyRequestSchema = object({
  t: literal('history'),
  id: requestId,
  conversation: entityId,
  /** Page of the messages before this seq; from the newest when absent. */
  before: optional(seqNumber),
  limit: optional(int({ min: 1, max: HISTORY_PAGE_MAX })),
});

export const typingRequestSchema = object({ t: literal('typing'), id: requestId, conversation: entityId });

export const groupCreateRequestSchema = object({
  t: literal('group_create'),
  id: requestId,
  name: groupName,
  members: arrayOf(entityId, { max: GROUP_MEMBERS_MAX }),
});

export const groupAddRequestSchema = object({ t: literal('group_add'), id: requestId, conversation: entityId, user: entityId });
export const groupRemoveRequestSchema = object({ t: literal('group_remove'), id: requestId, conversation: entityId, user: entityId });
export const groupLeaveRequestSchema = object({ t: literal('group_leave'), id: requestId, conversation: entityId });
export const groupRenameRequestSchema = object({ t: literal('group_rename'), id: requestId, conversation: entityId, name: groupName });
