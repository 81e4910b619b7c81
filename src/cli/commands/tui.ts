import type { CommandModule } from 'yargs';
import { clientTls } from '../client-tls.js';
import type { GlobalArgs } from '../global-options.js';

interface TuiArgs extends GlobalArgs {
  bell: boolean;
}

/** `fastchat tui [--user NAME] [--no-bell]`: the full-screen chat. */
export const tuiCommand: CommandModule<GlobalArgs, TuiArgs> = {
  command: 'tui',
  describe: 'the full-screen chat (log in or sign up on its first screen)',
  builder: (cli) =>
    cli.option('bell', { type: 'boolean', default: true, describe: 'ring the terminal bell for messages in other conversations (--no-bell: never)' }) as never,
  handler: async (args) => {
    if (!process.stdin.isTTY || !process.stdout.isTTY) throw new Error('fastchat tui needs a terminal; the other commands work in scripts');
    // React's development build costs several ms per keystroke: load the TUI in production mode,
    // and only for this command (the scriptable commands never load React).
    process.env.NODE_ENV ??= 'production';
    // Ink draws only the final frame when it believes it runs under CI (is-in-ci reads CI and
    // CONTINUOUS_INTEGRATION when Ink is first imported). This command runs in an interactive terminal,
    // checked above, whatever the environment says, so tell Ink so before it loads.
    process.env.CI = '0';
    process.env.CONTINUOUS_INTEGRATION = '0';
    const { runTui } = await import('../../tui/terminal.js');
    const code = await runTui({ server: args.server, home: args.home, initialName: args.user ?? process.env.FASTCHAT_USER, bell: args.bell, tls: await clientTls(args) });
    process.exit(code);
  },
};
