import { ENVELOPE_VERSION } from './envelope-binding.js';
import { BadEnvelopeError } from './errors.js';
import { binary, integer, pack, plainMap, unpack } from './msgpack.js';
import { MAX_MESSAGE_INDEX } from './session.js';

/**
 * The envelope on the wire: a MessagePack map (plain, no records)
 *
 *     { v: 1, s: <session id, 16 bytes>, n: <index>, k?: [[userId, wrapped key], …], iv: <12 bytes>,
 *       c: <AES-GCM ciphertext || 16-byte tag>, sig: <RSA-PSS signature> }
 *
 * `k` is present only in a session's first message. Conversation and sender are not in the envelope:
 * the server's routing says them, and the AAD and the signature bind them (envelope-binding.ts).
 */
export interface EnvelopeFields {
  readonly sessionId: Buffer;
  readonly index: number;
  /** Ascending by user id, each id once. */
  readonly wrappedKeys: readonly (readonly [number, Buffer])[];
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly signature: Buffer;
}

/** A validated envelope, as parseEnvelope returns it. Nothing in it is verified yet: see openMessage. */
export interface ParsedEnvelope extends EnvelopeFields {
  readonly version: typeof ENVELOPE_VERSION;
  /** True when the envelope carries wrapped session keys (a session's first message). */
  readonly carriesKeys: boolean;
  /** The session key wrapped for `userId`, or undefined when the envelope has none for them. */
  wrappedKeyFor(userId: number): Buffer | undefined;
}

/** Size bounds. RSA outputs are the modulus size: 1024 bytes covers keys up to 8192 bits. */
const MAX_RSA_BYTES = 1024;
const MAX_RECIPIENTS = 100_000;
const MAX_CIPHERTEXT_BYTES = 16 * 1024 * 1024;
const FIELDS = ['v', 's', 'n', 'k', 'iv', 'c', 'sig'] as const;

/** The MessagePack bytes of an envelope. */
export function encodeEnvelope(fields: EnvelopeFields): Buffer {
  const map: Record<string, unknown> = { v: ENVELOPE_VERSION, s: fields.sessionId, n: fields.index };
  if (fields.wrappedKeys.length > 0) map.k = fields.wrappedKeys.map(([userId, wrapped]) => [userId, wrapped]);
  map.iv = fields.iv;
  map.c = fields.ciphertext;
  map.sig = fields.signature;
  return pack(map);
}

/**
 * Decodes and validates an envelope's shape: version, field types and sizes, wrapped keys ascending by
 * user id. Throws BadEnvelopeError on anything else. Says nothing about authenticity: openMessage does.
 */
export function parseEnvelope(bytes: Uint8Array): ParsedEnvelope {
  // msgpackr hands back bin fields as the same type as its input: decode from a Buffer to get Buffers.
  const map = plainMap(
    unpack(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)),
    FIELDS,
    'envelope',
  );
  if (map.v !== ENVELOPE_VERSION) throw new BadEnvelopeError(`unsupported version ${String(map.v)}`);
  const wrappedKeys = map.k === undefined ? [] : readWrappedKeys(map.k);
  return new Envelope({
    sessionId: binary(map.s, 's', 16, 16),
    index: integer(map.n, 'n', 0, MAX_MESSAGE_INDEX),
    wrappedKeys,
    iv: binary(map.iv, 'iv', 12, 12),
    ciphertext: binary(map.c, 'c', 16, MAX_CIPHERTEXT_BYTES),
    signature: binary(map.sig, 'sig', 1, MAX_RSA_BYTES),
  });
}

function readWrappedKeys(value: unknown): [number, Buffer][] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_RECIPIENTS) {
    throw new BadEnvelopeError('k is not a non-empty list of wrapped keys');
  }
  const out: [number, Buffer][] = [];
  for (const entry of value) {
    if (!Array.isArray(entry) || entry.length !== 2) throw new BadEnvelopeError('k entry is not a [userId, wrapped] pair');
    const userId = integer(entry[0], 'k user id', 0, Number.MAX_SAFE_INTEGER);
    if (out.length > 0 && userId <= out[out.length - 1]![0]) throw new BadEnvelopeError('k is not in ascending user id order');
    out.push([userId, binary(entry[1], 'k wrapped key', 1, MAX_RSA_BYTES)]);
  }
  return out;
}

class Envelope implements ParsedEnvelope {
  readonly version = ENVELOPE_VERSION;
  readonly sessionId: Buffer;
  readonly index: number;
  readonly wrappedKeys: readonly (readonly [number, Buffer])[];
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly signature: Buffer;

  constructor(fields: EnvelopeFields) {
    this.sessionId = fields.sessionId;
    this.index = fields.index;
    this.wrappedKeys = fields.wrappedKeys;
    this.iv = fields.iv;
    this.ciphertext = fields.ciphertext;
    this.signature = fields.signature;
  }

  get carriesKeys(): boolean {
    return this.wrappedKeys.length > 0;
  }

  wrappedKeyFor(userId: number): Buffer | undefined {
    // Binary search: a group's first message may carry one wrap per member.
    let low = 0;
    let high = this.wrappedKeys.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const [id, wrapped] = this.wrappedKeys[mid]!;
      if (id === userId) return wrapped;
      if (id < userId) low = mid + 1;
      else high = mid - 1;
    }
    return undefined;
  }
}
