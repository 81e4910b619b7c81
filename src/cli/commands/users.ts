import type { CommandModule } from 'yargs';
import { fingerprint } from '../../client/index.js';
import { inert } from '../../util/inert-text.js';
import type { GlobalArgs } from '../global-options.js';
import { withClient } from '../open-client.js';

/** `fastchat users`: everyone, with online state and key fingerprint. */
export const usersCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'users',
  describe: 'list users, who is online, and their key fingerprints',
  handler: async (args) =>
    withClient(args, async (client) => {
      let after = 0;
      for (;;) {
        const { users, more } = await client.request({ t: 'users', after, limit: 500 });
        for (const user of users) {
          const state = user.online
            ? 'online'
            : user.lastSeen
              ? `last seen ${new Date(user.lastSeen).toISOString().slice(0, 16).replace('T', ' ')}`
              : 'offline';
          const contact = client.keyring.learn(user);
          const unusable = client.keyring.unusableKey(user.id);
          const print =
            unusable !== undefined ? `unusable key (${inert(unusable)})` : user.publicKey ? fingerprint(user.publicKey) : 'no key';
          const flag = contact?.changed
            ? contact.signedByPinned
              ? '  KEY CHANGED (signed by the key pinned)'
              : '  KEY CHANGED (NOT signed by the key pinned)'
            : user.kind === 'legacy'
              ? '  (legacy 2022 client)'
              : '';
          process.stdout.write(`${user.name.padEnd(20)} ${state.padEnd(28)} ${print}${flag}\n`);
        }
        if (!more || users.length === 0) break;
        after = users.at(-1)!.id;
      }
    }),
};
