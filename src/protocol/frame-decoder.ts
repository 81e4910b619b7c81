import { EmptyFrameError, FrameTooLargeError, NotAMessageError } from './errors.js';
import { DEFAULT_DECODE_BOUNDS, DEFAULT_MAX_FRAME_BYTES, FRAME_HEADER_BYTES } from './limits.js';
import { unpackValue } from './msgpack.js';
import { checkDecodeBounds, type DecodeBounds } from './msgpack-bounds.js';

/** A decoded frame body: a map with a string `t`. Its other fields are unchecked until validation. */
export interface RawMessage {
  readonly t: string;
  readonly [field: string]: unknown;
}

/** What one frame may be: its body's size and, checked before decoding it, its structure. */
export interface FrameLimits extends DecodeBounds {
  /** Largest accepted frame body in bytes; a larger declared length fails on its header. */
  readonly maxFrameBytes: number;
}

export interface FrameDecoderOptions {
  /** Largest accepted frame body in bytes, with the default decode bounds. @default 1 MiB */
  readonly maxFrameBytes?: number;
  /**
   * The limits in full, instead of `maxFrameBytes`; a function is asked again at each frame's header,
   * so a server can hold a connection to tighter limits until it logs in.
   */
  readonly limits?: FrameLimits | (() => FrameLimits);
}

const EMPTY = Buffer.alloc(0);

/**
 * Streaming decoder for length-prefixed MessagePack frames (protocol.md § Framing).
 *
 * Chunks may split or coalesce frames anywhere: bytes of an unfinished frame are kept in a cursor
 * buffer that is compacted or grown only when a frame spans chunks, so the common case (whole frames
 * in one chunk) copies nothing. A frame's length is checked against the limit as soon as its 4-byte
 * header is present, before any of its body is buffered, and its structure against the decode bounds
 * (msgpack-bounds.ts) before it is decoded.
 *
 * After it throws, the decoder is poisoned: the stream can no longer be trusted and must be closed.
 */
export class FrameDecoder {
  readonly #limits: () => FrameLimits;
  #buffer: Buffer = EMPTY;
  /** True when #buffer is ours to write into (false while it is the caller's chunk). */
  #owned = false;
  #offset = 0;
  #length = 0;
  #failed: Error | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    const limits = options.limits ?? { ...DEFAULT_DECODE_BOUNDS, maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES };
    this.#limits = typeof limits === 'function' ? limits : () => limits;
  }

  /** The limits the next frame will be held to. */
  get limits(): FrameLimits {
    return this.#limits();
  }

  /** Bytes received but not yet part of a complete frame. */
  get bufferedBytes(): number {
    return this.#length;
  }

  /** Bytes of memory held for unfinished frames. */
  get capacity(): number {
    return this.#owned ? this.#buffer.length : 0;
  }

  /** Feeds one chunk; calls `onMessage` once per complete frame, in order. Throws a ProtocolError. */
  feed(chunk: Uint8Array, onMessage: (message: RawMessage) => void): void {
    if (this.#failed) throw this.#failed;
    this.#append(chunk);
    try {
      this.#drain(onMessage);
    } catch (error) {
      this.#failed = error instanceof Error ? error : new Error(String(error));
      this.#release();
      throw error;
    }
  }

  #drain(onMessage: (message: RawMessage) => void): void {
    while (this.#length >= FRAME_HEADER_BYTES) {
      const declared = this.#buffer.readUInt32BE(this.#offset);
      if (declared === 0) throw new EmptyFrameError();
      const limits = this.#limits();
      if (declared > limits.maxFrameBytes) throw new FrameTooLargeError(declared, limits.maxFrameBytes);
      const total = FRAME_HEADER_BYTES + declared;
      if (this.#length < total) break;
      const start = this.#offset + FRAME_HEADER_BYTES;
      this.#offset += total;
      this.#length -= total;
      checkDecodeBounds(this.#buffer, start, start + declared, limits);
      onMessage(toMessage(unpackValue(this.#buffer, start, start + declared)));
    }
    if (this.#length === 0) this.#release();
  }

  #append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.#length === 0) {
      // Nothing pending: read straight from the caller's chunk without copying it.
      this.#buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      this.#owned = false;
      this.#offset = 0;
      this.#length = chunk.length;
      return;
    }
    const needed = this.#length + chunk.length;
    if (this.#owned && this.#offset + needed <= this.#buffer.length) {
      this.#buffer.set(chunk, this.#offset + this.#length);
    } else if (this.#owned && needed <= this.#buffer.length) {
      this.#buffer.copyWithin(0, this.#offset, this.#offset + this.#length);
      this.#offset = 0;
      this.#buffer.set(chunk, this.#length);
    } else {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2, 4096));
      this.#buffer.copy(grown, 0, this.#offset, this.#offset + this.#length);
      grown.set(chunk, this.#length);
      this.#buffer = grown;
      this.#owned = true;
      this.#offset = 0;
    }
    this.#length = needed;
  }

  #release(): void {
    this.#buffer = EMPTY;
    this.#owned = false;
    this.#offset = 0;
    this.#length = 0;
  }
}

/** Checks that a decoded body is a message: a plain map with a string `t`. */
export function toMessage(value: unknown): RawMessage {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
    throw new NotAMessageError(`expected a map, got ${describe(value)}`);
  }
  const t = (value as { t?: unknown }).t;
  if (typeof t !== 'string' || t.length === 0) {
    throw new NotAMessageError('missing string field t');
  }
  return value as RawMessage;
}

function describe(value: unknown): string {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return 'binary';
  if (typeof value === 'object') return `an extension value (${value.constructor?.name ?? 'unknown'})`;
  return `a ${typeof value}`;
}
