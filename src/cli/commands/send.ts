import type { CommandModule } from 'yargs';
import { groupLabel, ConnectionClosedError, RequestTimeoutError, ConnectError } from '../../client/index.js';
import { inert } from '../../util/inert-text.js';
import type { GlobalArgs } from '../global-options.js';
import { findGroup } from '../find-group.js';
import { withClient } from '../open-client.js';

interface SendArgs extends GlobalArgs {
  words: string[];
  group?: string;
  wait: number;
}

/** Exit status of a message queued but not confirmed: sysexits' EX_TEMPFAIL, "try again later". */
export const EXIT_QUEUED = 75;

/** `fastchat send B "text"` / `fastchat send --group G "text"`: encrypts, sends, waits for the server's ack. */
export const sendCommand: CommandModule<GlobalArgs, SendArgs> = {
  command: 'send <words..>',
  describe: 'send an encrypted message: `send USER "text"`, or `send --group GROUP "text"`',
  builder: (cli) =>
    cli
      .positional('words', { type: 'string', array: true, demandOption: true, describe: 'USER TEXT, or TEXT with --group' })
      .option('group', { alias: 'g', type: 'string', describe: 'send to this group (team, or team#12 when names are shared)' })
      .option('wait', {
        type: 'number',
        default: 10,
        describe: 'seconds to wait for the server to confirm; then it stays queued (exit 75)',
      })
      .check((a) => {
        const expected = a.group === undefined ? 2 : 1;
        if (a.words.length !== expected) {
          throw new Error(
            a.group === undefined
              ? 'give a user and the text: send USER "text"'
              : 'give only the text with --group: send --group GROUP "text"',
          );
        }
        return true;
      }),
  handler: async (args) => {
    let queued = false;
    try {
      await withClient(args, async (client) => {
        const [first, second] = args.words;
        const text = (args.group === undefined ? second : first)!;
        const group = args.group !== undefined ? await findGroup(client, args.group) : undefined;
        const target = group ? { conversation: group.conversation } : { user: (await client.findUser(first!)).id };
        const { acked } = await client.send(target, text);
        queued = true;
        const receipt = await confirmed(acked, args.wait * 1000);
        if (!receipt) {
          // On disk in the outbox this user's fastchat processes share: the next one that logs in sends it (outbox.ts).
          process.stderr.write(
            'fastchat send: no confirmation from the server in time; queued; it goes out with the next fastchat that connects\n',
          );
          process.exitCode = EXIT_QUEUED;
          return;
        }
        const to = group ? `#${inert(groupLabel(group, client.conversations.values()))}` : inert(first!);
        process.stdout.write(`sent to ${to} (message ${receipt.seq} of conversation ${receipt.conversation})\n`);
      });
    } catch (error) {
      // The server away before the message was queued: nothing is kept; say so, so nobody waits for it to go out.
      if (!queued && (error instanceof ConnectError || error instanceof ConnectionClosedError || error instanceof RequestTimeoutError)) {
        error.message = `${error.message} (nothing was sent or kept)`;
      }
      throw error;
    }
  },
};

/** The receipt, or undefined when `ms` pass first. A refusal (SendError) still rejects. */
async function confirmed<T>(acked: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  try {
    return await Promise.race([acked, late]);
  } finally {
    clearTimeout(timer);
  }
}
