import type { Argv, CommandModule } from 'yargs';
import type { ChatClient } from '../../client/index.js';
import { groupLabel } from '../../client/index.js';
import type { ConversationView } from '../../protocol/index.js';
import { inert } from '../../util/inert-text.js';
import type { GlobalArgs } from '../global-options.js';
import { findGroup } from '../find-group.js';
import { withClient } from '../open-client.js';

interface GroupArgs extends GlobalArgs {
  group: string;
  members?: string[];
  member?: string;
  name?: string;
}

/** The group as the user should name it: `#team`, or `#team#12` when they are in two named team. */
function shown(client: ChatClient, group: ConversationView): string {
  return `#${inert(groupLabel(group, client.conversations.values()))}`;
}

const create: CommandModule<GlobalArgs, GroupArgs> = {
  command: 'create <group> [members..]',
  describe: 'create a group with these members (you are its admin)',
  handler: async (args) =>
    withClient(args, async (client) => {
      const members = await Promise.all((args.members ?? []).map((name) => client.findUser(name)));
      const { conversation } = await client.request({ t: 'group_create', name: args.group, members: members.map((m) => m.id) });
      // The new group's own push may not have arrived yet: it is added to the groups compared.
      const label = `#${inert(groupLabel(conversation, [...client.conversations.values(), conversation]))}`;
      const note =
        label === `#${inert(args.group)}` ? '' : ` (you are in other groups named ${inert(args.group)}: name this one ${label.slice(1)})`;
      process.stdout.write(`created ${label} with ${conversation.members.length} members${note}\n`);
    }),
};

function change(verb: 'add' | 'remove'): CommandModule<GlobalArgs, GroupArgs> {
  return {
    command: `${verb} <group> <member>`,
    describe: verb === 'add' ? 'add a member (admins only)' : 'remove a member (admins only)',
    handler: async (args) =>
      withClient(args, async (client) => {
        const group = await findGroup(client, args.group);
        const user = await client.findUser(args.member!);
        await client.changeMembers(verb === 'add' ? 'group_add' : 'group_remove', group.conversation, user.id);
        process.stdout.write(
          `${verb === 'add' ? 'added' : 'removed'} ${user.name} ${verb === 'add' ? 'to' : 'from'} ${shown(client, group)}\n`,
        );
      }),
  };
}

const rename: CommandModule<GlobalArgs, GroupArgs> = {
  command: 'rename <group> <name>',
  describe: 'give a group a new name (admins only)',
  handler: async (args) =>
    withClient(args, async (client) => {
      const group = await findGroup(client, args.group);
      const before = shown(client, group);
      await client.request({ t: 'group_rename', conversation: group.conversation, name: args.name! });
      process.stdout.write(`renamed ${before} to #${inert(args.name!)}\n`);
    }),
};

const leave: CommandModule<GlobalArgs, GroupArgs> = {
  command: 'leave <group>',
  describe: 'leave a group',
  handler: async (args) =>
    withClient(args, async (client) => {
      const group = await findGroup(client, args.group);
      const label = shown(client, group);
      await client.request({ t: 'group_leave', conversation: group.conversation });
      process.stdout.write(`left ${label}\n`);
    }),
};

const accept: CommandModule<GlobalArgs, GroupArgs> = {
  command: 'accept <group> <member>',
  describe: 'encrypt to a member this client never saw added (after checking they belong there)',
  handler: async (args) =>
    withClient(args, async (client) => {
      const group = await findGroup(client, args.group);
      const user = await client.findUser(args.member!);
      await client.acceptMember(group.conversation, user.id);
      process.stdout.write(`accepted ${inert(user.name)} in ${shown(client, group)}: messages there are encrypted to them too\n`);
    }),
};

/** `fastchat group create|add|remove|rename|leave|accept …`. A group is named `team`, or `team#12` when names are shared. */
export const groupCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'group <command>',
  describe: 'create a group, add or remove members, rename it, leave, accept a member',
  builder: (cli: Argv<GlobalArgs>) =>
    cli.command(create).command(change('add')).command(change('remove')).command(rename).command(leave).command(accept).demandCommand(1),
  handler: () => undefined,
};
