import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-options.js';
import { withClient } from '../open-client.js';

interface GroupArgs extends GlobalArgs {
  group: string;
  members?: string[];
  member?: string;
}

const create: CommandModule<GlobalArgs, GroupArgs> = {
  command: 'create <group> [members..]',
  describe: 'create a group with these members (you are its admin)',
  handler: async (args) =>
    withClient(args, async (client) => {
      const members = await Promise.all((args.members ?? []).map((name) => client.findUser(name)));
      const { conversation } = await client.request({ t: 'group_create', name: args.group, members: members.map((m) => m.id) });
      process.stdout.write(`created #${args.group} with ${conversation.members.length} members\n`);
    }),
};

function change(verb: 'add' | 'remove'): CommandModule<GlobalArgs, GroupArgs> {
  return {
    command: `${verb} <group> <member>`,
    describe: verb === 'add' ? 'add a member (admins only)' : 'remove a member (admins only)',
    handler: async (args) =>
      withClient(args, async (client) => {
        const group = client.findGroup(args.group);
        const user = await client.findUser(args.member!);
        await client.request({ t: verb === 'add' ? 'group_add' : 'group_remove', conversation: group.conversation, user: user.id });
        process.stdout.write(`${verb === 'add' ? 'added' : 'removed'} ${user.name} ${verb === 'add' ? 'to' : 'from'} #${group.name}\n`);
      }),
  };
}

const leave: CommandModule<GlobalArgs, GroupArgs> = {
  command: 'leave <group>',
  describe: 'leave a group',
  handler: async (args) =>
    withClient(args, async (client) => {
      const group = client.findGroup(args.group);
      await client.request({ t: 'group_leave', conversation: group.conversation });
      process.stdout.write(`left #${group.name}\n`);
    }),
};

/** `fastchat group create|add|remove|leave …`. */
export const groupCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'group <command>',
  describe: 'create a group, add or remove members, leave',
  builder: (cli: Argv<GlobalArgs>) => cli.command(create).command(change('add')).command(change('remove')).command(leave).demandCommand(1) as never,
  handler: () => undefined,
};
