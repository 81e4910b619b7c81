import type { SlashCommand } from './types.js';

/** `/quit`: leaves the TUI (the terminal is restored). */
export const quitCommand: SlashCommand = {
  name: 'quit',
  usage: '/quit',
  describe: 'quit',
  run(_words, _rest, { actions }) {
    actions.quit();
  },
};
