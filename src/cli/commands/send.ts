import type { CommandModule } from 'yargs';
import { groupLabel } from '../../client/directory.js';
import { inert } from '../../util/inert-text.js';
import type { GlobalArgs } from '../global-options.js';
import { findGroup } from '../find-group.js';
import { withClient } from '../open-client.js';

interface SendArgs extends GlobalArgs {
  words: string[];
  group?: string;
}

/** `fastchat send B "text"` / `fastchat send --group G "text"`: encrypts, sends, waits for the server's ack. */
export const sendCommand: CommandModule<GlobalArgs, SendArgs> = {
  command: 'send <words..>',
  describe: 'send an encrypted message: `send USER "text"`, or `send --group GROUP "text"`',
  builder: (cli) =>
    cli
      .positional('words', { type: 'string', array: true, describe: 'USER TEXT, or TEXT with --group' })
      .option('group', { alias: 'g', type: 'string', describe: 'send to this group (team, or team#12 when names are shared)' })
      .check((a) => {
        const expected = a.group === undefined ? 2 : 1;
        if ((a.words ?? []).length !== expected) {
          throw new Error(a.group === undefined ? 'give a user and the text: send USER "text"' : 'give only the text with --group: send --group GROUP "text"');
        }
        return true;
      }) as never,
  handler: async (args) =>
    withClient(args, async (client) => {
      const [first, second] = args.words;
      const text = (args.group === undefined ? second : first)!;
      const group = args.group !== undefined ? await findGroup(client, args.group) : undefined;
      const target = group ? { conversation: group.conversation } : { user: (await client.findUser(first!)).id };
      const { acked } = await client.send(target, text);
      const receipt = await acked;
      const to = group ? `#${inert(groupLabel(group, client.conversations.values()))}` : inert(first!);
      process.stdout.write(`sent to ${to} (message ${receipt.seq} of conversation ${receipt.conversation})\n`);
    }),
};
