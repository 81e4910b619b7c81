import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-options.js';
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
      .option('group', { alias: 'g', type: 'string', describe: 'send to this group' })
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
      const target = args.group !== undefined ? { conversation: client.findGroup(args.group).conversation } : { user: (await client.findUser(first!)).id };
      const { acked } = await client.send(target, text);
      const receipt = await acked;
      process.stdout.write(`sent to ${args.group !== undefined ? `#${args.group}` : first} (message ${receipt.seq} of conversation ${receipt.conversation})\n`);
    }),
};
