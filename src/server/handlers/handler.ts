import type { RequestOf, RequestType, ResultOf } from '../../protocol/index.js';
import type { ClientSession } from '../session/client-session.js';
import type { ServerServices } from '../services.js';

/** What a port serves: chat sessions (`node`) or routing to the least-loaded node port (`coordinator`). */
export type PortRole = 'node' | 'coordinator';

/** The connection a request arrived on. */
export interface RequestContext {
  readonly role: PortRole;
  readonly services: ServerServices;
  readonly session: ClientSession;
  /** The address the client reached us on (the socket's local address), when known. */
  readonly localAddress: string | undefined;
}

/** Who may send a request: anyone (after `hello` on a node port), or a logged-in user only. */
export type Access = 'anyone' | 'user';

/** One handler per request type (house rule 2); the table in handlers/index.ts must cover every type. */
export interface Handler<T extends RequestType> {
  /** Ports that serve this request; elsewhere it gets `wrong_port`. */
  readonly roles: readonly PortRole[];
  /** Whether a node port serves it before `hello` (the coordinator never asks for `hello`). */
  readonly beforeHello?: boolean;
  /** @default 'user' */
  readonly access?: Access;
  handle(request: RequestOf<T>, context: RequestContext): ResultOf<T> | Promise<ResultOf<T>>;
}

/** Handlers of chat requests: node ports only, after hello, logged in. */
export const NODE_ONLY: readonly PortRole[] = ['node'];
