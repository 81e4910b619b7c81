import { ConnectError } from '../transport/errors.js';
import type { ErrorCode } from '../protocol/index.js';

/** The server answered a request with an `error` reply. */
export class RequestFailedError extends Error {
  override readonly name = 'RequestFailedError';
  constructor(
    /** An ErrorCode, or one a newer server sends (`string & {}` keeps the known ones offered by editors). */
    readonly code: ErrorCode | (string & {}),
    message: string,
    /** With `rate_limited`: when the server says to try again, in milliseconds. */
    readonly retryAfterMs?: number,
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
  override readonly name: string = 'ConnectionClosedError';
  readonly code: string = 'connection_closed';
  constructor(message = 'the connection to the server closed', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A request made while the client has no connection (between a loss and the reconnect). Always a
 * rejected promise, never a synchronous throw: callers in timers and key handlers only `.catch()`.
 * A ConnectionClosedError, so whatever treats a dropped connection as "try again later" treats this so.
 */
export class OfflineError extends ConnectionClosedError {
  override readonly name = 'OfflineError';
  override readonly code = 'offline';
  constructor(message = 'offline: not connected to the server') {
    super(message);
  }
}

/**
 * The coordinator answered, but the node port it named cannot be reached: typically a node that has
 * just died, which the coordinators keep naming until its heartbeat times out (docs/deploy.md). Asking
 * the coordinator again soon is the cure, not backing off as from a server that is down. A
 * ConnectError (`connect_failed`), so it reads as "unreachable" wherever that is shown.
 */
export class NodeUnreachableError extends ConnectError {
  constructor(
    readonly node: { readonly host: string; readonly port: number },
    cause: Error,
  ) {
    const address = node.host.includes(':') ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`;
    const detail = cause.message.replace(/^cannot reach the server at \S+: /, '');
    super(address, `${detail} (the node the coordinator named)`, { cause });
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

/** Local state (keys, cursors, outbox) could not be read or written. */
export class LocalStateError extends Error {
  override readonly name = 'LocalStateError';
  readonly code = 'local_state';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The password does not open this user's key (local file or server backup). */
export class WrongPasswordError extends Error {
  override readonly name = 'WrongPasswordError';
  readonly code = 'wrong_password';
  constructor(message = 'wrong name or password', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A new password (signup, change) the strength estimator finds too easy to guess; nothing was sent. */
export class WeakPasswordError extends Error {
  override readonly name = 'WeakPasswordError';
  readonly code = 'weak_password';
  constructor(message: string) {
    super(message);
  }
}

/**
 * A contact's key differs from the one first seen for them: never trusted silently. A message that
 * meets it fails with this reason (sender.ts), which says what to do: the fingerprints are shown by
 * `/fingerprint USER` and `fastchat users`.
 */
export class KeyChangedError extends Error {
  override readonly name = 'KeyChangedError';
  readonly code = 'key_changed';
  constructor(
    readonly userName: string,
    readonly pinned: string,
    readonly current: string,
    /** Whether the key pinned signed the change (keyring.ts signedByPinned). */
    readonly signedByPinned: boolean,
  ) {
    const trust = `trust the new key (/trust ${userName} in the TUI, fastchat keys trust ${userName} in a shell)`;
    super(
      signedByPinned
        ? `${userName}'s key changed, signed by the key you had pinned: compare fingerprints, ${trust}, then send it again (Ctrl-R in the TUI)`
        : `${userName}'s key changed and the key you had pinned did NOT sign the change: compare fingerprints in person, ${trust} only if they match, then send it again (Ctrl-R in the TUI)`,
    );
  }
}

/** A message cannot be sent as asked (unknown user, not a member, too long). */
export class SendError extends Error {
  override readonly name = 'SendError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The refusal of a message with nothing to read: empty, or only spaces and line breaks. */
export function blankMessageRefusal(): SendError {
  return new SendError('blank_message', 'nothing to send: the message is empty or only spaces');
}

/**
 * True for a request lost with its connection (closed, offline, timed out, or the server going down):
 * the reconnect brings the connection back and the work can be done again then.
 */
export function lostWithConnection(error: unknown): boolean {
  return (
    error instanceof ConnectionClosedError ||
    error instanceof RequestTimeoutError ||
    (error instanceof RequestFailedError && error.code === 'shutting_down')
  );
}

/** The refusal of text longer than one message holds (message-limit.ts), before anything is queued. */
export function tooLongRefusal(reason: string): SendError {
  return new SendError('message_too_long', `not sent: ${reason}`);
}

/** The refusal of text that legacy (2022) recipients cannot receive: it is not plain ASCII. */
export function legacyTextRefusal(names: readonly string[]): SendError {
  return new SendError(
    'legacy_text',
    `${names.join(', ')} ${names.length === 1 ? 'uses' : 'use'} a legacy (2022) client, which can only receive plain ASCII text: remove accents, emoji and other characters`,
  );
}
