import type { ErrorCode } from '../protocol/index.js';

/** The server answered a request with an `error` reply. */
export class RequestFailedError extends Error {
  override readonly name = 'RequestFailedError';
  constructor(
    readonly code: ErrorCode | string,
    message: string,
  ) {
    super(message);
  }
}

/** A request got no reply within its deadline. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  readonly code = 'timeout';
  constructor(
    readonly type: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply to "${type}" within ${timeoutMs} ms`);
  }
}

/** The connection closed (or broke) before a request was answered. */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
  readonly code = 'connection_closed';
  constructor(message = 'the connection to the server closed', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The server sent something that breaks the protocol. */
export class ServerProtocolError extends Error {
  override readonly name = 'ServerProtocolError';
  readonly code = 'server_protocol';
  constructor(message: string, options?: { cause?: unknown }) {
    super(`the server broke the protocol: ${message}`, options);
  }
}
