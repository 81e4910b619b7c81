import { randomBytes } from 'node:crypto';
import { InvalidSealInputError } from './errors.js';

/** Messages sealed under one outbound session before the client starts a new one. @default 100 */
export const DEFAULT_MAX_SESSION_MESSAGES = 100;

/** Highest message index an envelope can carry (a u32 in the signed transcript). */
export const MAX_MESSAGE_INDEX = 0xffff_ffff;

/**
 * A sender's outbound sender-key session in one conversation (the shape of Matrix's Megolm, simplified):
 * one random AES key, wrapped once for each recipient in the session's first message, then used for
 * the next messages with a per-message key derived from it and the message index. Kept in memory by
 * the sending client; rotated (a new session) on any membership change and every few messages.
 */
export interface OutboundSession {
  /** 16 random bytes naming the session; recipients cache its key under (conversation, sender, id). */
  readonly id: Buffer;
  /** The 32-byte session key. */
  readonly key: Buffer;
  /** Messages sealed so far; the next message gets this index. sealMessage increments it. */
  index: number;
  /** User ids that can read the session, sorted ascending, without repeats, sender included. */
  readonly recipients: readonly number[];
  /** When the session was made, in milliseconds since the Unix epoch. */
  readonly createdAt: number;
}

/** Throws InvalidSealInputError unless `id` is a safe non-negative integer (a database id). */
export function requireId(id: number, what: string): void {
  if (!Number.isSafeInteger(id) || id < 0) throw new InvalidSealInputError(`${what} must be a safe non-negative integer, not ${id}`);
}

/** `recipients` sorted ascending without repeats; throws InvalidSealInputError on a bad id. */
export function normaliseRecipients(recipients: readonly number[]): number[] {
  for (const id of recipients) requireId(id, 'recipient id');
  return [...new Set(recipients)].sort((a, b) => a - b);
}

/**
 * A new outbound session for `recipients` (the conversation's members, the sender included; order and
 * repeats do not matter): fresh random id and key, index 0.
 */
export function newOutboundSession(recipients: readonly number[], now: () => number = Date.now): OutboundSession {
  const sorted = normaliseRecipients(recipients);
  if (sorted.length === 0) throw new InvalidSealInputError('a session needs at least one recipient (the sender)');
  return { id: randomBytes(16), key: randomBytes(32), index: 0, recipients: sorted, createdAt: now() };
}

/**
 * True when the sender must start a new session before sealing the next message: there is none, the
 * recipient set differs from the session's (a member joined or left: a removed member must not read
 * what follows, and a new one must be able to), or the session has sealed `maxMessages` messages.
 */
export function needsRotation(
  session: OutboundSession | undefined,
  recipients: readonly number[],
  maxMessages: number = DEFAULT_MAX_SESSION_MESSAGES,
): boolean {
  if (!session || session.index >= maxMessages || session.index >= MAX_MESSAGE_INDEX) return true;
  const wanted = normaliseRecipients(recipients);
  return wanted.length !== session.recipients.length || wanted.some((id, i) => id !== session.recipients[i]);
}
