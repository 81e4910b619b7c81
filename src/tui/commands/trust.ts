import { UsageError, type SlashCommand } from './types.js';

/** `/trust USER`: accepts USER's changed key after checking the fingerprint with them. */
export const trustCommand: SlashCommand = {
  name: 'trust',
  usage: '/trust USER',
  describe: "accept USER's new key, once checked",
  async run(words, _rest, { client, actions }) {
    const [who] = words;
    if (!who) throw new UsageError('name the user: /trust USER');
    const user = await client.findUser(who);
    await client.trust(user.id);
    // Trusting sends nothing by itself: what failed for the changed key goes again only when asked.
    actions.info(`now trusting ${user.name}'s key ${client.keyring.get(user.id)?.fingerprint ?? ''}; Ctrl-R retries what failed`);
  },
};
