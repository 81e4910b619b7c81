import {
  constants,
  createCipheriv,
  createDecipheriv,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { contentAssociatedData, messageKey, signedTranscript, wrapLabel, type EnvelopeHeader } from './envelope-binding.js';
import { encodeEnvelope, type ParsedEnvelope } from './envelope-format.js';
import { InvalidSealInputError, MissingRecipientKeyError } from './errors.js';
import { requireRsaPrivate } from './private-key-pem.js';
import { PSS } from './rsa-pss.js';
import { MAX_MESSAGE_INDEX, requireId, type OutboundSession } from './session.js';

export { decodeContent, encodeContent, type MessageContent } from './content.js';
export { ENVELOPE_VERSION } from './envelope-binding.js';
export { parseEnvelope, type ParsedEnvelope } from './envelope-format.js';
export { DEFAULT_MAX_SESSION_MESSAGES, needsRotation, newOutboundSession, type OutboundSession } from './session.js';
export { SessionKeyCache, type SessionKeyCacheOptions } from './session-key-cache.js';

/** What sealMessage needs. */
export interface SealInput {
  /** The sender's outbound session for this conversation; its `index` is incremented. */
  readonly session: OutboundSession;
  readonly conversationId: number;
  readonly senderId: number;
  /** The sender's RSA identity private key; signs every message. */
  readonly senderKey: KeyObject;
  /** Public keys of `session.recipients`; read only for the session's first message. */
  readonly recipientKeys: ReadonlyMap<number, KeyObject>;
  readonly plaintext: Uint8Array;
}

/** What openMessage needs. Ids come from the server's routing of the envelope, never from the envelope. */
export interface OpenInput {
  readonly envelope: ParsedEnvelope;
  readonly conversationId: number;
  readonly senderId: number;
  /** The session's key (from unwrapSessionKey or a SessionKeyCache), or undefined when unknown. */
  readonly sessionKey: Buffer | undefined;
  /** The sender's RSA public key, or undefined when the client does not have it. */
  readonly senderPublicKey: KeyObject | undefined;
}

/**
 * The outcome of opening a message. Only `verified` means the text is the sender's: the content
 * decrypted *and* the RSA-PSS signature checks against `senderPublicKey`.
 */
export type OpenedMessage =
  | { readonly status: 'verified'; readonly plaintext: Buffer }
  | { readonly status: 'unverified'; readonly plaintext: Buffer; readonly reason: 'bad_signature' | 'unknown_sender_key' }
  | { readonly status: 'undecryptable'; readonly reason: 'no_session_key' | 'bad_ciphertext' | 'malformed' };

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;
const TAG_BYTES = 16;

/**
 * Encrypts and signs one message; returns the envelope bytes and increments `session.index`.
 *
 * The content is encrypted once, whatever the number of recipients: AES-256-GCM under the message's
 * key (HKDF of the session key and index), a fresh random 12-byte IV, and associated data binding
 * version, conversation, sender, session id and index. The session's first message (index 0) also
 * carries the session key wrapped with RSA-OAEP-SHA256 for every recipient, the sender included (so
 * the sender's other devices can read it). Every message is signed with RSA-PSS-SHA256 (salt 32) over
 * the transcript of everything else (envelope-binding.ts).
 *
 * @throws MissingRecipientKeyError when a first message lacks a recipient's public key.
 * @throws InvalidSealInputError on a bad id, a sender outside the session, or an exhausted session.
 */
export function sealMessage(input: SealInput): Buffer {
  const { session, conversationId, senderId } = input;
  requireId(conversationId, 'conversationId');
  requireId(senderId, 'senderId');
  requireRsaPrivate(input.senderKey);
  if (session.id.length !== 16 || session.key.length !== 32)
    throw new InvalidSealInputError('session id must be 16 bytes and key 32 bytes');
  if (!Number.isInteger(session.index) || session.index < 0 || session.index > MAX_MESSAGE_INDEX) {
    throw new InvalidSealInputError(`session index ${session.index} is out of range; start a new session`);
  }
  if (!session.recipients.includes(senderId)) throw new InvalidSealInputError(`sender ${senderId} is not a recipient of its own session`);

  const header: EnvelopeHeader = { conversationId, senderId, sessionId: session.id, index: session.index };
  const wrappedKeys = session.index === 0 ? wrapForRecipients(session, input.recipientKeys) : [];
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', messageKey(session.key, session.id, session.index), iv);
  cipher.setAAD(contentAssociatedData(header));
  const ciphertext = Buffer.concat([cipher.update(input.plaintext), cipher.final(), cipher.getAuthTag()]);
  const signature = sign('sha256', signedTranscript(header, { wrappedKeys, iv, ciphertext }), { key: input.senderKey, ...PSS });
  const bytes = encodeEnvelope({ sessionId: session.id, index: session.index, wrappedKeys, iv, ciphertext, signature });
  session.index++;
  return bytes;
}

function wrapForRecipients(session: OutboundSession, keys: ReadonlyMap<number, KeyObject>): [number, Buffer][] {
  return session.recipients.map((userId) => {
    const key = keys.get(userId);
    if (!key) throw new MissingRecipientKeyError(userId);
    return [userId, publicEncrypt({ key, ...OAEP, oaepLabel: wrapLabel(session.id, userId) }, session.key)];
  });
}

/**
 * The session key the envelope wraps for `myUserId`, or undefined when it has none for them. A wrap
 * that fails to decrypt (tampered, or for another key) also gives undefined, exactly like a missing
 * one: callers cannot, and need not, tell the two apart. Costs one RSA private operation, so callers
 * keep the result in a SessionKeyCache (one per session, not per message).
 *
 * The key is not yet authenticated: cache it only once openMessage of this envelope did not answer
 * `bad_signature` (readMessage does this).
 */
export function unwrapSessionKey(envelope: ParsedEnvelope, myUserId: number, myPrivateKey: KeyObject): Buffer | undefined {
  const wrapped = envelope.wrappedKeyFor(myUserId);
  if (!wrapped) return undefined;
  try {
    const key = privateDecrypt({ key: myPrivateKey, ...OAEP, oaepLabel: wrapLabel(envelope.sessionId, myUserId) }, wrapped);
    return key.length === 32 ? key : undefined;
  } catch {
    // Swallowed on purpose: a failed unwrap must look exactly like a missing one.
    return undefined;
  }
}

/**
 * Decrypts and verifies one message. Never throws: every failure is a status.
 * - `undecryptable`: no session key (`no_session_key`), the AES-GCM tag failed — tampered, or replayed
 *   into another conversation, sender, session or index (`bad_ciphertext`) — or bad ids (`malformed`);
 * - `unverified`: the content decrypted but the signature does not check (`bad_signature`), or there is
 *   no sender key to check it with (`unknown_sender_key`);
 * - `verified`: the content decrypted and the sender's signature checks.
 */
export function openMessage(input: OpenInput): OpenedMessage {
  const { envelope, conversationId, senderId, sessionKey } = input;
  try {
    if (![conversationId, senderId].every((id) => Number.isSafeInteger(id) && id >= 0))
      return { status: 'undecryptable', reason: 'malformed' };
    if (!sessionKey || sessionKey.length !== 32) return { status: 'undecryptable', reason: 'no_session_key' };
    const header: EnvelopeHeader = { conversationId, senderId, sessionId: envelope.sessionId, index: envelope.index };
    const plaintext = decryptContent(envelope, header, sessionKey);
    if (!plaintext) return { status: 'undecryptable', reason: 'bad_ciphertext' };
    if (!input.senderPublicKey) return { status: 'unverified', plaintext, reason: 'unknown_sender_key' };
    return verifySignature(envelope, header, input.senderPublicKey)
      ? { status: 'verified', plaintext }
      : { status: 'unverified', plaintext, reason: 'bad_signature' };
  } catch {
    // Swallowed on purpose: openMessage reports, never throws (an envelope not made by parseEnvelope).
    return { status: 'undecryptable', reason: 'malformed' };
  }
}

function decryptContent(envelope: ParsedEnvelope, header: EnvelopeHeader, sessionKey: Buffer): Buffer | undefined {
  const { ciphertext } = envelope;
  if (ciphertext.length < TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', messageKey(sessionKey, envelope.sessionId, envelope.index), envelope.iv);
    decipher.setAAD(contentAssociatedData(header));
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
    return Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - TAG_BYTES)), decipher.final()]);
  } catch {
    // Swallowed on purpose: a failed tag is the answer `bad_ciphertext`, not an error.
    return undefined;
  }
}

function verifySignature(envelope: ParsedEnvelope, header: EnvelopeHeader, senderPublicKey: KeyObject): boolean {
  try {
    const transcript = signedTranscript(header, envelope);
    return verify('sha256', transcript, { key: senderPublicKey, ...PSS }, envelope.signature);
  } catch {
    // Swallowed on purpose: a key that cannot verify (wrong type) means the signature does not check.
    return false;
  }
}
