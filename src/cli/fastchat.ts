import yargs from 'yargs';
import { VERSION } from '../version.js';
import { groupCommand } from './commands/group.js';
import { groupsCommand } from './commands/groups.js';
import { historyCommand } from './commands/history.js';
import { keysCommand } from './commands/keys.js';
import { passwordCommand } from './commands/password.js';
import { blockCommand, blockedCommand, unblockCommand } from './commands/block.js';
import { pingCommand } from './commands/ping.js';
import { readCommand } from './commands/read.js';
import { sendCommand } from './commands/send.js';
import { sessionsCommand } from './commands/sessions.js';
import { serversCommand } from './commands/servers.js';
import { signupCommand } from './commands/signup.js';
import { tuiCommand } from './commands/tui.js';
import { usersCommand } from './commands/users.js';
import { withGlobalOptions } from './global-options.js';
import { exitWithError, strictCli } from './run-cli.js';

const NAME = 'fastchat';

/** `fastchat <command>`: the client's commands. */
export async function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedStdout();
  const cli = strictCli(withGlobalOptions(yargs(argv)), NAME)
    .usage('$0 <command> [options]\n\nEnd-to-end encrypted chat in the terminal.')
    .version(VERSION)
    .command(tuiCommand)
    .command(signupCommand)
    .command(sendCommand)
    .command(readCommand)
    .command(usersCommand)
    .command(groupsCommand)
    .command(groupCommand)
    .command(historyCommand)
    .command(keysCommand)
    .command(passwordCommand)
    .command(sessionsCommand)
    .command(blockCommand)
    .command(unblockCommand)
    .command(blockedCommand)
    .command(pingCommand)
    .command(serversCommand)
    .demandCommand(1, 'name a command, such as signup, send or read');
  try {
    await cli.parseAsync();
  } catch (error) {
    exitWithError(NAME, error);
  }
}

/**
 * A reader that stops early (`fastchat users | head -1`) closes the pipe: the next write fails with
 * EPIPE. Like any Unix tool, the command then has nothing left to do: it ends at once, quietly, with
 * status 0. Any other stdout failure is still an error.
 */
function endQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    exitWithError(NAME, error);
  });
}
