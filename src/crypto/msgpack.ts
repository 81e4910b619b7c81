import { Packr } from 'msgpackr';
import { BadEnvelopeError } from './errors.js';

/**
 * MessagePack for envelopes and message contents, configured like the wire format's (src/protocol may
 * not be imported from here): plain maps, never msgpackr records, so any MessagePack library can read
 * an envelope; maps decode to plain objects; binary fields are copied out of the input, so a parsed
 * envelope stays valid when the caller reuses its buffer.
 */
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  copyBuffers: true,
  variableMapSize: true,
});

/** Encodes one value as MessagePack. */
export function pack(value: unknown): Buffer {
  return packr.pack(value);
}

/** Decodes exactly one MessagePack value spanning all of `bytes`; anything else is a BadEnvelopeError. */
export function unpack(bytes: Uint8Array): unknown {
  try {
    return packr.unpack(bytes);
  } catch (error) {
    throw new BadEnvelopeError(`not MessagePack (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
}

/** A decoded value as a plain map with exactly the allowed keys (the rest may be absent), or a BadEnvelopeError. */
export function plainMap(value: unknown, allowed: readonly string[], what: string): Record<string, unknown> {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    Buffer.isBuffer(value) ||
    Object.getPrototypeOf(value) !== Object.prototype
  ) {
    throw new BadEnvelopeError(`${what} is not a map`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new BadEnvelopeError(`${what} has an unknown field "${key}"`);
  }
  return value as Record<string, unknown>;
}

/** `value` as a Buffer of `min..max` bytes, or a BadEnvelopeError naming `field`. */
export function binary(value: unknown, field: string, min: number, max: number): Buffer {
  if (!Buffer.isBuffer(value)) throw new BadEnvelopeError(`${field} is not binary`);
  if (value.length < min || value.length > max) throw new BadEnvelopeError(`${field} has ${value.length} bytes, expected ${min}..${max}`);
  return value;
}

/** `value` as an integer in `min..max`, or a BadEnvelopeError naming `field`. */
export function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BadEnvelopeError(`${field} is not an integer in ${min}..${max}`);
  }
  return value;
}
