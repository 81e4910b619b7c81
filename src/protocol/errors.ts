import type { ErrorCode } from './error-codes.js';

/**
 * Base of every error the codecs raise. `code` is the wire error code the server answers with;
 * `fatal` says whether the byte stream can still be trusted (false only for request-level errors).
 */
export class ProtocolError extends Error {
  override readonly name: string = 'ProtocolError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fatal: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A frame header declared length 0, which no message can have. */
export class EmptyFrameError extends ProtocolError {
  override readonly name = 'EmptyFrameError';
  constructor() {
    super('bad_frame', 'frame length 0 is invalid', true);
  }
}

/** A frame header declared more bytes than the limit; raised on the header, before any body is read. */
export class FrameTooLargeError extends ProtocolError {
  override readonly name = 'FrameTooLargeError';
  constructor(
    readonly declared: number,
    readonly limit: number,
  ) {
    super('frame_too_large', `frame of ${declared} bytes exceeds the limit of ${limit} bytes`, true);
  }
}

/** A frame body was not valid MessagePack, or had bytes left over after one value. */
export class MalformedPayloadError extends ProtocolError {
  override readonly name = 'MalformedPayloadError';
  constructor(detail: string, options?: { cause?: unknown }) {
    super('bad_frame', `frame payload is not valid MessagePack: ${detail}`, true, options);
  }
}

/**
 * A frame body holds more structure than the connection's decode bounds allow (a map of too many
 * entries, too many entries in all, or nesting too deep): refused before it is decoded.
 */
export class FrameTooComplexError extends ProtocolError {
  override readonly name = 'FrameTooComplexError';
  constructor(detail: string) {
    super('bad_frame', `frame refused before decoding: ${detail}`, true);
  }
}

/** A frame body decoded to something other than a map, or to a map without a string `t`. */
export class NotAMessageError extends ProtocolError {
  override readonly name = 'NotAMessageError';
  constructor(detail: string) {
    super('bad_frame', `frame payload is not a message: ${detail}`, true);
  }
}

/** The first byte of a connection matched no codec. */
export class UnknownCodecError extends ProtocolError {
  override readonly name = 'UnknownCodecError';
  constructor(readonly firstByte: number) {
    super(
      'unknown_codec',
      `unrecognised first byte 0x${firstByte.toString(16).padStart(2, '0')}: expected a fastchat frame (0x00) or legacy JSON ('{')`,
      true,
    );
  }
}

/** Legacy JSON stream: a byte outside any object that is not whitespace, or an object JSON.parse rejects. */
export class LegacySyntaxError extends ProtocolError {
  override readonly name = 'LegacySyntaxError';
  constructor(detail: string, options?: { cause?: unknown }) {
    super('bad_frame', `legacy JSON stream is malformed: ${detail}`, true, options);
  }
}

/** Legacy JSON stream: an object grew past the buffer cap (or nested too deep) before it closed. */
export class LegacyOverflowError extends ProtocolError {
  override readonly name = 'LegacyOverflowError';
  constructor(detail: string) {
    super('frame_too_large', `legacy JSON object too large: ${detail}`, true);
  }
}

/** A decoded message failed validation: a field is missing, mistyped or out of range. */
export class InvalidMessageError extends ProtocolError {
  override readonly name = 'InvalidMessageError';
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super('bad_request', `${path}: ${detail}`, false);
  }
}
