import { userName } from '../state/selectors.js';
import type { SlashCommand } from './types.js';

/** `/who`: the members of the open conversation (or everyone known) with who is online. */
export const whoCommand: SlashCommand = {
  name: 'who',
  usage: '/who',
  describe: 'the members here, and who is online',
  run(_words, _rest, { state, actions }) {
    const entry = state.view.open === undefined ? undefined : state.directory.conversations[state.view.open];
    const ids = entry ? entry.memberIds : Object.keys(state.directory.users).map(Number);
    const list = ids
      .map((id) => `${userName(state, id)}${id === state.account.me.id || state.directory.users[id]?.online ? ' (online)' : ''}`)
      .sort()
      .join(', ');
    actions.info(`${entry ? `${ids.length} members` : 'users'}: ${list || 'nobody yet'}`);
  },
};
