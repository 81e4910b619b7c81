/**
 * Stable, machine-readable error codes carried by `error` frames (docs/protocol.md § Errors).
 * Clients switch on these; the human `message` beside them may change freely.
 */
export const ERROR_CODES = [
  /** The byte stream broke a framing rule; the connection is closed after this error. */
  'bad_frame',
  /** A frame declared a length above the negotiated maximum; the connection is closed. */
  'frame_too_large',
  /** The first byte was neither a frame (0x00) nor legacy JSON; the connection is closed. */
  'unknown_codec',
  /** A request's fields are missing, mistyped or out of range. The connection stays open. */
  'bad_request',
  /** The request type `t` is not one this server knows. The connection stays open. */
  'unknown_type',
  /** A request other than `hello` arrived before `hello`. */
  'hello_required',
  /** `hello` offered no protocol version this server speaks. */
  'unsupported_version',
  /** The request is valid but not served on this port (for example `route` on a node port). */
  'wrong_port',
  /** The connection wrote faster than it read; the server dropped it. */
  'slow_consumer',
  /** The client's address already holds the most connections allowed; this one is closed. */
  'too_many_connections',
  /** The connection did not log in (or, on the coordinator, finish) in time; it is closed. */
  'idle_timeout',
  /** No node port is available to route to. */
  'unavailable',
  /** A plain (unencrypted) framed connection to a server that requires TLS; the connection is closed. */
  'tls_required',
  /** The server is shutting down. */
  'shutting_down',
  /** The request needs a logged-in session. */
  'not_logged_in',
  /** `login`, `signup` or `resume` on a session that is already logged in (log out first). */
  'already_logged_in',
  /** `signup`: the name is taken, in any letter case. */
  'name_taken',
  /** `login`: no such user, or the wrong secret (deliberately not told apart); `resume`: an unknown, expired or revoked token. */
  'bad_credentials',
  /**
   * `publish_keys`: a new identity key in place of the published one without the published key's
   * signature over the change (`keyProof`), or with one that does not verify. The old key stays.
   */
  'bad_key_proof',
  /**
   * The session was ended by the user from another session (`end_session`), or the password was
   * changed (`change_password`): the connection is closed after this error, and a client does not log
   * in again on its own.
   */
  'session_ended',
  /** Too many attempts (failed logins, sends); `retryAfterMs` says when to try again. */
  'rate_limited',
  /** The user may not do this to this conversation (not a member, not an admin). */
  'forbidden',
  /** The user or conversation does not exist. */
  'not_found',
  /** The change contradicts the current state (already a member, not a member, a direct conversation). */
  'conflict',
  /**
   * `send`: an earlier send of this connection to the same conversation was refused (not for good), so
   * this one is not stored before it: resend from the refused one on, in order (protocol.md § Delivery).
   */
  'out_of_order',
  /** The server failed; the request may be retried. */
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN = new Set<string>(ERROR_CODES);

/** True when `code` is one of the stable codes above. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code);
}

/**
 * Refusals of a `send` after which sending the same message again cannot succeed: the client drops it
 * from its outbox. After any other refusal the message is resent, with the same `cid`, and the later
 * sends of that connection to that conversation wait for it (`out_of_order`, protocol.md § Delivery).
 */
export const FINAL_SEND_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['forbidden', 'not_found', 'bad_request']);
