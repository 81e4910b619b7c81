import type { CommandModule } from 'yargs';
import { requireStrongPassword } from '../../client/index.js';
import type { GlobalArgs } from '../global-options.js';
import { withClient } from '../open-client.js';
import { readNewPassword } from '../password.js';

/** `fastchat password`: asks for the current password (to log in), then the new one twice. */
export const passwordCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'password',
  describe: 'change your password; every other session ends and must log in with the new one',
  handler: async (args) =>
    withClient(args, async (client) => {
      const next = await readNewPassword('new password: ');
      await requireStrongPassword(client.user.name, next);
      await client.changePassword(next);
      process.stdout.write(
        'password changed; every other session has ended, and your keys on this machine are sealed under the new password\n',
      );
    }),
};
