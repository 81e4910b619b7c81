import type { ErrorCode } from './error-codes.js';
import * as requests from './requests.js';
import * as results from './results.js';
import type { Push } from './pushes.js';
import type { Infer } from './schema.js';

/**
 * The message catalog (docs/protocol.md § Messages): every request type with its schema and the
 * schema of its `ok` result. Types are inferred from the schemas, so the TypeScript union and the
 * runtime validation cannot drift. Every request carries an `id` and gets exactly one reply: `ok`
 * with the result fields of its type, or `error`.
 */

/** Protocol versions this build speaks, newest last. */
export const PROTOCOL_VERSIONS = [1] as const;
export const PROTOCOL_VERSION = 1;

export { requestId } from './ids.js';

/** Every request schema by its `t`. Adding one here makes the server's handler table incomplete until it is handled. */
export const REQUEST_SCHEMAS = {
  hello: requests.helloRequest,
  ping: requests.pingRequest,
  route: requests.routeRequest,
  signup: requests.signupRequest,
  login: requests.loginRequest,
  resume: requests.resumeRequest,
  logout: requests.logoutRequest,
  publish_keys: requests.publishKeysRequest,
  sessions: requests.sessionsRequest,
  end_session: requests.endSessionRequest,
  change_password: requests.changePasswordRequest,
  block: requests.blockRequest,
  unblock: requests.unblockRequest,
  blocks: requests.blocksRequest,
  users: requests.usersRequest,
  conversations: requests.conversationsRequest,
  open_direct: requests.openDirectRequest,
  sync: requests.syncRequest,
  send: requests.sendRequest,
  receipt: requests.receiptRequest,
  history: requests.historyRequest,
  typing: requests.typingRequest,
  group_create: requests.groupCreateRequest,
  group_add: requests.groupAddRequest,
  group_remove: requests.groupRemoveRequest,
  group_leave: requests.groupLeaveRequest,
  group_rename: requests.groupRenameRequest,
} as const;

/** The result fields of each request's `ok` reply. */
export const RESULT_SCHEMAS = {
  hello: results.helloResult,
  ping: results.pingResult,
  route: results.routeResult,
  signup: results.sessionResult,
  login: results.sessionResult,
  resume: results.sessionResult,
  logout: results.emptyResult,
  publish_keys: results.accountResult,
  sessions: results.sessionsResult,
  end_session: results.emptyResult,
  change_password: results.passwordResult,
  block: results.emptyResult,
  unblock: results.emptyResult,
  blocks: results.blocksResult,
  users: results.usersResult,
  conversations: results.conversationsResult,
  open_direct: results.groupCreateResult,
  sync: results.conversationsResult,
  send: results.sendResult,
  receipt: results.receiptResult,
  history: results.historyResult,
  typing: results.emptyResult,
  group_create: results.groupCreateResult,
  group_add: results.membershipResult,
  group_remove: results.membershipResult,
  group_leave: results.membershipResult,
  group_rename: results.membershipResult,
} as const satisfies Record<RequestType, unknown>;

export type RequestType = keyof typeof REQUEST_SCHEMAS;
export type RequestOf<T extends RequestType> = Infer<(typeof REQUEST_SCHEMAS)[T]>;
export type Request = { [T in RequestType]: RequestOf<T> }[RequestType];
export type ResultOf<T extends RequestType> = Infer<(typeof RESULT_SCHEMAS)[T]>;

/** `ok` reply: the request's id plus its result fields, flattened into the map. */
export type OkReply<T extends RequestType = RequestType> = { readonly t: 'ok'; readonly id: number } & ResultOf<T>;

/** `error` reply, or a connection-level error (no `id`: the stream broke and will be closed). */
export interface ErrorReply {
  readonly t: 'error';
  readonly id?: number;
  readonly code: ErrorCode;
  readonly message: string;
  /** With `rate_limited`: how long to wait before trying again. */
  readonly retryAfterMs?: number;
}

/** Everything a server sends on a framed connection. */
export type ServerMessage = OkReply | ErrorReply | Push;
