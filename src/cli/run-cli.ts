import type { Argv } from 'yargs';
import { inert } from '../util/inert-text.js';

/**
 * Common setup for both CLIs: strict flags, and any parse failure as one line on stderr naming the
 * problem, then exit code 2 (the help stays one `--help` away instead of flooding the terminal).
 */
export function strictCli<T>(cli: Argv<T>, name: string): Argv<T> {
  return cli
    .scriptName(name)
    .strict()
    .help()
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      // No message but an error: a command failed at run time, not a usage mistake.
      if (!message && error && !isUsageError(error)) exitWithError(name, error);
      const text = (message || error?.message || 'invalid arguments').split('\n')[0];
      process.stderr.write(`${name}: ${text}\n(see ${name} --help)\n`);
      process.exit(2);
    });
}

/**
 * Prints an error and exits non-zero; the stack only with FASTCHAT_DEBUG set. The message is made
 * inert: it may quote what a server or another user chose (a group's name). Its newlines are kept, as
 * some errors are written in lines (a refused certificate: both fingerprints and the command to
 * accept); a newline cannot move the cursor or recolour anything.
 */
export function exitWithError(name: string, error: unknown, code = 1): never {
  const message = inert(error instanceof Error ? error.message : String(error), true);
  process.stderr.write(`${name}: ${message}\n`);
  if (process.env.FASTCHAT_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(code);
}

/** yargs reports usage mistakes (unknown flag, bad choice) as YError. */
function isUsageError(error: Error): boolean {
  return error.name === 'YError';
}
