import type { LegacyHandler } from '../legacy-handler.js';
import { addConnection } from './add-connection.js';
import { createGrp } from './create-grp.js';
import { getUsers } from './get-users.js';
import { groupMessage } from './group-message.js';
import { killThread } from './kill-thread.js';
import { login } from './login.js';
import { sendMessage } from './send-message.js';
import { signup } from './signup.js';
import { startNotifications } from './start-notifications.js';

/** Every legacy `info-type` served (legacy-protocol.md § Messages, client to server), spelled as the original. */
export const LEGACY_HANDLERS: Readonly<Record<string, LegacyHandler>> = {
  'add-connection': addConnection,
  signup,
  login,
  start_notifications: startNotifications,
  'get-users': getUsers,
  'send-message': sendMessage,
  'create-grp': createGrp,
  'group-message': groupMessage,
  kill_thread: killThread,
};
