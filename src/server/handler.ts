import type { RequestOf, RequestType, ResultOf } from '../protocol/index.js';
import type { Logger } from '../util/logger.js';
import type { PortLoad } from './port-load.js';

/** What a port serves: chat sessions (`node`) or routing to the least-loaded node port (`coordinator`). */
export type PortRole = 'node' | 'coordinator';

/** The server-wide facts and services a handler may use. */
export interface ServerServices {
  readonly logger: Logger;
  readonly load: PortLoad;
  readonly maxFrameBytes: number;
  /** Host a client should dial to reach a node port, when the server is told one. */
  readonly advertiseHost: string | undefined;
  /** Host the server listens on, the fallback for routing. */
  readonly listenHost: string;
}

/** The connection a request arrived on. */
export interface RequestContext {
  readonly role: PortRole;
  readonly services: ServerServices;
  /** The address the client reached us on (the socket's local address), when known. */
  readonly localAddress: string | undefined;
  /** True once `hello` succeeded on this connection. */
  readonly greeted: boolean;
  /** Records a successful `hello`: the negotiated version. */
  greet(version: number): void;
}

/** One handler per request type (house rule 2); the table in handlers/index.ts must cover every type. */
export interface Handler<T extends RequestType> {
  /** Ports that serve this request; elsewhere it gets `wrong_port`. */
  readonly roles: readonly PortRole[];
  /** Whether a node port serves it before `hello` (the coordinator never asks for `hello`). */
  readonly beforeHello: boolean;
  handle(request: RequestOf<T>, context: RequestContext): ResultOf<T> | Promise<ResultOf<T>>;
}
