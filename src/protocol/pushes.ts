import { entityId, seqNumber, timestamp } from './ids.js';
import { bool, literal, object, optional, type Infer } from './schema.js';
import { conversationView, messageView, userView } from './views.js';

/**
 * Server pushes: sent without an `id`, whenever something happens (docs/protocol.md § Pushes).
 * The client validates them with these schemas like any reply.
 */

export const messagePush = object({ t: literal('msg'), ...messageView.shape });

export const presencePush = object({
  t: literal('presence'),
  user: entityId,
  online: bool(),
  lastSeen: optional(timestamp),
});

export const typingPush = object({ t: literal('typing'), conversation: entityId, user: entityId });

export const receiptPush = object({
  t: literal('receipt'),
  conversation: entityId,
  user: entityId,
  deliveredSeq: seqNumber,
  readSeq: seqNumber,
});

/** A conversation's state changed (created, members, name): the viewer's new view of it. */
export const conversationPush = object({ t: literal('conversation'), ...conversationView.shape });

/**
 * The user's own published keys changed, by `publish_keys` on another of their sessions (protocol.md
 * § publish_keys): the account as it is now. A session that did not make the change learns of it at
 * once, on every node. The user is nested: a push with an `id` field would read as a reply.
 */
export const keysPush = object({ t: literal('keys'), user: userView });

export const PUSH_SCHEMAS = {
  msg: messagePush,
  presence: presencePush,
  typing: typingPush,
  receipt: receiptPush,
  conversation: conversationPush,
  keys: keysPush,
} as const;

export type PushType = keyof typeof PUSH_SCHEMAS;
export type Push = { [T in PushType]: Infer<(typeof PUSH_SCHEMAS)[T]> }[PushType];
