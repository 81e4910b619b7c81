import { packValue } from './msgpack.js';

/**
 * A value many frames carry as one field — a large group's member list, the same in the view each of
 * its members is pushed — is encoded once and its bytes copied into each frame, instead of encoded
 * again per frame: 1,000 views of 1,000 members were a million member encodings per change.
 *
 * The frame stays plain MessagePack, the same bytes as encoding the whole message: a map is its entry
 * count and then its entries in any order, so the frame is the other fields' map with its count raised
 * by one, then the shared field's key and its bytes.
 */
const encodings = new WeakMap<object, Buffer>();

/** Encodes `value` now, for every frame that carries this very object as a field (encodeWithShared). */
export function encodeOnce<T extends object>(value: T): T {
  encodings.set(value, packValue(value));
  return value;
}

/** The bytes encodeOnce made for this object, if it did. */
export function sharedEncoding(value: unknown): Buffer | undefined {
  return typeof value === 'object' && value !== null ? encodings.get(value) : undefined;
}

const FIXMAP = 0x80;
const FIXMAP_MAX = 15;
const MAP16 = 0xde;

/**
 * MessagePack of `message`, whose `key` field holds a value encodeOnce already encoded (`shared`), as
 * pieces to write one after the other. Undefined when the other fields do not encode as a map this
 * can extend (never for our messages).
 */
export function encodeWithShared(message: Record<string, unknown>, key: string, shared: Buffer): Buffer[] | undefined {
  const { [key]: _shared, ...rest } = message;
  const others = packValue(rest);
  const keyBytes = packValue(key);
  const first = others[0]!;
  if (first >= FIXMAP && first < FIXMAP + FIXMAP_MAX) {
    const head = Buffer.of(first + 1);
    return [head, others.subarray(1), keyBytes, shared];
  }
  if (first === MAP16 && others.readUInt16BE(1) < 0xffff) {
    const head = Buffer.alloc(3);
    head[0] = MAP16;
    head.writeUInt16BE(others.readUInt16BE(1) + 1, 1);
    return [head, others.subarray(3), keyBytes, shared];
  }
  return undefined;
}
