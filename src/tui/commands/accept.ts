import { UsageError, openGroup, type SlashCommand } from './types.js';

/**
 * `/accept USER`: encrypts the open group's messages to USER too, although this client never saw
 * them added (a send failed `untrusted_members` naming them: docs/security.md, finding 3).
 */
export const acceptCommand: SlashCommand = {
  name: 'accept',
  usage: '/accept USER',
  describe: 'encrypt to a member never seen added',
  async run(words, _rest, context) {
    const [who] = words;
    if (!who) throw new UsageError('name the member: /accept USER');
    const group = openGroup(context);
    const user = await context.client.findUser(who);
    await context.client.acceptMember(group.id, user.id);
    context.actions.info(`${user.name} accepted in #${group.name}; Ctrl-R sends again what failed`);
  },
};
