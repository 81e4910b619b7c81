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

/**
 * The group that `name` picks among those the user is still in, or a `not_found` / `conflict` error.
 * `name` is a group's name (any letter case), or, to pick one of several groups that share a name,
 * `name#id` or `#id` as `groupLabel` shows them. The ambiguity error lists the choices, each with
 * its members, so the user can tell them apart.
 */
export function findGroupByName(
  conversations: Iterable<ConversationView>,
  name: string,
  nameOf: (userId: number) => string,
): ConversationView {
  const groups = currentGroups(conversations);
  const picked = GROUP_REFERENCE.exec(name.trim());
  const wanted = (picked?.[1] ?? name).replace(/^#(?=\D)/, '');
  const id = picked ? Number(picked[2]) : undefined;
  let matches = groups.filter((c) => (id === undefined || c.conversation === id) && (wanted === '' || sameName(c.name, wanted)));
  // A group may itself be named like `x#12`: taken literally when no group has that id.
  if (matches.length === 0 && picked) matches = groups.filter((c) => sameName(c.name, name.trim()));
  if (matches.length === 0) {
    throw new RequestFailedError('not_found', id === undefined ? `you are in no group named ${name}` : `you are in no group ${name}`);
  }
  if (matches.length > 1) {
    const choices = matches.map((c) => `${groupLabel(c, groups)} (${c.members.map((m) => nameOf(m.user)).join(', ')})`);
    throw new RequestFailedError(
      'conflict',
      `you are in ${matches.length} groups named ${wanted}: ${choices.join('; ')}. Name one as ${groupLabel(matches[0]!, groups)}`,
    );
  }
  return matches[0]!;
}

/**
 * How a group is named to the user: its name, followed by `#id` when another group the user is in
 * has the same name (the form findGroupByName accepts to pick it).
 */
export function groupLabel(group: ConversationView, conversations: Iterable<ConversationView>): string {
  const name = group.name ?? '';
  const shared = currentGroups(conversations).some((c) => c.conversation !== group.conversation && sameName(c.name, name));
  return shared ? `${name}#${group.conversation}` : name;
}

/** `team#12`, `team #12` or `#12`: a name (optional) and a group's id. */
const GROUP_REFERENCE = /^(.*?)\s*#(\d+)$/;

function currentGroups(conversations: Iterable<ConversationView>): ConversationView[] {
  return [...conversations].filter((c) => c.kind === 'group' && c.leftSeq === undefined);
}

function sameName(a: string | undefined, b: string): boolean {
  return a?.toLowerCase() === b.toLowerCase();
}
