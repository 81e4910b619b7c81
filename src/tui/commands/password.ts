import type { SlashCommand } from './types.js';

/** `/password`: a dialog that asks for the current password and the new one twice, never echoing them. */
export const passwordCommand: SlashCommand = {
  name: 'password',
  usage: '/password',
  describe: 'change your password',
  run(_words, _rest, { dispatch }) {
    dispatch({ type: 'overlay', overlay: { kind: 'password' } });
  },
};
