import { UsageError, type SlashCommand } from './types.js';

/** `/block USER`: no direct messages and no group adds from USER. */
export const blockCommand: SlashCommand = {
  name: 'block',
  usage: '/block USER',
  describe: 'refuse their DMs and group adds',
  async run(words, _rest, { client, actions }) {
    const [who] = words;
    if (!who) throw new UsageError('name the user: /block USER');
    const user = await client.findUser(who);
    await client.block(user.id);
    actions.info(
      `blocked ${user.name}: their direct messages to you are refused, and they cannot add you to groups (/unblock ${user.name} lifts it)`,
    );
  },
};

/** `/unblock USER`; `/unblock` alone lists whom you blocked. */
export const unblockCommand: SlashCommand = {
  name: 'unblock',
  usage: '/unblock [USER]',
  describe: 'lift a block (alone: list them)',
  async run(words, _rest, { client, actions }) {
    const [who] = words;
    if (!who) {
      const blocked = await client.blocked();
      return actions.info(blocked.length === 0 ? 'you blocked nobody' : `you blocked: ${blocked.map((u) => u.name).join(', ')}`);
    }
    const user = await client.findUser(who);
    await client.unblock(user.id);
    actions.info(`unblocked ${user.name}`);
  },
};
