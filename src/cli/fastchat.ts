import yargs from 'yargs';
import { VERSION } from '../version.js';
import { pingCommand } from './commands/ping.js';
import { withGlobalOptions } from './global-options.js';
import { exitWithError, strictCli } from './run-cli.js';

const NAME = 'fastchat';

/** `fastchat <command>`: the client's commands. */
export async function main(argv: string[]): Promise<void> {
  const cli = strictCli(withGlobalOptions(yargs(argv)), NAME)
    .usage('$0 <command> [options]\n\nEnd-to-end encrypted chat in the terminal.')
    .version(VERSION)
    .command(pingCommand)
    .demandCommand(1, 'name a command, such as ping');
  try {
    await cli.parseAsync();
  } catch (error) {
    exitWithError(NAME, error);
  }
}
