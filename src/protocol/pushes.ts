import { entityId, seqNumber, timestamp } from './ids.js';
import { bool, literal, object, optional, type Infer } from './schema.js';
import { conversationView, messageView } from './views.js';

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

export const PUSH_SCHEMAS = {
  msg: messagePush,
  presence: presencePush,
  typing: typingPush,
  receipt: receiptPush,
  conversation: conversationPush,
} as const;

export type PushType = keyof typeof PUSH_SCHEMAS;
export type Push = { [T in PushType]: Infer<(typeof PUSH_SCHEMAS)[T]> }[PushType];
