import type { ConversationView, UserView } from '../protocol/index.js';
import { RequestFailedError } from './errors.js';
import type { Keyring } from './keyring.js';
import type { RpcConnection } from './rpc-connection.js';

/** The user with this name (any letter case), learnt by the keyring, or a `not_found` error. */
export async function findUserByName(rpc: RpcConnection, keyring: Keyring, name: string): Promise<UserView> {
  const { users } = await rpc.request({ t: 'users', prefix: name, limit: 500 });
  const user = users.find((u) => u.name.toLowerCase() === name.toLowerCase());
  if (!user) throw new RequestFailedError('not_found', `no user named ${name}`);
  keyring.learn(user);
  return user;
}

/** The group with this name that the user is still in, or a `not_found` / ambiguity error. */
export function findGroupByName(conversations: Iterable<ConversationView>, name: string): ConversationView {
  const matches = [...conversations].filter(
    (c) => c.kind === 'group' && c.leftSeq === undefined && c.name?.toLowerCase() === name.toLowerCase(),
  );
  if (matches.length === 0) throw new RequestFailedError('not_found', `you are in no group named ${name}`);
  if (matches.length > 1) throw new RequestFailedError('conflict', `you are in ${matches.length} groups named ${name}`);
  return matches[0]!;
}
