import type { KeyObject } from 'node:crypto';
import { openMessage, unwrapSessionKey, type OpenedMessage } from './envelope.js';
import { parseEnvelope, type ParsedEnvelope } from './envelope-format.js';
import type { SessionKeyCache } from './session-key-cache.js';

/** What readMessage needs: a received envelope, its routing, and the reader's keys and cache. */
export interface ReadInput {
  /** The envelope bytes as stored by the server, or an already parsed envelope. */
  readonly envelope: Uint8Array | ParsedEnvelope;
  readonly conversationId: number;
  readonly senderId: number;
  readonly myUserId: number;
  readonly myPrivateKey: KeyObject;
  readonly senderPublicKey: KeyObject | undefined;
  readonly cache: SessionKeyCache;
}

/**
 * The whole receive path for one message: parse, find the session key (cache first, else unwrap from
 * a key-carrying envelope: one RSA private operation per session), decrypt and verify. Never throws.
 *
 * A freshly unwrapped key is cached when its envelope verifies, or, when the sender's public key is
 * unknown and nothing is cached yet, as the best available; never after `bad_signature`, so a forged
 * first message cannot poison the cache and make the sender's real messages undecryptable. A
 * key-carrying envelope that verifies replaces a cached key that did not verify it.
 */
export function readMessage(input: ReadInput): OpenedMessage {
  let envelope: ParsedEnvelope;
  try {
    envelope = input.envelope instanceof Uint8Array ? parseEnvelope(input.envelope) : input.envelope;
  } catch {
    // Swallowed on purpose: parseEnvelope throws only BadEnvelopeError, and garbage is an answer here.
    return { status: 'undecryptable', reason: 'malformed' };
  }
  const { conversationId, senderId, cache } = input;
  const open = (sessionKey: Buffer | undefined) =>
    openMessage({ envelope, conversationId, senderId, sessionKey, senderPublicKey: input.senderPublicKey });

  const cached = cache.get(conversationId, senderId, envelope.sessionId);
  const withCached = cached ? open(cached) : undefined;
  if (!envelope.carriesKeys || withCached?.status === 'verified') return withCached ?? open(undefined);
  const unwrapped = unwrapSessionKey(envelope, input.myUserId, input.myPrivateKey);
  if (!unwrapped) return withCached ?? open(undefined);
  const opened = open(unwrapped);
  const trusted = opened.status === 'verified';
  const bestAvailable = !cached && opened.status === 'unverified' && opened.reason === 'unknown_sender_key';
  if (trusted || bestAvailable) cache.set(conversationId, senderId, envelope.sessionId, unwrapped);
  return opened;
}
