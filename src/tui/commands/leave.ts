import { openGroup, type SlashCommand } from './types.js';

/** `/leave`: leaves the open group. */
export const leaveCommand: SlashCommand = {
  name: 'leave',
  usage: '/leave',
  describe: 'leave the open group',
  async run(_words, _rest, context) {
    const group = openGroup(context);
    await context.client.request({ t: 'group_leave', conversation: group.id });
    context.dispatch({ type: 'left', conversation: group.id });
    context.actions.info(`left #${group.name}`);
  },
};
