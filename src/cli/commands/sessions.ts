import type { Argv, CommandModule } from 'yargs';
import type { SessionView } from '../../protocol/index.js';
import type { GlobalArgs } from '../global-options.js';
import { withClient } from '../open-client.js';

interface EndArgs extends GlobalArgs {
  id?: number;
  others?: boolean;
}

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

function describe(session: SessionView): string {
  const mark = session.current ? '  (this command)' : '';
  return `${String(session.id).padStart(8)}  since ${when(session.createdAt)}  last login ${when(session.lastUsedAt)}  expires ${when(session.expiresAt)}${mark}`;
}

const listCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: '$0',
  describe: 'list your sessions: each login that can reconnect without the password (times in UTC)',
  handler: async (args) =>
    withClient(args, async (client) => {
      const sessions = await client.sessions();
      process.stdout.write(`${'session'.padStart(8)}  times in UTC\n`);
      for (const session of sessions) process.stdout.write(`${describe(session)}\n`);
      process.stdout.write(
        'end one with `fastchat sessions end ID`, all others with `fastchat sessions end --others`;\nsomeone who knows your password can log in again: change it with `fastchat password`\n',
      );
    }),
};

const endCommand: CommandModule<GlobalArgs, EndArgs> = {
  command: 'end [id]',
  describe: 'end one of your other sessions (its connection closes at once), or all of them',
  builder: (cli: Argv<GlobalArgs>) =>
    cli
      .positional('id', { type: 'number', describe: 'the session, as `fastchat sessions` lists it' })
      .option('others', { type: 'boolean', describe: "end every session but this command's" })
      .check((argv) => {
        if ((argv.id === undefined) === !argv.others) throw new Error('name one session ID, or --others');
        return true;
      }),
  handler: async (args) =>
    withClient(args, async (client) => {
      const targets = args.others ? (await client.sessions()).filter((s) => !s.current).map((s) => s.id) : [args.id!];
      for (const id of targets) await client.endSession(id);
      process.stdout.write(
        targets.length === 0
          ? 'no other sessions\n'
          : `ended ${targets.length === 1 ? `session ${targets[0]}` : `${targets.length} sessions`}\n`,
      );
    }),
};

/** `fastchat sessions [end ID|--others]`. */
export const sessionsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'sessions',
  describe: 'list your sessions, or end them',
  builder: (cli: Argv<GlobalArgs>) => cli.command(listCommand).command(endCommand),
  handler: () => undefined,
};
