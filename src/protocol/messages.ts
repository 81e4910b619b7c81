import type { ErrorCode } from './error-codes.js';
import { arrayOf, int, literal, object, optional, str, type Infer } from './schema.js';

/**
 * The message catalog (docs/protocol.md § Messages). Requests are defined by their schemas; their
 * TypeScript types are inferred from them. Every request carries an `id` and gets exactly one reply:
 * `ok` with the result fields of its type, or `error`.
 */

/** Protocol versions this build speaks, newest last. */
export const PROTOCOL_VERSIONS = [1] as const;
export const PROTOCOL_VERSION = 1;

/** Request ids are chosen by the client: any unsigned 32-bit integer, unique among its pending requests. */
export const requestId = int({ min: 0, max: 0xffff_ffff });

export const helloRequest = object({
  t: literal('hello'),
  id: requestId,
  /** Versions the client speaks; the server picks the highest it shares. */
  versions: arrayOf(int({ min: 1, max: 0xffff }), { min: 1, max: 16 }),
  /** Free-form client name and version, for logs (`fastchat/0.1.0`). */
  client: optional(str({ max: 64 })),
});

export const pingRequest = object({
  t: literal('ping'),
  id: requestId,
});

export const routeRequest = object({
  t: literal('route'),
  id: requestId,
});

/** Every request schema by its `t`. Adding a request here makes the server's handler table incomplete until it is handled. */
export const REQUEST_SCHEMAS = {
  hello: helloRequest,
  ping: pingRequest,
  route: routeRequest,
} as const;

export type RequestType = keyof typeof REQUEST_SCHEMAS;
export type RequestOf<T extends RequestType> = Infer<(typeof REQUEST_SCHEMAS)[T]>;
export type Request = { [T in RequestType]: RequestOf<T> }[RequestType];

/** Limits the server announces in its `hello` reply. */
export interface ServerLimits {
  readonly maxFrameBytes: number;
}

export const helloResult = object({
  version: int({ min: 1, max: 0xffff }),
  server: str({ max: 64 }),
  limits: object({ maxFrameBytes: int({ min: 1, max: 0xffff_ffff }) }),
});

export const pingResult = object({
  /** Server clock, milliseconds since the Unix epoch. */
  time: int({ min: 0, max: Number.MAX_SAFE_INTEGER }),
});

export const routeResult = object({
  host: str({ min: 1, max: 255 }),
  port: int({ min: 1, max: 65535 }),
});

/** The result fields of each request's `ok` reply. */
export const RESULT_SCHEMAS = {
  hello: helloResult,
  ping: pingResult,
  route: routeResult,
} as const satisfies Record<RequestType, unknown>;

export type ResultOf<T extends RequestType> = Infer<(typeof RESULT_SCHEMAS)[T]>;

/** `ok` reply: the request's id plus its result fields, flattened into the map. */
export type OkReply<T extends RequestType = RequestType> = { readonly t: 'ok'; readonly id: number } & ResultOf<T>;

/** `error` reply or connection-level error (no `id`: the stream broke and will be closed). */
export interface ErrorReply {
  readonly t: 'error';
  readonly id?: number;
  readonly code: ErrorCode;
  readonly message: string;
}

/** Everything a server sends. Pushes (no `id`) join this union as features add them. */
export type ServerMessage = OkReply | ErrorReply;
