import { entityId, seqNumber, timestamp } from './ids.js';
import { arrayOf, bool, bytes, int, object, optional, str, type Infer } from './schema.js';
import { BLOCKS_PER_USER, HISTORY_PAGE_MAX, RESUME_TOKEN_BYTES, RESUME_TOKENS_PER_USER } from './limits.js';
import { conversationView, emptyResult, messageView, userView } from './views.js';

/** The result fields of each request's `ok` reply (docs/protocol.md § Messages). */

export const helloResult = object({
  version: int({ min: 1, max: 0xffff }),
  server: str({ max: 64 }),
  limits: object({
    maxFrameBytes: int({ min: 1, max: 0xffff_ffff }),
    maxMessageBytes: int({ min: 1, max: 0xffff_ffff }),
  }),
});

export const pingResult = object({
  /** Server clock, milliseconds since the Unix epoch. */
  time: timestamp,
});

export const routeResult = object({
  host: str({ min: 1, max: 255 }),
  port: int({ min: 1, max: 65535 }),
});

export const accountResult = object({
  user: userView,
  /** The account's key backup, to the user who just proved the password (login and signup only). */
  keyBackup: optional(bytes({ max: 16 * 1024 })),
});

/** `signup`, `login` and `resume`: the account, and a token for the next `resume`. */
export const sessionResult = object({
  ...accountResult.shape,
  /**
   * Logs the next connection in with `resume` instead of the secret. Optional so that a client can
   * still talk to a server from before resume tokens (it then logs in with the secret every time).
   */
  resume: optional(bytes({ min: RESUME_TOKEN_BYTES, max: RESUME_TOKEN_BYTES })),
});

/** One session of the user's (a resume token): never the token itself. */
export const sessionView = object({
  id: entityId,
  createdAt: timestamp,
  /** When it last logged a connection in (its login, or its latest `resume`). */
  lastUsedAt: timestamp,
  expiresAt: timestamp,
  /** The session this request came on. */
  current: bool(),
});

export type SessionView = Infer<typeof sessionView>;

export const sessionsResult = object({ sessions: arrayOf(sessionView, { max: RESUME_TOKENS_PER_USER }) });

/** `change_password`: this session's new token (every earlier one is revoked). */
export const passwordResult = object({ resume: optional(bytes({ min: RESUME_TOKEN_BYTES, max: RESUME_TOKEN_BYTES })) });

/** `blocks`: the ids of the users this user blocked, oldest block first. */
export const blocksResult = object({ users: arrayOf(entityId, { max: BLOCKS_PER_USER }) });

export const usersResult = object({
  users: arrayOf(userView, { max: 500 }),
  /** More users follow: ask again with `after` = the last id. */
  more: bool(),
});

export const conversationsResult = object({ conversations: arrayOf(conversationView, { max: 100_000 }) });

export const sendResult = object({
  conversation: entityId,
  seq: entityId,
  mid: entityId,
  ts: timestamp,
  /** True when this client id was already stored: the fields describe the first copy. */
  duplicate: bool(),
});

export const receiptResult = object({ deliveredSeq: seqNumber, readSeq: seqNumber });

export const historyResult = object({
  messages: arrayOf(messageView, { max: HISTORY_PAGE_MAX }),
  /** True when older rows of the page asked for were left out to keep the reply within HISTORY_REPLY_MAX_BYTES. */
  more: optional(bool()),
});

/** `group_create` and `open_direct`: the caller's view of the conversation. */
export const groupCreateResult = object({ conversation: conversationView });

export const membershipResult = object({
  /** Seq of the membership event the change wrote. */
  seq: entityId,
});

export { emptyResult };
