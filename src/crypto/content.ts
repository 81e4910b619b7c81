import { BadEnvelopeError } from './errors.js';
import { pack, plainMap, unpack, integer } from './msgpack.js';

/** What a chat message says, before encryption: the text and when its author sent it. */
export interface MessageContent {
  /** The message text, any Unicode. */
  readonly text: string;
  /** When the author's client sealed it, in milliseconds since the Unix epoch (the author's clock). */
  readonly sentAt: number;
}

/** Encodes a message's content as MessagePack `{text, sentAt}`: the plaintext that sealMessage encrypts. */
export function encodeContent(content: MessageContent): Buffer {
  if (typeof content.text !== 'string') throw new TypeError('content.text must be a string');
  if (!Number.isSafeInteger(content.sentAt) || content.sentAt < 0)
    throw new RangeError('content.sentAt must be a non-negative safe integer');
  return pack({ text: content.text, sentAt: content.sentAt });
}

/** Decodes what encodeContent made; throws BadEnvelopeError on anything else. */
export function decodeContent(bytes: Uint8Array): MessageContent {
  const map = plainMap(unpack(bytes), ['text', 'sentAt'], 'message content');
  if (typeof map.text !== 'string') throw new BadEnvelopeError('message content: text is not a string');
  return { text: map.text, sentAt: integer(map.sentAt, 'message content: sentAt', 0, Number.MAX_SAFE_INTEGER) };
}
