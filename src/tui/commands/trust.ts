import { UsageError, type SlashCommand } from './types.js';

/** `/trust USER`: accepts USER's changed key after checking the fingerprint with them. */
export const trustCommand: SlashCommand = {
  name: 'trust',
  usage: '/trust USER',
  describe: "accept USER's changed key (after comparing fingerprints)",
  async run(words, _rest, { client, actions }) {
    const [who] = words;
    if (!who) throw new UsageError('name the user: /trust USER');
    const user = await client.findUser(who);
    await client.trust(user.id);
    actions.info(`now trusting ${user.name}'s key ${client.keyring.get(user.id)?.fingerprint ?? ''}`);
  },
};
