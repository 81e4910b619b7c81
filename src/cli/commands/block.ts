import type { Argv, CommandModule } from 'yargs';
import { inert } from '../../util/inert-text.js';
import type { GlobalArgs } from '../global-options.js';
import { withClient } from '../open-client.js';

// `who`, not `user`: a positional `user` would overwrite the global --user (who runs the command).
interface UserArgs extends GlobalArgs {
  who: string;
}

const withUser = (cli: Argv<GlobalArgs>) => cli.positional('who', { type: 'string', demandOption: true, describe: 'the user, by name' });

/** `fastchat block USER`: no direct messages and no group adds from USER. */
export const blockCommand: CommandModule<GlobalArgs, UserArgs> = {
  command: 'block <who>',
  describe: 'take no direct messages and no group adds from USER (groups you share stay as they are)',
  builder: withUser,
  handler: async (args) =>
    withClient(args, async (client) => {
      const user = await client.findUser(args.who);
      await client.block(user.id);
      process.stdout.write(`blocked ${inert(user.name)}: their direct messages to you are refused, and they cannot add you to groups\n`);
    }),
};

/** `fastchat unblock USER`. */
export const unblockCommand: CommandModule<GlobalArgs, UserArgs> = {
  command: 'unblock <who>',
  describe: 'lift a block',
  builder: withUser,
  handler: async (args) =>
    withClient(args, async (client) => {
      const user = await client.findUser(args.who);
      await client.unblock(user.id);
      process.stdout.write(`unblocked ${inert(user.name)}\n`);
    }),
};

/** `fastchat blocked`: whom you blocked, one name a line. */
export const blockedCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'blocked',
  describe: 'list the users you blocked',
  handler: async (args) =>
    withClient(args, async (client) => {
      for (const user of await client.blocked()) process.stdout.write(`${inert(user.name)}\n`);
    }),
};
