import { entityId, seqNumber, timestamp } from './ids.js';
import { arrayOf, bool, bytes, int, object, optional, str, type Infer } from './schema.js';
import { BLOCKS_PER_USER, HISTORY_PAGE_MAX, RESUME_TOKEN_BYTES, RESUME_TOKENS_PER_USER } from './limits.js';
import { conversationViewSchema, emptyResultSchema, messageViewSchema, userViewSchema } from './views.js';

/** The result fields of each request's `ok` reply (docs/protocol.md § Messages). */

export const helloResultSchema = object({
  version: int({ min: 1, max: 0xffff }),
  server: str({ max: 64 }),
  limits: object({
    maxFrameBytes: int({ min: 1, max: 0xffff_ffff }),
    maxMessageBytes: int({ min: 1, max: 0xffff_ffff }),
  }),
});

export const pingResultSchema = object({
  /** Server clock, milliseconds since the Unix epoch. */
  time: timestamp,
});

export const routeResultSchema = object({
  host: str({ min: 1, max: 255 }),
  port: int({ min: 1, max: 65535 }),
});

export const accountResultSchema = object({
  user: userViewSchema,
  /** The account's key backup, to the user who just proved the password (login and signup only). */
  keyBackup: optional(bytes({ max: 16 * 1024 })),
});

/** `signup`, `login` and `resume`: the account, and a token for the next `resume`. */
export const sessionResultSchema = object({
  ...accountResultSchema.shape,
  /**
   * Logs the next connection in with `resume` instead of the secret. Optional so that a client can
   * still talk to a server from before resume tokens (it then logs in with the secret every time).
   */
  resume: optional(bytes({ min: RESUME_TOKEN_BYTES, max: RESUME_TOKEN_BYTES })),
});

/** One session of the user's (a resume token): never the token itself. */
export const sessionViewSchema = object({
  id: entityId,
  createdAt: timestamp,
  /** When it last logged a connection in (its login, or its latest `resume`). */
  lastUsedAt: timestamp,
  expiresAt: timestamp,
  /** The session this request came on. */
  current: bool(),
});

export type SessionView = Infer<typeof sessionViewSchema>;

export const sessionsResultSchema = object({ sessions: arrayOf(sessionViewSchema, { max: RESUME_TOKENS_PER_USER }) });

/** `change_password`: this session's new token (every earlier one is revoked). */
export const passwordResultSchema = object({ resume: optional(bytes({ min: RESUME_TOKEN_BYTES, max: RESUME_TOKEN_BYTES })) });

/** `blocks`: the ids of the users this user blocked, oldest block first. */
export const blocksResultSchema = object({ users: arrayOf(entityId, { max: BLOCKS_PER_USER }) });

export const usersResultSchema = object({
  users: arrayOf(userViewSchema, { max: 500 }),
  /** More users follow: ask again with `after` = the last id. */
  more: bool(),
});

export const conversationsResultSchema = object({ conversations: arrayOf(conversationViewSchema, { max: 100_000 }) });

export const sendResultSchema = object({
  conversation: entityId,
  seq: entityId,
  mid: entityId,
  ts: timestamp,
  /** True when this client id was already stored: the fields describe the first copy. */
  duplicate: bool(),
});

export const receiptResultSchema = object({ deliveredSeq: seqNumber, readSeq: seqNumber });

export const historyResultSchema = object({
  messages: arrayOf(messageViewSchema, { max: HISTORY_PAGE_MAX }),
  /** True when older rows of the page asked for were left out to keep the reply within HISTORY_REPLY_MAX_BYTES. */
  more: optional(bool()),
});

/** `group_create` and `open_direct`: the caller's view of the conversation. */
export const groupCreateResultSchema = object({ conversation: conversationViewSchema });

export const membershipResultSchema = object({
  /** Seq of the membership event the change wrote. */
  seq: entityId,
});

export { emptyResultSchema as emptyResult };
