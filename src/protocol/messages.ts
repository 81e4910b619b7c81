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
  hello: requests.helloRequestSchema,
  ping: requests.pingRequestSchema,
  route: requests.routeRequestSchema,
  signup: requests.signupRequestSchema,
  login: requests.loginRequestSchema,
  resume: requests.resumeRequestSchema,
  logout: requests.logoutRequestSchema,
  publish_keys: requests.publishKeysRequestSchema,
  sessions: requests.sessionsRequestSchema,
  end_session: requests.endSessionRequestSchema,
  change_password: requests.changePasswordRequestSchema,
  block: requests.blockRequestSchema,
  unblock: requests.unblockRequestSchema,
  blocks: requests.blocksRequestSchema,
  users: requests.usersRequestSchema,
  conversations: requests.conversationsRequestSchema,
  open_direct: requests.openDirectRequestSchema,
  sync: requests.syncRequestSchema,
  send: requests.sendRequestSchema,
  receipt: requests.receiptRequestSchema,
  history: requests.historyRequestSchema,
  typing: requests.typingRequestSchema,
  group_create: requests.groupCreateRequestSchema,
  group_add: requests.groupAddRequestSchema,
  group_remove: requests.groupRemoveRequestSchema,
  group_leave: requests.groupLeaveRequestSchema,
  group_rename: requests.groupRenameRequestSchema,
} as const;

/** The result fields of each request's `ok` reply. */
export const RESULT_SCHEMAS = {
  hello: results.helloResultSchema,
  ping: results.pingResultSchema,
  route: results.routeResultSchema,
  signup: results.sessionResultSchema,
  login: results.sessionResultSchema,
  resume: results.sessionResultSchema,
  logout: results.emptyResult,
  publish_keys: results.accountResultSchema,
  sessions: results.sessionsResultSchema,
  end_session: results.emptyResult,
  change_password: results.passwordResultSchema,
  block: results.emptyResult,
  unblock: results.emptyResult,
  blocks: results.blocksResultSchema,
  users: results.usersResultSchema,
  conversations: results.conversationsResultSchema,
  open_direct: results.groupCreateResultSchema,
  sync: results.conversationsResultSchema,
  send: results.sendResultSchema,
  receipt: results.receiptResultSchema,
  history: results.historyResultSchema,
  typing: results.emptyResult,
  group_create: results.groupCreateResultSchema,
  group_add: results.membershipResultSchema,
  group_remove: results.membershipResultSchema,
  group_leave: results.membershipResultSchema,
  group_rename: results.membershipResultSchema,
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
