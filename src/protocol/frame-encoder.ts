import { FRAME_HEADER_BYTES } from './limits.js';
import { packValue } from './msgpack.js';
import { encodeWithShared, sharedEncoding } from './shared-field.js';

/**
 * Encodes one message as a frame: a 4-byte big-endian body length, then the MessagePack body
 * (protocol.md § Framing). The caller owns the limit check; the server never sends frames over it.
 * A conversation view whose member list was encoded once (shared-field.ts) has those bytes copied in.
 */
export function encodeFrame<M extends { readonly t: string }>(message: M): Buffer {
  const pieces = message.t === 'conversation' ? spliced(message, 'members') : undefined;
  if (pieces) return framed(pieces);
  const body = packValue(message);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

function spliced(message: Record<string, unknown>, key: string): Buffer[] | undefined {
  const shared = sharedEncoding(message[key]);
  return shared && encodeWithShared(message, key, shared);
}

function framed(pieces: readonly Buffer[]): Buffer {
  const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32BE(length, 0);
  return Buffer.concat([header, ...pieces], FRAME_HEADER_BYTES + length);
}
