import type { CommandModule } from 'yargs';
import { clientTls } from '../client-tls.js';
import type { GlobalArgs } from '../global-options.js';
import { treatInkAsInteractive } from '../interactive-ink.js';

interface TuiArgs extends GlobalArgs {
  bell: boolean;
  color: boolean;
}

/** `fastchat tui [--user NAME] [--no-bell] [--no-color]`: the full-screen chat. */
export const tuiCommand: CommandModule<GlobalArgs, TuiArgs> = {
  command: 'tui',
  describe: 'the full-screen chat (log in or sign up on its first screen)',
  builder: (cli) =>
    cli
      .option('bell', {
        type: 'boolean',
        default: true,
        describe: 'ring the terminal bell for messages in other conversations (--no-bell: never)',
      })
      .option('color', {
        type: 'boolean',
        default: true,
        describe: 'draw in colour (--no-color: bold and inverse only, as does a non-empty $NO_COLOR; $FORCE_COLOR forces colour)',
      }),
  handler: async (args) => {
    if (!process.stdin.isTTY || !process.stdout.isTTY) throw new Error('fastchat tui needs a terminal; the other commands work in scripts');
    // React's development build costs several ms per keystroke: load the TUI in production mode,
    // and only for this command (the scriptable commands never load React).
    process.env.NODE_ENV ??= 'production';
    // This command runs in an interactive terminal (checked above) whatever CI says: tell Ink so
    // before it loads (interactive-ink.ts); colours are decided in tui/terminal-colours.ts.
    treatInkAsInteractive();
    const { runTui } = await import('../../tui/terminal.js');
    const code = await runTui({
      server: args.server,
      home: args.home,
      initialName: args.user ?? process.env.FASTCHAT_USER,
      bell: args.bell,
      noColor: !args.color,
      tls: await clientTls(args, true),
    });
    process.exit(code);
  },
};
