import { entityId, seqNumber, timestamp } from './ids.js';
import { bool, literal, object, optional, type Infer } from './schema.js';
import { conversationViewSchema, messageViewSchema, userViewSchema } from './views.js';

/**
 * Server pushes: sent without an `id`, whenever something happens (docs/protocol.md § Pushes).
 * The client validates them with these schemas like any reply.
 */

export const messagePushSchema = object({ t: literal('msg'), ...messageViewSchema.shape });

export const presencePushSchema = object({
  t: literal('presence'),
  user: entityId,
  online: bool(),
  lastSeen: optional(timestamp),
});

export const typingPushSchema = object({ t: literal('typing'), conversation: entityId, user: entityId });

export const receiptPushSchema = object({
  t: literal('receipt'),
  conversation: entityId,
  user: entityId,
  deliveredSeq: seqNumber,
  readSeq: seqNumber,
});

/** A conversation's state changed (created, members, name): the viewer's new view of it. */
export const conversationPushSchema = object({ t: literal('conversation'), ...conversationViewSchema.shape });

/**
 * The user's own published keys changed, by `publish_keys` on another of their sessions (protocol.md
 * § publish_keys): the account as it is now. A session that did not make the change learns of it at
 * once, on every node. The user is nested: a push with an `id` field would read as a reply.
 */
export const keysPushSchema = object({ t: literal('keys'), user: userViewSchema });

export const PUSH_SCHEMAS = {
  msg: messagePushSchema,
  presence: presencePushSchema,
  typing: typingPushSchema,
  receipt: receiptPushSchema,
  conversation: conversationPushSchema,
  keys: keysPushSchema,
} as const;

export type PushType = keyof typeof PUSH_SCHEMAS;
export type Push = { [T in PushType]: Infer<(typeof PUSH_SCHEMAS)[T]> }[PushType];
