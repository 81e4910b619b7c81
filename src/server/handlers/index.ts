import type { OkReply, Request, RequestType } from '../../protocol/index.js';
import { RequestError } from '../errors.js';
import type { Handler, RequestContext } from '../handler.js';
import { hello } from './hello.js';
import { ping } from './ping.js';
import { route } from './route.js';

/** Every request type's handler. The mapped type makes a missing handler a compile error. */
export const HANDLERS: { readonly [T in RequestType]: Handler<T> } = { hello, ping, route };

/**
 * Runs one validated request through its handler, enforcing where it is served and the `hello`
 * gate (protocol.md § Session), and wraps the result as its `ok` reply.
 */
export async function dispatch(request: Request, context: RequestContext): Promise<OkReply> {
  const handler = HANDLERS[request.t] as Handler<RequestType>;
  if (!handler.roles.includes(context.role)) {
    throw new RequestError('wrong_port', `"${request.t}" is not served on a ${context.role} port`);
  }
  if (context.role === 'node' && !handler.beforeHello && !context.greeted) {
    throw new RequestError('hello_required', `send "hello" before "${request.t}"`);
  }
  const result = await handler.handle(request as never, context);
  return { ...result, t: 'ok', id: request.id } as OkReply;
}
