import type { SlashCommand } from './types.js';

/** `/help`: the overlay with every key and command. */
export const helpCommand: SlashCommand = {
  name: 'help',
  usage: '/help',
  describe: 'every key and command',
  run(_words, _rest, { dispatch }) {
    dispatch({ type: 'overlay', overlay: { kind: 'help' } });
  },
};
