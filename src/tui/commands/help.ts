import type { SlashCommand } from './types.js';

/** `/help`: the overlay with every key and command. */
export const helpCommand: SlashCommand = {
  name: 'help',
  usage: '/help',
  describe: 'this help',
  run(_words, _rest, { dispatch }) {
    dispatch({ type: 'overlay', overlay: { kind: 'help' } });
  },
};
