import { LegacyOverflowError, LegacySyntaxError } from './errors.js';
import { DEFAULT_LEGACY_MAX_DEPTH, DEFAULT_LEGACY_MAX_OBJECT_BYTES } from './limits.js';

/** One object of the 2022 protocol, as JSON.parse returned it. Fields are checked by the legacy adapter. */
export type LegacyObject = Record<string, unknown>;

export interface LegacyDecoderOptions {
  /** Largest object, in bytes, held while waiting for it to close. @default 64 KiB */
  readonly maxObjectBytes?: number;
  /** Deepest nesting of braces and brackets. @default 32 */
  readonly maxDepth?: number;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** JSON's insignificant whitespace: space, tab, line feed, carriage return. */
export function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/**
 * Streaming splitter for concatenated JSON objects: the successor of the 2022 `json_splitter`
 * (legacy-protocol.md § Transport). Unlike the original it tracks strings and escapes, so braces inside
 * strings do not count; keeps an unfinished object until the rest arrives (also when a chunk ends inside
 * a multi-byte UTF-8 character: bytes are only decoded once the object is complete, and UTF-8 never uses
 * ASCII byte values inside a multi-byte character); and caps what it holds.
 *
 * After it throws, the decoder is poisoned and the connection must be closed.
 */
export class LegacyJsonDecoder {
  readonly maxObjectBytes: number;
  readonly maxDepth: number;
  /** Bytes of the object being read (scanned up to #scanned). */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;
  #failed: Error | undefined;

  constructor(options: LegacyDecoderOptions = {}) {
    this.maxObjectBytes = options.maxObjectBytes ?? DEFAULT_LEGACY_MAX_OBJECT_BYTES;
    this.maxDepth = options.maxDepth ?? DEFAULT_LEGACY_MAX_DEPTH;
  }

  /** Bytes of an object that has started but not closed. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /** Feeds one chunk; calls `onObject` once per complete top-level object, in order. Throws a ProtocolError. */
  feed(chunk: Uint8Array, onObject: (object: LegacyObject) => void): void {
    if (this.#failed) throw this.#failed;
    try {
      this.#scan(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length), onObject);
    } catch (error) {
      this.#failed = error instanceof Error ? error : new Error(String(error));
      this.#pending = [];
      this.#pendingBytes = 0;
      throw error;
    }
  }

  #scan(chunk: Buffer, onObject: (object: LegacyObject) => void): void {
    let start = this.#depth > 0 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.#depth === 0) {
        if (byte === OPEN_BRACE) {
          start = i;
          this.#depth = 1;
        } else if (!isJsonWhitespace(byte)) {
          throw new LegacySyntaxError(`unexpected byte 0x${byte.toString(16).padStart(2, '0')} between objects`);
        }
        continue;
      }
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === BACKSLASH) this.#escaped = true;
        else if (byte === QUOTE) this.#inString = false;
        continue;
      }
      if (byte === QUOTE) {
        this.#inString = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (++this.#depth > this.maxDepth) throw new LegacyOverflowError(`nested deeper than ${this.maxDepth} levels`);
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        if (--this.#depth === 0) {
          this.#checkSize(i + 1 - start);
          onObject(this.#complete(chunk.subarray(start, i + 1)));
          start = -1;
        }
      }
    }
    if (this.#depth > 0) {
      const tail = chunk.subarray(start);
      this.#checkSize(tail.length);
      // Copy: the tail outlives this call and the caller may reuse its chunk.
      this.#pending.push(Buffer.from(tail));
      this.#pendingBytes += tail.length;
    }
  }

  #checkSize(added: number): void {
    if (this.#pendingBytes + added > this.maxObjectBytes) {
      throw new LegacyOverflowError(`object exceeds ${this.maxObjectBytes} bytes without closing`);
    }
  }

  #complete(last: Buffer): LegacyObject {
    const bytes = this.#pending.length === 0 ? last : Buffer.concat([...this.#pending, last]);
    this.#pending = [];
    this.#pendingBytes = 0;
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new LegacySyntaxError(error instanceof Error ? error.message : 'JSON.parse failed', { cause: error });
    }
    // Brackets are counted with braces, so `{]` closes depth too: make sure an object came out.
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new LegacySyntaxError('top-level value is not an object');
    }
    return value as LegacyObject;
  }
}

/**
 * Encodes one legacy JSON reply. Non-ASCII characters are written as \u escapes, as Python's
 * json.dumps does by default, so a reply cut by the client's single recv() never splits a character.
 */
export function encodeLegacyJson(object: LegacyObject): Buffer {
  const json = JSON.stringify(object).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return Buffer.from(json, 'latin1');
}

/** Encodes a bare ASCII reply: the coordinator's port number and the `1` / `0` of login and signup. */
export function encodeLegacyBare(text: string): Buffer {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new RangeError('legacy bare replies are printable ASCII');
  return Buffer.from(text, 'latin1');
}
