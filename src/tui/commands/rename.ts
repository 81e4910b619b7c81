import { openGroup, UsageError, type SlashCommand } from './types.js';

/** `/rename NAME`: renames the open group. */
export const renameCommand: SlashCommand = {
  name: 'rename',
  usage: '/rename NAME',
  describe: 'rename the open group',
  async run(_words, rest, context) {
    const name = rest.trim();
    if (!name) throw new UsageError('give the new name: /rename NAME');
    const group = openGroup(context);
    await context.client.request({ t: 'group_rename', conversation: group.id, name });
    context.actions.info(`renamed #${group.name} to #${name}`);
  },
};
