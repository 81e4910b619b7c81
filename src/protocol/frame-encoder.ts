import { FRAME_HEADER_BYTES } from './limits.js';
import { packValue } from './msgpack.js';

/**
 * Encodes one message as a frame: a 4-byte big-endian body length, then the MessagePack body
 * (protocol.md § Framing). The caller owns the limit check; the server never sends frames over it.
 */
export function encodeFrame<M extends { readonly t: string }>(message: M): Buffer {
  const body = packValue(message);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}
