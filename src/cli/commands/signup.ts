import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-options.js';
import { openClient } from '../open-client.js';

interface SignupArgs extends GlobalArgs {
  name: string;
}

/** `fastchat signup NAME`: creates the account and its keys on this machine, prints the fingerprint. */
export const signupCommand: CommandModule<GlobalArgs, SignupArgs> = {
  command: 'signup <name>',
  describe: 'create an account and its keys; prints your key fingerprint',
  builder: (cli) => cli.positional('name', { type: 'string', demandOption: true, describe: 'user name (3-32: letters, digits, _ . -)' }),
  handler: async (args) => {
    const client = await openClient(args, 'signup', args.name);
    try {
      process.stdout.write(`signed up as ${client.user.name} (id ${client.user.id})\n`);
      process.stdout.write(`your key fingerprint: ${client.identity.fingerprint}\n`);
      process.stdout.write(`keys and state: ${args.home}/${client.user.name.toLowerCase()}\n`);
    } finally {
      await client.close();
    }
  },
};
