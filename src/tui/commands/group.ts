import { openGroup, UsageError, type SlashCommand } from './types.js';

/** `/group create NAME USER…`, `/group add USER`, `/group remove USER` (in the open group). */
export const groupCommand: SlashCommand = {
  name: 'group',
  usage: '/group create NAME USER… | /group add USER | /group remove USER',
  describe: 'create a group; add/remove a member of the open one',
  async run(words, _rest, context) {
    const { client, dispatch, actions } = context;
    const [verb, ...args] = words;
    if (verb === 'create') {
      const [name, ...members] = args;
      if (!name) throw new UsageError('name the group: /group create NAME USER…');
      const users = await Promise.all(members.map((m) => client.findUser(m)));
      const { conversation } = await client.request({ t: 'group_create', name, members: users.map((u) => u.id) });
      dispatch({ type: 'conversations', views: [conversation] });
      actions.openConversation(conversation.conversation);
      actions.info(`created #${name} with ${conversation.members.length} members`);
      return;
    }
    if (verb === 'add' || verb === 'remove') {
      const [who] = args;
      if (!who || args.length !== 1) throw new UsageError(`name one user: /group ${verb} USER`);
      const group = openGroup(context);
      const user = await client.findUser(who);
      await client.changeMembers(verb === 'add' ? 'group_add' : 'group_remove', group.id, user.id);
      actions.info(`${verb === 'add' ? 'added' : 'removed'} ${user.name} ${verb === 'add' ? 'to' : 'from'} #${group.name}`);
      return;
    }
    throw new UsageError('use /group create NAME USER…, /group add USER or /group remove USER');
  },
};
