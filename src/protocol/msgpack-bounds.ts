import { FrameTooComplexError, MalformedPayloadError } from './errors.js';

/**
 * How much structure one frame body may hold (protocol.md § Limits). Decoding builds a JavaScript
 * value per entry, and a map of many distinct keys is slow to build (a 1 MiB map of 170,000 keys took
 * ~170 ms of the event loop): these bounds are checked by a scan that builds nothing, before the body
 * is decoded at all.
 */
export interface DecodeBounds {
  /** Deepest nesting of maps and arrays; the frame's own map is depth 1. */
  readonly maxDepth: number;
  /** Most entries (key-value pairs) in one map. */
  readonly maxMapEntries: number;
  /** Most map entries and array elements in the whole body, all containers counted together. */
  readonly maxItems: number;
}

/** Never more than this, whatever a caller asks: the scan's stack is preallocated to it. */
const DEPTH_CEILING = 64;

/** One stack for every scan: scans are synchronous and never nest. */
const remaining = new Float64Array(DEPTH_CEILING + 1);

/**
 * Walks the MessagePack value at `bytes[start..end)` without decoding it and throws a
 * FrameTooComplexError when it passes a bound, or a MalformedPayloadError when it is not exactly one
 * well-formed value there. Extension types are refused: the wire format uses none (msgpack.ts), and
 * they are where a decoder's special cases live.
 */
export function checkDecodeBounds(bytes: Buffer, start: number, end: number, bounds: DecodeBounds): void {
  const maxDepth = Math.min(bounds.maxDepth, DEPTH_CEILING);
  let at = start;
  let depth = 0;
  let items = 0;
  // The top level holds exactly one value.
  remaining[0] = 1;
  for (;;) {
    while (remaining[depth] === 0) {
      if (depth === 0) {
        if (at !== end) throw new MalformedPayloadError(`${end - at} bytes left over after the value`);
        return;
      }
      depth--;
    }
    remaining[depth]!--;
    if (at >= end) throw truncated();
    const type = bytes[at]!;
    let children = -1;
    let isMap = false;
    let skip = 0;
    at++;
    if (type <= 0x7f || type >= 0xe0) skip = 0;
    else if (type <= 0x8f) {
      children = type & 0x0f;
      isMap = true;
    } else if (type <= 0x9f) children = type & 0x0f;
    else if (type <= 0xbf) skip = type & 0x1f;
    else {
      switch (type) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          break;
        case 0xc4:
        case 0xd9:
          skip = readLength(bytes, at, 1, end);
          at += 1;
          break;
        case 0xc5:
        case 0xda:
          skip = readLength(bytes, at, 2, end);
          at += 2;
          break;
        case 0xc6:
        case 0xdb:
          skip = readLength(bytes, at, 4, end);
          at += 4;
          break;
        case 0xcc:
        case 0xd0:
          skip = 1;
          break;
        case 0xcd:
        case 0xd1:
          skip = 2;
          break;
        case 0xca:
        case 0xce:
        case 0xd2:
          skip = 4;
          break;
        case 0xcb:
        case 0xcf:
        case 0xd3:
          skip = 8;
          break;
        case 0xdc:
          children = readLength(bytes, at, 2, end);
          at += 2;
          break;
        case 0xdd:
          children = readLength(bytes, at, 4, end);
          at += 4;
          break;
        case 0xde:
          children = readLength(bytes, at, 2, end);
          at += 2;
          isMap = true;
          break;
        case 0xdf:
          children = readLength(bytes, at, 4, end);
          at += 4;
          isMap = true;
          break;
        case 0xc1:
          throw new MalformedPayloadError('byte 0xc1 is not MessagePack');
        default:
          // 0xc7-0xc9 and 0xd4-0xd8: extension types.
          throw new MalformedPayloadError(`extension type (0x${type.toString(16)}) in a frame: the wire format has none`);
      }
    }
    if (children < 0) {
      at += skip;
      if (at > end) throw truncated();
      continue;
    }
    if (isMap && children > bounds.maxMapEntries) {
      throw new FrameTooComplexError(`a map of ${children} entries; at most ${bounds.maxMapEntries} per map`);
    }
    items += children;
    if (items > bounds.maxItems) {
      throw new FrameTooComplexError(`more than ${bounds.maxItems} map entries and array elements in one frame`);
    }
    // Every entry takes at least one byte (two for a map's key and value): a count the rest of the
    // body cannot hold is a lie, refused before it is believed.
    if (children * (isMap ? 2 : 1) > end - at) throw truncated();
    if (depth + 1 > maxDepth) throw new FrameTooComplexError(`maps and arrays nested more than ${maxDepth} deep`);
    if (children === 0) continue;
    depth++;
    remaining[depth] = isMap ? children * 2 : children;
  }
}

function readLength(bytes: Buffer, at: number, size: 1 | 2 | 4, end: number): number {
  if (at + size > end) throw truncated();
  return size === 1 ? bytes[at]! : size === 2 ? bytes.readUInt16BE(at) : bytes.readUInt32BE(at);
}

function truncated(): MalformedPayloadError {
  return new MalformedPayloadError('the value runs past the end of the frame');
}
