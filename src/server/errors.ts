import type { ErrorCode } from '../protocol/index.js';

/** A request failed for a reason the client should see: becomes an `error` reply with `code`. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number; holdConnection?: boolean },
  ) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
    this.holdConnection = options?.holdConnection ?? false;
  }

  /** With `rate_limited`: when the client may try again. */
  readonly retryAfterMs: number | undefined;
  /** Read nothing more of the connection until `retryAfterMs` has passed (request-gate.ts). */
  readonly holdConnection: boolean;
}

/** A listening port could not be bound because another process holds it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  readonly code = 'port_in_use';
  constructor(
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(`port ${port} on ${host} is already in use`, options);
  }
}

/** A listening port could not be bound for another reason (permission, bad address). */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  readonly code = 'listen_failed';
  constructor(
    readonly host: string,
    readonly port: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot listen on ${host}:${port}: ${detail}`, options);
  }
}
