import type { CommandModule } from 'yargs';
import { lostWithConnection } from '../../client/index.js';
import type { ChatMessage } from '../../client/index.js';
import { formatJson, formatLine } from '../format-message.js';
import type { GlobalArgs } from '../global-options.js';
import { openClient } from '../open-client.js';
import { inert } from '../../util/inert-text.js';

interface ReadArgs extends GlobalArgs {
  follow: boolean;
  json: boolean;
}

/**
 * `fastchat read [--follow] [--json]`: prints the messages that arrived since the last read,
 * decrypted, and marks them read; with --follow keeps printing until interrupted.
 */
export const readCommand: CommandModule<GlobalArgs, ReadArgs> = {
  command: 'read',
  describe: 'print new messages (decrypted) and mark them read',
  builder: (cli) =>
    cli
      .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'keep printing new messages as they arrive' })
      .option('json', { type: 'boolean', default: false, describe: 'one JSON object per line' }),
  handler: async (args) => {
    const client = await openClient(args);
    const newest = new Map<number, number>();
    const print = (message: ChatMessage) => {
      newest.set(message.conversation, message.seq);
      if (message.from === client.user.id && message.trust !== 'event') return;
      process.stdout.write((args.json ? formatJson(client, message) : formatLine(client, message)) + '\n');
    };
    client.on('message', print);
    await client.start();
    const markRead = async () => {
      for (const [conversation, seq] of newest) await client.markRead(conversation, seq);
      newest.clear();
    };
    const total = client.backlog;
    if (total > 200 && process.stderr.isTTY) {
      const timer = setInterval(() => process.stderr.write(`\rdecrypting backlog: ${total - client.backlog}/${total}`), 200);
      await client.caughtUp();
      clearInterval(timer);
      process.stderr.write(`\rdecrypting backlog: ${total}/${total}\n`);
    }
    await client.caughtUp();
    if (!args.follow) {
      await markRead();
      return client.close();
    }
    // Following, a read mark lost with the connection is not the end: what is unmarked stays in
    // `newest` and is marked with the next message after the reconnect. Anything else is reported.
    const markReadFollowing = () =>
      markRead().catch((error: unknown) => {
        if (!lostWithConnection(error))
          process.stderr.write(
            `fastchat read: could not mark messages read: ${inert(error instanceof Error ? error.message : String(error))}\n`,
          );
      });
    await markReadFollowing();
    client.on('message', () => void markReadFollowing());
    // One line when the server is lost and one when it is back, not one per reconnect attempt.
    let lost = false;
    client.on('status', (status) => {
      if (status.state === 'reconnecting' && !lost) {
        lost = true;
        const why = status.code === 'shutting_down' ? 'the server is restarting' : inert(status.reason);
        process.stderr.write(`connection lost (${why}); reconnecting…\n`);
      } else if (status.state === 'connected' && lost) {
        lost = false;
        process.stderr.write('connected again\n');
      }
    });
    // Until interrupted, or until the server ends this session for good (from another session, or a
    // password change): then there is nothing to follow, and the exit code says so.
    const ended = await new Promise<Extract<typeof client.status, { state: 'ended' }> | undefined>((resolve) => {
      process.once('SIGINT', () => resolve(undefined));
      process.once('SIGTERM', () => resolve(undefined));
      client.on('status', (status) => status.state === 'ended' && resolve(status));
    });
    await client.close();
    if (ended) throw new Error(`signed out: ${ended.reason}`);
  },
};
