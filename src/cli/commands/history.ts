import type { CommandModule } from 'yargs';
import { formatJson, formatLine } from '../format-message.js';
import type { GlobalArgs } from '../global-options.js';
import { integerOption } from '../options.js';
import { findGroup } from '../find-group.js';
import { withClient } from '../open-client.js';

interface HistoryArgs extends GlobalArgs {
  with?: string;
  group?: string;
  limit: number;
  json: boolean;
}

/** `fastchat history B|--group G [--limit N]`: the latest messages of a conversation, decrypted. */
export const historyCommand: CommandModule<GlobalArgs, HistoryArgs> = {
  command: 'history [with]',
  describe: 'show the latest messages with a user, or of a group with --group',
  builder: (cli) =>
    cli
      .positional('with', { type: 'string', describe: 'the other user' })
      .option('group', { alias: 'g', type: 'string', describe: 'a group instead (team, or team#12 when names are shared)' })
      .option('limit', { alias: 'n', type: 'string', default: '20', describe: 'how many', coerce: integerOption('limit', 1, 200) })
      .option('json', { type: 'boolean', default: false, describe: 'one JSON object per line' })
      .check((a) => {
        if ((a.with === undefined) === (a.group === undefined)) throw new Error('name a user or a --group (one of them)');
        return true;
      }),
  handler: async (args) =>
    withClient(args, async (client) => {
      const conversation =
        args.group !== undefined
          ? (await findGroup(client, args.group)).conversation
          : (await client.request({ t: 'open_direct', user: (await client.findUser(args.with!)).id })).conversation.conversation;
      const messages = await client.history(conversation, undefined, args.limit);
      for (const message of messages) process.stdout.write((args.json ? formatJson(client, message) : formatLine(client, message)) + '\n');
      if (messages.length === 0) process.stdout.write('no messages yet\n');
    }),
};
