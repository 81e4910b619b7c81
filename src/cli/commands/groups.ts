import type { CommandModule } from 'yargs';
import { groupLabel } from '../../client/index.js';
import { inert } from '../../util/inert-text.js';
import type { GlobalArgs } from '../global-options.js';
import { withClient } from '../open-client.js';

/** `fastchat groups`: the groups you are in, with members and unread counts; shared names as `#team#12`, the form commands accept. */
export const groupsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'groups',
  describe: 'list your groups with their members and unread counts',
  handler: async (args) =>
    withClient(args, async (client) => {
      const groups = [...client.conversations.values()].filter((c) => c.kind === 'group' && c.leftSeq === undefined);
      if (groups.length === 0) process.stdout.write('you are in no group\n');
      await client.keyring.keysOf([...new Set(groups.flatMap((g) => g.members.map((m) => m.user)))]);
      for (const group of groups) {
        // Counted by the server: the others' messages only (protocol.md § Shapes).
        const unread = group.unread ?? 0;
        const members = group.members.map((m) => `${client.nameOf(m.user)}${m.role === 'admin' ? '*' : ''}`).join(', ');
        process.stdout.write(`#${inert(groupLabel(group, groups))} (${group.members.length} members, ${unread} unread): ${members}\n`);
      }
    }),
};
