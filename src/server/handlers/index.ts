import type { OkReply, Request, RequestType } from '../../protocol/index.js';
import { StoreError } from '../../store/errors.js';
import { RequestError } from '../errors.js';
import type { Handler, RequestContext } from './handler.js';
import { changePassword } from './change-password.js';
import { conversations } from './conversations.js';
import { endSession } from './end-session.js';
import { groupAdd } from './group-add.js';
import { groupCreate } from './group-create.js';
import { groupLeave } from './group-leave.js';
import { groupRemove } from './group-remove.js';
import { groupRename } from './group-rename.js';
import { hello } from './hello.js';
import { history } from './history.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { openDirect } from './open-direct.js';
import { ping } from './ping.js';
import { publishKeys } from './publish-keys.js';
import { receipt } from './receipt.js';
import { resume } from './resume.js';
import { route } from './route.js';
import { send } from './send.js';
import { sessions } from './sessions.js';
import { block, blocks, unblock } from './blocks.js';
import { signup } from './signup.js';
import { sync } from './sync.js';
import { typing } from './typing.js';
import { users } from './users.js';

/** Every request type's handler. The mapped type makes a missing handler a compile error. */
export const HANDLERS: { readonly [T in RequestType]: Handler<T> } = {
  hello,
  ping,
  route,
  signup,
  login,
  resume,
  logout,
  publish_keys: publishKeys,
  sessions,
  end_session: endSession,
  change_password: changePassword,
  block,
  unblock,
  blocks,
  users,
  conversations,
  open_direct: openDirect,
  sync,
  send,
  receipt,
  history,
  typing,
  group_create: groupCreate,
  group_add: groupAdd,
  group_remove: groupRemove,
  group_leave: groupLeave,
  group_rename: groupRename,
};

/** Store refusals that are the client's to hear, with the same code on the wire. */
const CLIENT_STORE_CODES = new Set(['name_taken', 'forbidden', 'not_found', 'conflict']);

/**
 * Runs one validated request through its handler, enforcing where it is served, the `hello` gate and
 * the login gate (protocol.md § Session), and wraps the result as its `ok` reply.
 */
export async function dispatch(request: Request, context: RequestContext): Promise<OkReply> {
  const handler = HANDLERS[request.t] as Handler<RequestType>;
  if (!handler.roles.includes(context.role)) {
    throw new RequestError('wrong_port', `"${request.t}" is not served on a ${context.role} port`);
  }
  if (context.role === 'node' && !handler.beforeHello && !context.session.greeted) {
    throw new RequestError('hello_required', `send "hello" before "${request.t}"`);
  }
  if ((handler.access ?? 'user') === 'user') context.session.requireUser();
  try {
    const result = await handler.handle(request, context);
    return { ...result, t: 'ok', id: request.id };
  } catch (error) {
    if (error instanceof StoreError && CLIENT_STORE_CODES.has(error.code)) {
      throw new RequestError(error.code as 'forbidden', error.message, { cause: error });
    }
    throw error;
  }
}
