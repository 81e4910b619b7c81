import { MESSAGE_BODY_MAX_BYTES } from '../protocol/index.js';

/**
 * Most text one message may hold, in UTF-8 bytes: 48 KiB. The server takes envelopes of up to
 * MESSAGE_BODY_MAX_BYTES (64 KiB); the rest is the envelope's own weight (IV, tag, an RSA-3072
 * signature of 384 bytes, the send time) and, on a session's first message, the session key wrapped
 * for every member (about 400 bytes each: 16 KiB leaves room for some 40). Text over this is refused
 * before it is queued, so it never sits in the outbox as a message the server will refuse.
 */
export const MESSAGE_TEXT_MAX_BYTES = MESSAGE_BODY_MAX_BYTES - 16 * 1024;

/** Why `text` cannot be sent as one message, or undefined when it can. */
export function messageTooLong(text: string): string | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= MESSAGE_TEXT_MAX_BYTES) return undefined;
  const kib = (n: number) => `${(n / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KiB`;
  return `the message is ${kib(bytes)}; one message holds at most ${kib(MESSAGE_TEXT_MAX_BYTES)}`;
}
