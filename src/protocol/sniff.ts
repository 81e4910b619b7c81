import { UnknownCodecError } from './errors.js';
import { isJsonWhitespace } from './legacy-codec.js';

export type Codec = 'framed' | 'legacy';

/**
 * Picks the codec of a connection from its first byte (protocol.md § Sniffing). Every legal frame is
 * shorter than 16 MiB, so a framed connection starts with 0x00; a 2022 client starts with `{`
 * (or JSON whitespace). Anything else is an UnknownCodecError.
 */
export function sniffCodec(firstByte: number): Codec {
  if (firstByte === 0x00) return 'framed';
  if (firstByte === 0x7b || isJsonWhitespace(firstByte)) return 'legacy';
  throw new UnknownCodecError(firstByte);
}
