import type { ChatClient } from '../client/index.js';
import { RequestFailedError } from '../client/index.js';
import type { ConversationView } from '../protocol/index.js';

/**
 * The group `name` picks (client.findGroup), for a command. When several groups share the name, the
 * refusal lists each with its members: their names are learnt first, so that it shows names, not ids.
 */
export async function findGroup(client: ChatClient, name: string): Promise<ConversationView> {
  try {
    return client.findGroup(name);
  } catch (error) {
    if (!(error instanceof RequestFailedError) || error.code !== 'conflict') throw error;
    const groups = [...client.conversations.values()].filter((c) => c.kind === 'group');
    await client.keyring.keysOf([...new Set(groups.flatMap((g) => g.members.map((m) => m.user)))]);
    return client.findGroup(name);
  }
}
