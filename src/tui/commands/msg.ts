import { UsageError, type SlashCommand } from './types.js';

/** `/msg USER [text]`: opens the direct conversation with USER, and sends the text if given. */
export const msgCommand: SlashCommand = {
  name: 'msg',
  usage: '/msg USER [text]',
  describe: 'talk to USER (and send text)',
  async run(words, rest, { client, actions }) {
    const [name] = words;
    if (!name) throw new UsageError('name someone: /msg USER [text]');
    const user = await client.findUser(name);
    const conversation = await actions.openUser(user.id);
    const text = rest.trim().slice(name.length).trim();
    if (text) await actions.send(conversation, text);
  },
};
